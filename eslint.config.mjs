// ESLint flat config. The pure core (engine, protocols, trace, dsl) must run
// unchanged in Node, a web worker and a browser page, so it may import nothing
// from vscode, Node built-ins or the DOM, and must not read the wall clock or
// Math.random (determinism: same scenario + seed => byte-identical trace).
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream',
  'timers', 'tls', 'tty', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

/** Determinism rules of the whole pure core (a later block that sets the same rule must repeat them). */
const determinismSyntax = [
  { selector: "NewExpression[callee.name='Date']", message: 'Use the virtual clock (determinism).' },
];
const determinismProperties = [
  { object: 'Math', property: 'random', message: 'Use the simulator\'s seeded PRNG (determinism).' },
  { object: 'Date', property: 'now', message: 'Use the virtual clock (determinism).' },
];

/**
 * The scenario language uses Langium and Chevrotain through their public API
 * only (documented services, protected methods): a cast through `unknown`
 * or `any`, or a prototype swap, is how code reaches a dependency's private
 * members, and it breaks silently on the dependency's next release
 * (test/dsl/public-api.test.ts shows this rule catching one).
 */
const PRIVATE_ACCESS = 'src/dsl uses Langium and Chevrotain through their public API only: no casts through unknown or any, no prototype swaps (see docs/scenario-language.md, "Langium").';
const publicApiOnlySyntax = [
  { selector: "TSAsExpression > TSAsExpression.expression[typeAnnotation.type='TSUnknownKeyword']", message: PRIVATE_ACCESS },
  { selector: "TSTypeAssertion > TSTypeAssertion.expression[typeAnnotation.type='TSUnknownKeyword']", message: PRIVATE_ACCESS },
  { selector: 'TSAnyKeyword', message: PRIVATE_ACCESS },
];
const publicApiOnlyProperties = [
  { object: 'Object', property: 'setPrototypeOf', message: PRIVATE_ACCESS },
  { object: 'Reflect', property: 'setPrototypeOf', message: PRIVATE_ACCESS },
  { property: '__proto__', message: PRIVATE_ACCESS },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'src/dsl/generated/**', '.e2e/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    // CommonJS files (mocha loads its reporter with require()).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/protocols/**/*.ts', 'src/trace/**/*.ts', 'src/dsl/**/*.ts', 'src/checks/**/*.ts', 'src/explore/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The pure core must not depend on the VS Code API (only src/extension may).' },
          ...nodeBuiltins.map((name) => ({ name, message: 'The pure core runs in browsers too: no Node built-ins.' })),
        ],
        patterns: [
          { group: ['node:*'], message: 'The pure core runs in browsers too: no Node built-ins.' },
          { group: ['**/extension/**', '**/server/**', '**/cli/**', '**/webview/**'], message: 'Dependencies point inward: the core never imports its hosts.' },
        ],
      }],
      'no-restricted-globals': ['error',
        ...['window', 'document', 'navigator', 'localStorage', 'location', 'HTMLElement', 'fetch'].map((name) => ({ name, message: 'No DOM in the pure core.' })),
        ...['setTimeout', 'setInterval', 'setImmediate', 'performance', 'process', 'Buffer', 'require'].map((name) => ({ name, message: 'No host globals in the pure core (determinism, portability).' })),
      ],
      'no-restricted-properties': ['error', ...determinismProperties],
      'no-restricted-syntax': ['error', ...determinismSyntax],
    },
  },
  {
    files: ['src/dsl/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', ...determinismProperties, ...publicApiOnlyProperties],
      'no-restricted-syntax': ['error', ...determinismSyntax, ...publicApiOnlySyntax],
    },
  },
);
