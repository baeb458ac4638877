import { defineConfig } from 'vitest/config';

// Admin CLI tests: `npm run admin` against the local state of a real `wrangler dev`, which
// test/cli/global-setup.ts starts once; what each command did is checked through the API.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/cli/**/*.test.ts'],
    globalSetup: ['test/cli/global-setup.ts'],
    // One Worker and its one state: files run one after another.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
