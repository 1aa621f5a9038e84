const { projectConfig } = require('../jest.preset.js');

// The end-to-end suite boots real processes from dist/: `npm test` builds first.
module.exports = projectConfig(__dirname, { testTimeout: 120_000 });
