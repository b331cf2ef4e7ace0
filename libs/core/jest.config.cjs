// libs/core is pure: its tests need no database.
const { globalSetup: _setup, globalTeardown: _teardown, ...preset } = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'core',
  rootDir: __dirname,
};
