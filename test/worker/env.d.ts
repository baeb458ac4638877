import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** wrangler.toml's [env.production] vars as a deploy gets them (vitest.config.ts). */
      TEST_PRODUCTION_VARS: Record<string, string>;
    }
  }
}
