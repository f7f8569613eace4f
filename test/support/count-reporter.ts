// A vitest reporter that ends the run with the plain line `N passed, N failed, N skipped`, so a run
// that executed no test (or crashed) is visible to people and to CI.
import type { Reporter, TestModule } from 'vitest/node';

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // a file that failed to load has no tests but must count as a failure
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      // a suite whose hook failed (beforeAll: a lab that did not come up) skips its tests: one failure
      for (const s of m.children.allSuites()) {
        if (s.state() === 'failed' && ![...s.children.allTests()].some((t) => t.result().state === 'failed')) failed++;
      }
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
