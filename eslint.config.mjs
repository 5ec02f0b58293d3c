// typescript-eslint recommendedTypeChecked + the layering rules of ARCHITECTURE.md §1.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.e2e/**',
      'test-results/**',
      '.vscode-test/**',
      'esbuild.js',
      'eslint.config.mjs',
      'scripts/**/*.mjs',
      'scripts/**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      // prettier formats at 140; a longer line is only a string (a whole translatable sentence stays one literal)
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
      curly: 'error',
      'no-throw-literal': 'error',
    },
  },
  {
    files: ['src/api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/api must not depend on vscode.' }],
          patterns: [{ group: ['**/core/**', '**/ui/**', '**/platform/**'], message: 'src/api depends on nothing above it.' }],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'src/core may only import vscode types.', allowTypeImports: true },
            { name: 'axios', message: 'src/core must not use axios; go through src/api.' },
          ],
          patterns: [{ group: ['**/ui/**', '**/platform/**'], message: 'src/core must not depend on ui or platform.' }],
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'axios', message: 'src/platform must not use axios.' }],
          patterns: [
            { group: ['**/api/**', '**/ui/**'], message: 'src/platform adapts VS Code for src/core: it imports core, never api or ui.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'axios', message: 'src/ui must not use axios.' }],
          patterns: [{ group: ['**/api/**'], message: 'src/ui must not import src/api; go through src/core.' }],
        },
      ],
    },
  },
);
