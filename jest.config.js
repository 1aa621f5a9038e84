// One Jest run over every project. `jest --selectProjects gateway` runs one of them.
const { globSync } = require('node:fs');
const path = require('node:path');

const projects = globSync('{libs,apps,tools}/*/jest.config.js', { cwd: __dirname })
  .concat(globSync('e2e/jest.config.js', { cwd: __dirname }))
  .map((file) => path.join(__dirname, path.dirname(file)));

module.exports = {
  projects,
  testTimeout: 30_000,
  reporters: ['default', path.join(__dirname, 'tools/jest-summary-reporter.js')],
};
