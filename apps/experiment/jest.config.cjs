module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'experiment',
  rootDir: __dirname,
};
