// The fault-injection suite (`npm run test:faults`), kept out of `npm test`: it starts a whole
// stack per scenario and takes minutes. See README "Fault injection".
module.exports = {
  require: ['tsx/cjs'],
  spec: ['test/faults/**/*.test.ts'],
  timeout: 20 * 60_000,
  slow: 60_000,
};
