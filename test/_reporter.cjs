// Mocha's spec reporter, closing with one plain "N passed, N failed" line
// (the summary line CI reads, whatever the test runner).
const Mocha = require('mocha');

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      process.nextTick(() => console.log(`\nmocha: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`));
    });
  }
}

module.exports = SpecWithSummary;
