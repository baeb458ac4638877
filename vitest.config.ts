import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { unstable_readConfig } from 'wrangler';

// Worker tests: the real Worker in workerd with real D1, KV and Durable Objects, configured
// from wrangler.toml; the same drizzle-kit migrations wrangler applies are applied in setup. The
// [env.production] vars, as wrangler resolves them for a deploy, are handed over for the config test.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  const production = unstable_readConfig(
    { config: './wrangler.toml', env: 'production' },
    // Quiet: its one warning (the top-level JWT_SECRET is not inherited) is intended; the config test checks it.
    { hideWarnings: true },
  );
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, TEST_PRODUCTION_VARS: production.vars },
          // A database of the upgrade test's own (test/worker/db/upgrade.test.ts), migrated step by step
          // from an older version; not in wrangler.toml, so the Worker never has it outside that test.
          d1Databases: ['UPGRADE_DB'],
        },
      }),
    ],
    test: {
      include: ['test/worker/**/*.test.ts'],
      setupFiles: ['test/worker/setup.ts'],
      silent: 'passed-only' as const,
      // A test that signs in several times spends ~200 ms of scrypt per login; on a loaded 2-core
      // machine that passed vitest's 5 s default without anything being wrong.
      testTimeout: 30_000,
    },
  };
});
