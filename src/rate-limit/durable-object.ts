import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

/** Placeholder until the sliding-window limiter lands (issue: rate limiter). */
export class RateLimiter extends DurableObject<Env> {}
