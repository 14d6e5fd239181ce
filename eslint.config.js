// Lint rules, including the boundaries that say where code runs: shared/ uses neither Node nor DOM APIs,
// electron/engine and the CLI never import electron, the renderer never imports Node modules, and only
// electron/main and electron/preload touch Electron. A violation fails `npm test`.
import js from '@eslint/js';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeModules = ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)];
const electronModules = ['electron', 'electron/*', 'electron-log', 'electron-log/*'];

const restrict = (groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
});

const noNode = [nodeModules, 'Runs outside Node (renderer or shared code): Node modules are not available here.'];
const noElectron = [electronModules, 'Only electron/main and electron/preload may import Electron.'];
const noRenderer = [['**/renderer/**', 'react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*'], 'UI code belongs to the renderer.'];
const noMainProcess = [['**/electron/**', 'better-sqlite3', 'ws', 'ssh2'], 'The renderer reaches the engine only through the IPC client.'];

const READ_ATTRIBUTES = '/^(aria-label|title|placeholder|alt|label)$/';
const HAS_LETTER = '/\\p{L}/u';
const translateIt = 'Text people read goes through t() (renderer/src/locales), so it is translated.';
const untranslatedText = [
  // Text between tags, or a string or template written as a child: `<p>Saved</p>`, `<p>{'Saved'}</p>`.
  `JSXText[value=${HAS_LETTER}]`,
  `:matches(JSXElement, JSXFragment) > JSXExpressionContainer > Literal[value=${HAS_LETTER}]`,
  `:matches(JSXElement, JSXFragment) > JSXExpressionContainer > TemplateLiteral > TemplateElement[value.raw=${HAS_LETTER}]`,
  // Attributes people read (or hear). Only literals with a letter: `alt=""` rightly marks an image as decoration.
  `JSXAttribute[name.name=${READ_ATTRIBUTES}] > Literal[value=${HAS_LETTER}]`,
  `JSXAttribute[name.name=${READ_ATTRIBUTES}] > JSXExpressionContainer > Literal[value=${HAS_LETTER}]`,
  `JSXAttribute[name.name=${READ_ATTRIBUTES}] > JSXExpressionContainer > TemplateLiteral > TemplateElement[value.raw=${HAS_LETTER}]`,
].map((selector) => ({ selector, message: translateIt }));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-output/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['scripts/**/*.{js,mjs,ts}', 'eslint.config.js', 'bench/**/*.{ts,mjs}', 'test/**/*.ts', '**/vite.config.ts', 'vitest.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      ...restrict([noNode, noElectron, noRenderer, [['**/electron/**'], 'shared/ cannot depend on the main process.']]),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: restrict([noElectron, noRenderer]),
  },
  {
    files: ['electron/main/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: restrict([noRenderer]),
  },
  {
    files: ['electron/preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([noNode, noRenderer, [['electron-log', 'electron-log/*', '**/electron/engine/**', '**/electron/main/**'], 'The preload exposes only the IPC bridge.']]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([noNode, noElectron, noMainProcess]),
  },
  {
    // Components show only translated strings (`t('ns:key')`, renderer/src/locales): text written into JSX, or a
    // string literal in an attribute people read, would stay English in every language.
    files: ['renderer/src/**/*.tsx'],
    ignores: ['renderer/src/**/*.test.tsx'],
    rules: { 'no-restricted-syntax': ['error', ...untranslatedText] },
  },
);
