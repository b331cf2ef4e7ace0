// The fault tests (`npm run test:faults`): each file starts the whole stack
// (launcher + one process per app, as `npm start` runs it) on a fresh database,
// breaks something on purpose (SIGKILL, SIGTERM, terminated connections,
// concurrency, malformed input) and checks what the README promises. One file
// at a time: they load a shared 2-core machine and kill processes.
const preset = require('../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'faults',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.fault.test.ts'],
  maxWorkers: 1,
  testTimeout: 180_000,
};
