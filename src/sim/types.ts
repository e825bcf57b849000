// Public results of the sim engine: what `ringside litmus` prints and what analyze consumes.
import type { Value } from './execution.js';

export interface Bounds {
  /** Stop after this many candidate executions (default 1,000,000). */
  maxExecutions?: number;
  /** Wall-clock limit per test in milliseconds (default 60,000). */
  timeoutMs?: number;
  /** Loop unrolling bound for `while`/`for` in litmus threads (default 2). */
  unroll?: number;
}

export type Observation = 'Never' | 'Sometimes' | 'Always';

/** One step of a witness timeline: an event, placed on its CPU, with what it read and why. */
export interface WitnessStep {
  thread: number;
  kind: 'R' | 'W' | 'F';
  /** e.g. "r0 = READ_ONCE(*flag)", from the litmus source. */
  text: string;
  line?: number;
  loc?: string;
  value?: Value;
  tags: string[];
  /** For reads: the write read from ('init' or "P1:line 12"), and whether a co-later write existed (stale). */
  readsFrom?: string;
  stale?: boolean;
  /** For an access in a data race the model flags: the other access(es), as "P1:line 20". */
  racesWith?: string[];
}

export interface Witness {
  /** Events in a topological order of happens-before (hb ∪ po ∪ rf), i.e. one possible timeline. */
  steps: WitnessStep[];
  /** Final values of the registers and locations named in the condition. */
  state: Record<string, Value>;
  /** Which model checks forbid or allow this outcome, in words. */
  verdictReason: string;
  flags: string[];
  /** DOT text of the execution graph with po/rf/co/fr edges. */
  dot: string;
}

export interface TestResult {
  name: string;
  /** herd's 'Ok' means the condition's quantifier was validated. */
  ok: boolean;
  /** For `exists`: Allowed/Forbidden as herd prints in the first line. */
  verdict: 'Allowed' | 'Forbidden' | 'Required' | 'Not required';
  observation: Observation;
  /** Distinct final states of consistent executions, herd-formatted ("0:r0=1; x=2;"). */
  states: string[];
  positive: number;
  negative: number;
  condition: string;
  flags: string[];
  candidates: number;
  /** Partial executions skipped because no completion could be consistent (pruning; see explore.ts). */
  pruned?: number;
  consistent: number;
  /**
   * Classes of identical threads that exploration treated as interchangeable (symmetry.ts): each execution
   * it judged stands for its renumberings, which are counted (consistent, positive, negative, states) but not
   * judged again, so `candidates` counts fewer.
   */
  symmetry?: number[][];
  /** Threads that searched parts of this test (worker threads; parallel.ts), when more than one did. */
  threads?: number;
  timeMs: number;
  /** Set when a bound was hit: the result then carries no verdict a user may rely on. */
  inconclusive?: { reason: string };
  /** An execution satisfying the condition (or, for forall/~exists, violating it), if any. */
  witness?: Witness;
  /** For each flag raised (e.g. 'data-race'): one consistent execution that raises it. */
  flagWitnesses?: Record<string, Witness>;
}
