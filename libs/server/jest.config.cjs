// The server kit's tests run HTTP servers in-process and need no database.
const { globalSetup: _setup, globalTeardown: _teardown, ...preset } = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'server',
  rootDir: __dirname,
};
