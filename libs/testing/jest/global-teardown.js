// Root Jest config entry: stops the servers the global setup started (see src/jest/global-setup.ts).
require('./register-ts');

module.exports = require('../src/jest/global-teardown.ts').default;
