// Prints the one closing line CI reads: "N passed, N failed[, N skipped]".
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** A test meant to run that did not, because a hook of its suite (or file) failed: a failure, not a skip. */
function blockedByFailure(t: TestCase): boolean {
  if (t.options.mode !== 'run' && t.options.mode !== 'only') return false;
  for (let p: TestCase['parent'] | undefined = t.parent; p; p = p.type === 'module' ? undefined : p.parent) {
    if (p.state() === 'failed') return true;
  }
  return false;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = errors.length;
    let skipped = 0;
    for (const mod of modules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
      for (const t of mod.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed' || blockedByFailure(t)) failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
