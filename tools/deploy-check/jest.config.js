const { existsSync } = require('node:fs');
const path = require('node:path');
const { projectConfig } = require('../../jest.preset.js');

/** Where npm put a package: beside this project, or hoisted to the repository root. */
function packageDir(name) {
  const candidates = [
    path.join(__dirname, 'node_modules', name),
    path.join(__dirname, '..', '..', 'node_modules', name),
  ];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[1];
}

// kubernetes-models ships ES modules whose package exports name only the `import` condition, which
// Jest's CommonJS resolver does not use: map the imports to files, and let swc turn them into CommonJS.
const models = packageDir('kubernetes-models');
const scoped = path.dirname(packageDir('@kubernetes-models/base'));

module.exports = projectConfig(__dirname, {
  transformIgnorePatterns: ['/node_modules/(?!(jose|kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)'],
  moduleNameMapper: {
    ...projectConfig(__dirname).moduleNameMapper,
    '^kubernetes-models/(.+?)(\\.js)?$': `${models}/$1.js`,
    '^@kubernetes-models/(base|validate)$': `${scoped}/$1/dist/index.js`,
    '^@kubernetes-models/validate/runtime/(.+?)(\\.js)?$': `${scoped}/validate/dist/runtime/$1.js`,
    '^@kubernetes-models/(apimachinery|istio)/(.+?)(\\.js)?$': `${scoped}/$1/$2.js`,
  },
});
