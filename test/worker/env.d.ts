import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** An empty database of the upgrade test's own, migrated by it (vitest.config.ts). */
      UPGRADE_DB: D1Database;
      /** wrangler.toml's [env.production] vars as a deploy gets them (vitest.config.ts). */
      TEST_PRODUCTION_VARS: Record<string, string>;
    }
  }
}
