module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'prompt',
  rootDir: __dirname,
};
