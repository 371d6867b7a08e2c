// Unit and integration tests in one run. Integration suites share one embedded PostgreSQL and one
// Temporal dev server (started on first use, stopped by the global teardown).
module.exports = {
  require: ['tsx/cjs', 'test/support/hooks.ts'],
  spec: ['test/**/*.test.ts'],
  // The fault-injection suite has its own config and command (npm run test:faults).
  ignore: ['test/faults/**'],
  reporter: 'test/support/reporter.cjs',
  timeout: 120_000,
  slow: 2_000,
};
