// One Jest run over every project. `jest --selectProjects gateway` runs one of them.
const { globSync } = require('node:fs');
const path = require('node:path');

const projects = globSync('{libs,apps,tools}/*/jest.config.js', { cwd: __dirname })
  .concat(globSync('e2e/jest.config.js', { cwd: __dirname }))
  .map((file) => path.join(__dirname, path.dirname(file)));

module.exports = {
  projects,
  testTimeout: 30_000,
  // Resolve Postgres, Redis and Consul once per run and hand them to every worker (libs/testing).
  globalSetup: path.join(__dirname, 'libs/testing/jest/global-setup.js'),
  globalTeardown: path.join(__dirname, 'libs/testing/jest/global-teardown.js'),
  reporters: ['default', path.join(__dirname, 'tools/jest-summary-reporter.js')],
};
