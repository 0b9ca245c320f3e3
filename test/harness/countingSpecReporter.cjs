// Mocha's spec reporter (the human output stays as it is) that also writes each test's
// outcome to the JSON file named by UNLEARN_RESULTS_FILE, so the harness counts tests
// from data instead of parsing text. CommonJS because mocha loads reporters with require.
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_RUN_END } = Mocha.Runner.constants;

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tests = [];
    runner.on(EVENT_TEST_PASS, (test) => tests.push({ title: test.fullTitle(), ok: true, ms: test.duration }));
    runner.on(EVENT_TEST_FAIL, (test, err) => tests.push({ title: test.fullTitle(), ok: false, message: err.message }));
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.UNLEARN_RESULTS_FILE;
      if (file) fs.writeFileSync(file, `${JSON.stringify({ tests }, null, 2)}\n`);
    });
  }
}

module.exports = CountingSpecReporter;
