// The tests module the extension host loads (extensionTestsPath): runs every
// out/test/integration/**/*.test.js with mocha inside a real VS Code.
// Each result is printed as one console line starting with RESULT_PREFIX; the
// extension host's console reaches the offline harness (test/harness/runIntegration.mjs)
// through the workbench's codeAutomationLog, which is how it counts tests.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export const RESULT_PREFIX = '[unlearn-test]';

/** Lines a reader can follow and the harness can parse: `pass|fail|done <json>`. */
class PrefixedReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const emit = (kind: string, data: object): void => console.log(`${RESULT_PREFIX} ${kind} ${JSON.stringify(data)}`);
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      emit('pass', { title: test.fullTitle(), ms: test.duration ?? 0 });
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, err: Error) => {
      emit('fail', { title: test.fullTitle(), message: err.message, stack: err.stack?.split('\n').slice(1, 4).join('\n') });
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      emit('done', { passed: this.stats.passes, failed: this.stats.failures, pending: this.stats.pending });
    });
  }
}

function testFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function run(): Promise<void> {
  // UNLEARN_TEST_GREP (in code-server's environment, which the extension host inherits) narrows a run.
  const grep = process.env.UNLEARN_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, color: false, reporter: PrefixedReporter, ...(grep ? { grep } : {}) });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (err) {
      // A suite that throws while loading (e.g. a missing module) must fail the run, not hang it.
      reject(err);
    }
  });
}
