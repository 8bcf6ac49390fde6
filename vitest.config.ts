import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; see test/helpers/global-setup.ts.
    globalSetup: ['test/helpers/global-setup.ts'],
    // Closes the per-file test server (and anything else a helper registered) after each file.
    setupFiles: ['test/helpers/setup-file.ts'],
    // Integration tests wait on real clocks (1-2 s visibility timeouts, long polls) and on DynamoDB Local.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    // Two cores are shared with the DynamoDB Local JVM; most test time is spent waiting on clocks,
    // so a few files in parallel shorten the run without starving DynamoDB Local.
    maxWorkers: 3,
    // The AWS SDK warns once per worker that it will need Node 22 from 2027; Node 20 is what CI has today.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
