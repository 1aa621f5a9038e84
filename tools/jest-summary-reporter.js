// Prints one plain closing line ("tests: N passed, N failed, N skipped") that any CI can read,
// whatever reporter it knows.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numFailedTestSuites - countSuitesWithFailedTests(results);
    const failed = results.numFailedTests + Math.max(0, failedSuites);
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

function countSuitesWithFailedTests(results) {
  return results.testResults.filter((suite) => suite.numFailingTests > 0).length;
}

module.exports = SummaryReporter;
