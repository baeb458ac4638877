// The Worker's bindings, vars and secrets as the runtime hands them over (all vars are strings).
import type { RateLimiter } from './rate-limit/durable-object';

export interface Env {
  DB: D1Database;
  AUTH_KV: KVNamespace;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  IMAGES: R2Bucket;
  METRICS: AnalyticsEngineDataset;
  ENVIRONMENT?: string;
  CORS_ORIGINS?: string;
  SIGNUP_ENABLED?: string;
  DOCS_ENABLED?: string;
  ACCESS_TOKEN_TTL?: string;
  REFRESH_TOKEN_TTL?: string;
  RATE_LIMIT_LOGIN?: string;
  RATE_LIMIT_REGISTER?: string;
  RATE_LIMIT_REFRESH?: string;
  RATE_LIMIT_API?: string;
  RATE_LIMIT_PUBLIC?: string;
  RATE_LIMIT_PREDICT?: string;
  PRICE_MODEL_VERSION?: string;
  JWT_SECRET?: string;
  JWT_SECRET_PREVIOUS?: string;
}
