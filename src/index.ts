// Worker entry: the HTTP app and the Durable Object classes wrangler.toml binds.
import { createApp } from './app';
import type { Env } from './env';

export { RateLimiter } from './rate-limit/durable-object';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
