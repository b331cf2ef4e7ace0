// The gateway's tests run against the real stack: the global setup builds the
// apps and starts the all-in-one launcher (as `npm start` does) on a fresh
// database, and tests talk to it over HTTP.
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'gateway',
  rootDir: __dirname,
  globalSetup: require.resolve('./test/stack.global-setup.ts'),
  globalTeardown: require.resolve('./test/stack.global-teardown.ts'),
  testTimeout: 60000,
};
