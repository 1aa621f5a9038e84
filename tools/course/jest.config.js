const { projectConfig } = require('../../jest.preset.js');

// The lab and exercise suites run the built commands (dist/) as a student does: `npm test` builds first.
module.exports = projectConfig(__dirname, { testTimeout: 120_000 });
