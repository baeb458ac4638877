// Parses vars, secrets and bindings once per isolate into a typed Config; a bad one is MISCONFIGURED.

import { z } from 'zod';
import type { Env } from './env';
import { log } from './http/logger';

/** The signing secret wrangler.toml ships for local development; refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-jwt-secret-do-not-use-in-production';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true'));

const seconds = (fallback: number) => z.coerce.number().int().positive().max(31_536_000).default(fallback);

/** A rate-limit policy: `"LIMIT/SECONDS"` or `"off"`. */
const policy = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      if (v.trim() === 'off') return null;
      const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
      const limit = Number(m?.[1]);
      const windowSeconds = Number(m?.[2]);
      if (!m || limit < 1 || windowSeconds < 1 || windowSeconds > 86_400) {
        ctx.addIssue({ code: 'custom', message: `expected "LIMIT/SECONDS" or "off", got "${v}"` });
        return z.NEVER;
      }
      return { limit, windowSeconds };
    });

const secret = z.string().refine((s) => new TextEncoder().encode(s).byteLength >= 32, 'must be at least 32 bytes');

const binding = (name: string, method: string) =>
  z.custom<unknown>(
    (v) => typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function',
    `binding ${name} is missing`,
  );

const ConfigSchema = z
  .object({
    DB: binding('DB', 'prepare'),
    AUTH_KV: binding('AUTH_KV', 'get'),
    RATE_LIMITER: binding('RATE_LIMITER', 'idFromName'),
    IMAGES: binding('IMAGES', 'head'),
    METRICS: binding('METRICS', 'writeDataPoint'),
    ENVIRONMENT: z.enum(['development', 'production']).default('production'),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    SIGNUP_ENABLED: flag(false),
    DOCS_ENABLED: flag(false),
    ACCESS_TOKEN_TTL: seconds(900),
    REFRESH_TOKEN_TTL: seconds(604_800),
    RATE_LIMIT_LOGIN: policy('5/60'),
    RATE_LIMIT_REGISTER: policy('10/3600'),
    RATE_LIMIT_REFRESH: policy('30/60'),
    RATE_LIMIT_API: policy('600/60'),
    RATE_LIMIT_PUBLIC: policy('300/60'),
    RATE_LIMIT_PREDICT: policy('120/60'),
    PRICE_MODEL_VERSION: z.string().default('latest'),
    JWT_SECRET: secret,
    JWT_SECRET_PREVIOUS: secret.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.ENVIRONMENT !== 'production') return;
    if (c.CORS_ORIGINS.includes('*'))
      ctx.addIssue({ code: 'custom', path: ['CORS_ORIGINS'], message: '"*" is allowed only in development' });
    if (c.JWT_SECRET === DEVELOPMENT_JWT_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'the development secret is refused in production',
      });
  });

type Parsed = z.output<typeof ConfigSchema>;
export type RateLimitPolicy = NonNullable<Parsed['RATE_LIMIT_LOGIN']>;

export interface Config {
  environment: 'development' | 'production';
  isDevelopment: boolean;
  corsOrigins: string[];
  signupEnabled: boolean;
  docsEnabled: boolean;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  rateLimits: {
    login: RateLimitPolicy | null;
    register: RateLimitPolicy | null;
    refresh: RateLimitPolicy | null;
    api: RateLimitPolicy | null;
    public: RateLimitPolicy | null;
    predict: RateLimitPolicy | null;
  };
  priceModelVersion: string;
  jwtSecret: string;
  jwtSecretPrevious: string | undefined;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

function toConfig(p: Parsed): Config {
  return {
    environment: p.ENVIRONMENT,
    isDevelopment: p.ENVIRONMENT === 'development',
    corsOrigins: p.CORS_ORIGINS,
    signupEnabled: p.SIGNUP_ENABLED,
    // Docs are on everywhere but production, where DOCS_ENABLED must say so.
    docsEnabled: p.ENVIRONMENT !== 'production' || p.DOCS_ENABLED,
    accessTokenTtl: p.ACCESS_TOKEN_TTL,
    refreshTokenTtl: p.REFRESH_TOKEN_TTL,
    rateLimits: {
      login: p.RATE_LIMIT_LOGIN,
      register: p.RATE_LIMIT_REGISTER,
      refresh: p.RATE_LIMIT_REFRESH,
      api: p.RATE_LIMIT_API,
      public: p.RATE_LIMIT_PUBLIC,
      predict: p.RATE_LIMIT_PREDICT,
    },
    priceModelVersion: p.PRICE_MODEL_VERSION,
    jwtSecret: p.JWT_SECRET,
    jwtSecretPrevious: p.JWT_SECRET_PREVIOUS,
  };
}

const cache = new WeakMap<object, ConfigResult>();

/**
 * The env object is stable for an isolate's life, so parsing (and the one log line for a bad
 * config) happens once per isolate, not per request.
 */
export function loadConfig(env: Env): ConfigResult {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = ConfigSchema.safeParse(env);
  const result: ConfigResult = parsed.success
    ? { ok: true, config: toConfig(parsed.data) }
    : {
        ok: false,
        problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`),
      };
  if (!result.ok) {
    log('error', 'MISCONFIGURED: refusing to serve', { problems: result.problems });
  }
  cache.set(env, result);
  return result;
}
