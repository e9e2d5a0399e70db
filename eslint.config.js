// Lint configuration: the recommended JavaScript and typescript-eslint rule sets, nothing custom.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'examples/', 'fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
);
