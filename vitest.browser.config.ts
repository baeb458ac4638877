import { defineConfig } from 'vitest/config';

// Browser tests: Node drives Debian's Chromium (playwright-core) against a real `wrangler dev`,
// which test/browser/global-setup.ts starts once with its own migrated and seeded state.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    // One Worker and one browser at a time: files run one after another.
    fileParallelism: false,
    testTimeout: 60_000,
    // A real browser against wrangler dev's proxy on a shared 2-core machine: once in a few runs a
    // navigation stalled past its 30 s (the same page loads in ~6 s otherwise). One retry tells such a
    // stall from a regression, which fails both times; vitest's report still marks the test flaky.
    retry: 1,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
