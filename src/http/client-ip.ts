import type { Context } from 'hono';

/** The caller's address as Cloudflare saw it (only Cloudflare can set CF-Connecting-IP). */
export const clientIp = (c: Context): string => c.req.header('CF-Connecting-IP') ?? 'unknown';
