import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The course's runner (tools/course) drives the whole system as a student does: it starts the dev
// stack, a tool, and its tests do the same.
const courseDependencies = {
  sourceTag: 'type:course',
  onlyDependOnLibsWithTags: ['type:tool', 'type:testing', 'type:kit', 'type:lib', 'type:devtool', 'type:common'],
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.tools/**',
      '.nx/**',
      'coverage/**',
      // Run-time data: logs, and the scratch folders where README examples are run.
      '.data/**',
      // A student's own copy of an exercise: theirs to write as they like, graded by npm run exercise.
      'exercises/*/work/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // Dependencies point one way: apps -> service-kit -> libs -> common. Libs do not import each
      // other (what they share lives in common, which imports nothing of ours); no app imports
      // another app. dev-registry is a development tool the testing lib may embed.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:common', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:common'] },
            { sourceTag: 'type:kit', onlyDependOnLibsWithTags: ['type:lib', 'type:common'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:kit', 'type:lib', 'type:common'] },
            { sourceTag: 'type:devtool', onlyDependOnLibsWithTags: ['type:lib', 'type:common'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:kit', 'type:lib', 'type:devtool', 'type:common'],
            },
            // Development tools may start local servers through the testing lib (npm start on etcd).
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:kit', 'type:lib', 'type:devtool', 'type:testing', 'type:common'],
            },
            courseDependencies,
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: [
                'type:tool',
                'type:testing',
                'type:kit',
                'type:lib',
                'type:devtool',
                'type:common',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // A lib's own tests may use the testing lib and the dev registry for real servers: neither imports
    // any lib, so no dependency cycle can form.
    files: [
      'libs/{config,discovery,health,resilience}/**/*.test.ts',
      'libs/{config,discovery,health,resilience}/test/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:devtool', 'type:testing', 'type:common'] },
          ],
        },
      ],
    },
  },
  {
    // Tests of apps, service-kit and tools may use the testing lib (servers, databases, token issuers).
    files: [
      '{apps,tools}/**/*.test.ts',
      '{apps,tools}/*/test/**/*.ts',
      'libs/service-kit/**/*.test.ts',
      'libs/service-kit/test/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:kit', 'type:lib', 'type:testing', 'type:common'],
            },
            {
              sourceTag: 'type:kit',
              onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:devtool', 'type:common'],
            },
            // The dev registry's tests hold to what its code may use.
            { sourceTag: 'type:devtool', onlyDependOnLibsWithTags: ['type:lib', 'type:common'] },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:kit', 'type:lib', 'type:devtool', 'type:testing', 'type:common'],
            },
            courseDependencies,
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Layout is Prettier's job (npm run format); no lint rule may disagree with it.
  prettier,
);
