'use strict';
// Mocha's spec output, followed by one plain closing line `N passed, N failed[, N skipped]`
// that CI reads. Mocha itself sets a non-zero exit code when anything failed.
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(EVENT_TEST_PASS, () => { passed += 1; });
    // Hook failures ("before all" and the like) count as failures too: they stop tests from running.
    runner.on(EVENT_TEST_FAIL, () => { failed += 1; });
    runner.on(EVENT_TEST_PENDING, () => { skipped += 1; });
    runner.once(EVENT_RUN_END, () => {
      const tail = skipped > 0 ? `, ${skipped} skipped` : '';
      // Printed after the spec summary; this must stay the very last line of the run.
      process.nextTick(() => process.stdout.write(`${passed} passed, ${failed} failed${tail}\n`));
    });
  }
}

module.exports = SummaryReporter;
