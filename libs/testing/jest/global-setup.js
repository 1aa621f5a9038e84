// Root Jest config entry: resolves Postgres, Redis and Consul once per run (see src/jest/global-setup.ts).
require('./register-ts');

module.exports = require('../src/jest/global-setup.ts').default;
