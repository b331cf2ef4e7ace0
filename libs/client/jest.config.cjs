// libs/client's tests: unit tests beside the code, and end-to-end tests in
// test/ against the real stack, started once by the gateway's global setup
// (FLYWHEEL_TEST_SUBGRAPHS=prompt,experiment,feedback runs part of it).
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'client',
  rootDir: __dirname,
  globalSetup: require.resolve('../../apps/gateway/test/stack.global-setup.ts'),
  globalTeardown: require.resolve('../../apps/gateway/test/stack.global-teardown.ts'),
  testTimeout: 120000,
};
