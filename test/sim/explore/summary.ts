// What two explorations of one test must agree on (everything herd prints, and the consistent count), for the comparison tests.
import type { TestResult } from '../../../src/sim/types.js';

/** With `search`, also the explored candidates and pruned subtrees (for runs that must search alike). */
export function summary(r: TestResult, search = false): object {
  return {
    observation: r.observation,
    ok: r.ok,
    states: r.states,
    positive: r.positive,
    negative: r.negative,
    flags: r.flags,
    consistent: r.consistent,
    inconclusive: r.inconclusive?.reason,
    ...(search ? { candidates: r.candidates, pruned: r.pruned } : {}),
  };
}
