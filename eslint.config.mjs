import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/__generated__', '**/.data'] },
  {
    files: ['**/*.ts'],
    rules: {
      // The import rules of DESIGN.md: core is pure and imports nothing internal,
      // data builds on core only, the server kit on core and data, and no app
      // imports another app.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'type:server', onlyDependOnLibsWithTags: ['type:core', 'type:data'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:data', 'type:server'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['libs/core/**/*.ts'],
    rules: {
      // libs/core is pure: no I/O modules, ever.
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'http', 'node:http', 'https', 'node:https', 'net', 'node:net', 'child_process', 'node:child_process', 'pg', 'typeorm'],
        },
      ],
    },
  },
  tseslint.configs.disableTypeChecked,
];
