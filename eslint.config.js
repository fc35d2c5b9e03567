// Lint rules that hold the layers of ARCHITECTURE.md in place: the compiler keeps DOM out of
// main/ and Node out of renderer/; these rules keep each folder to the imports its layer allows.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const electron = { name: 'electron', message: 'Only main/shell/ may import electron (ARCHITECTURE.md: the engine never imports Electron).' };
const noNode = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'https', 'net', 'tls', 'crypto'],
  message: 'The renderer runs in a browser sandbox: talk to the engine through the transport, never node:*.',
};
const upward = (message) => ({ group: ['**/main/*', '**/main/**', '../main/**'], message });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='rejectUnauthorized'][value.value=false]", message: 'Verify against the Portico CA instead of turning verification off.' },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [noNode, upward('shared/ is the contract: it imports only zod.')] }],
    },
  },
  {
    files: ['main/engine/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [{ group: ['**/control/**', '**/shell/**', '**/headless/**', '**/renderer/**'], message: 'The engine is the lowest main/ layer.' }] }],
    },
  },
  {
    files: ['main/control/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [{ group: ['**/shell/**', '**/headless/**', '**/renderer/**'], message: 'control/ may import shared/ and the engine only.' }] }],
    },
  },
  {
    files: ['main/headless/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [{ group: ['**/shell/**', '**/renderer/**'], message: 'headless/ runs without Electron.' }] }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [noNode, upward('The renderer imports shared/ only.')] }],
    },
  },
);
