import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, "Tests: N passed, N failed[, N skipped]", that any CI can read.
 * A file that failed outside its tests (a beforeAll that threw, an import error) counts its
 * unrun tests as failed, never as skipped: a broken set-up must not read as green.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      const here = { passed: 0, failed: 0, skipped: 0 };
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') here.passed++;
        else if (state === 'failed') here.failed++;
        else here.skipped++;
      }
      if (module.state() === 'failed' && here.failed === 0) {
        here.failed = Math.max(1, here.skipped);
        here.skipped = 0;
      }
      counts.passed += here.passed;
      counts.failed += here.failed;
      counts.skipped += here.skipped;
    }
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed${skipped}\n`);
  }
}
