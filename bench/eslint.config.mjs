import base from '../eslint.config.mjs';

export default [
  ...base,
  {
    files: ['**/*.ts'],
    rules: {
      // Benchmarks measure the apps from the outside and seed data with the
      // apps' own SQL, so they import app and lib sources by path on purpose.
      '@nx/enforce-module-boundaries': 'off',
    },
  },
];
