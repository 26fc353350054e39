import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.portico/**', 'console/src/api/schema.d.ts', 'perf/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Written by the MikroORM CLI (it escapes `$` in trigger bodies); regenerate rather than hand-edit.
  { files: ['core/server/src/db/migrations/**'], rules: { 'no-useless-escape': 'off' } },
);
