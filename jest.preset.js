// Shared Jest settings. Tests run the TypeScript sources directly (swc strips types); the
// type checking happens in `npm run typecheck`, so a test run never waits on tsc.
const path = require('node:path');

const root = __dirname;
const workspaceEntries = {
  '@lab/common': 'libs/common/src/index.ts',
  '@lab/config': 'libs/config/src/index.ts',
  '@lab/discovery': 'libs/discovery/src/index.ts',
  '@lab/health': 'libs/health/src/index.ts',
  '@lab/resilience': 'libs/resilience/src/index.ts',
  '@lab/service-kit': 'libs/service-kit/src/index.ts',
  '@lab/testing': 'libs/testing/src/index.ts',
  '@lab/embedded-postgres': 'libs/embedded-postgres/src/index.ts',
  '@lab/dev-registry': 'apps/dev-registry/src/index.ts',
  '@lab/dev-stack': 'tools/dev-stack/src/index.ts',
};

const moduleNameMapper = Object.fromEntries(
  Object.entries(workspaceEntries).map(([name, file]) => [`^${name}$`, path.join(root, file)]),
);

/** @param {string} projectDir absolute path of the project */
function projectConfig(projectDir, overrides = {}) {
  const name = path.basename(projectDir);
  return {
    displayName: name,
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    moduleNameMapper,
    transform: {
      '^.+\\.(t|j)s$': [
        require.resolve('@swc/jest'),
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    // jose ships ES modules only; everything else in node_modules is CommonJS already.
    transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
    ...overrides,
  };
}

module.exports = { projectConfig, workspaceEntries };
