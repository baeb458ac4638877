import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './types';

/** JSON never needs to load anything; the docs page widens this for itself (see docs/routes). */
export const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * A printable document (shop/documents/page.ts) is JSON_CSP plus its own inline <style>: still no
 * script, image, font or connection, so nothing on the page can load or send anything.
 */
export const DOCUMENT_CSP = `${JSON_CSP}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`;

const HEADERS: Record<string, string> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy':
    'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Defaults a route may widen: the docs page its CSP, a storefront image its CORP (cross-origin). */
const DEFAULTS: Record<string, string> = {
  'Content-Security-Policy': JSON_CSP,
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Set after the handler so every response, errors included, carries them. */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(HEADERS)) c.res.headers.set(name, value);
  for (const [name, value] of Object.entries(DEFAULTS)) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  c.res.headers.delete('X-Powered-By');
});
