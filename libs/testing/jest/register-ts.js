// Jest loads globalSetup/globalTeardown in its main process, outside the per-project transform and
// moduleNameMapper that test files get. This hook gives that process the same view: `.ts` files are
// compiled with the same swc options, and `@lab/*` names resolve to their TypeScript sources, so a
// test run never depends on a prior build.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');
const { projectConfig, workspaceEntries } = require('../../../jest.preset.js');

const INSTALLED = Symbol.for('lab.testing.registerTs');

function install() {
  if (globalThis[INSTALLED]) return;
  globalThis[INSTALLED] = true;

  const root = path.resolve(__dirname, '../../..');
  const swcOptions = Object.values(projectConfig(root).transform)[0][1];
  const entries = new Map(Object.entries(workspaceEntries).map(([name, file]) => [name, path.join(root, file)]));

  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveWorkspaceSources(request, ...rest) {
    return resolveFilename.call(this, entries.get(request) ?? request, ...rest);
  };

  Module._extensions['.ts'] = function compileTypeScript(module, filename) {
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
    module._compile(code, filename);
  };
}

install();
