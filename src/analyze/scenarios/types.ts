// Scenario vocabulary: threads of lowered core calls and env snippets, a property, assumptions, and what running one yields.
import type { EnvChoice, EnvSnippet } from '../env/types.js';
import type { LitmusSpec, LLine, SourceSite } from './litmus-builder.js';
import type { TestResult } from '../../sim/types.js';

/** A call into the patched virtio core, to be inlined as litmus statements. */
export interface LowerRequest {
  /** Core function name, e.g. 'virtio_reset_device'. */
  fn: string;
  /**
   * Indirect calls and transport/driver ops replaced by environment snippets, keyed by the callee
   * expression as written in the C ('virtio_config_ops.synchronize_cbs', 'virtqueue.callback': the front-end's struct.field keys). The snippet
   * gets the argument texts and, for a call whose value is used, the register to assign.
   */
  callees: Record<string, (args: string[], ret?: string) => EnvSnippet>;
  /** Struct fields whose value the environment fixes ('vq->event': 0, 'vq->packed_ring': 0). */
  constants: Record<string, number>;
  /** CONFIG_ options (CONFIG_VIRTIO_HARDEN_NOTIFICATION …). */
  config: Record<string, boolean>;
  /** Prefix for this call's registers, so two calls in a thread never clash. */
  regPrefix: string;
  /** Values of the function's scalar parameters ('total_sg': 1). */
  params?: Record<string, number>;
  /** Register that receives the function's return value, if the scenario observes it. */
  ret?: string;
  /** Loop unrolling bound for this call (default 1). */
  unroll?: number;
  /**
   * Fields whose plain C accesses are lowered as READ_ONCE/WRITE_ONCE: the scenario asks about
   * ordering, and the data race on them is another scenario's finding (stated as an assumption).
   */
  assumeMarked?: string[];
  /** Functions to slice: only accesses to these shared fields (and the barriers/locks between them) are kept. */
  keepFields?: string[];
}

/** A core function as inlined: its file and line range in the tree at hand (for "touches"). */
export interface FunctionRange {
  fn: string;
  file: string;
  start: number;
  end: number;
}

export interface LoweredCall {
  lines: LLine[];
  locs: EnvSnippet['locs'];
  init: Record<string, number>;
  /** Every core function inlined, with where it is. */
  functions: FunctionRange[];
  assumptions: string[];
  /** Constructs that could not be lowered: the scenario is then inconclusive with these reasons. */
  unsupported: string[];
}

/** The C front-end as scenarios see it: one tree state (base, bisection point or patched). */
export interface CoreLowerer {
  lower(req: LowerRequest): LoweredCall;
  /** The litmus location a C field expression lowers to ('vq->split.vring.used->idx' → 'vq_split_vring_used_idx'). */
  loc(expr: string): string;
  /** Tells where a function is defined, for touch analysis without lowering. */
  locate(fn: string): FunctionRange | undefined;
}

/** A scenario instance: one set of environment choices (hardening on/off, device, transport, driver). */
export interface InstanceChoice {
  label: string;
  env: EnvChoice;
}

export interface BuiltScenario {
  spec: LitmusSpec;
  functions: FunctionRange[];
  assumptions: string[];
  unsupported: string[];
  /** How to read the witness: which condition conjuncts mean what. */
  violation: string;
  /** When set, the property is the absence of the model's flag (data-race) instead of the condition. */
  flagProperty?: string;
}

export interface Scenario {
  id: string;
  number: number;
  title: string;
  /** The property, in words. */
  property: string;
  /** Core functions the scenario lowers (the ones a hunk must touch for it to rerun). */
  functions: string[];
  /** Does CONFIG_VIRTIO_HARDEN_NOTIFICATION matter (run both settings)? */
  hardenMatters: boolean;
  /** Environment choices to run; the first is the primary one. */
  choices: (harden: boolean) => InstanceChoice[];
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario;
}

export type Verdict = 'violated' | 'holds' | 'inconclusive';

/** One run of one scenario instance on one tree state. */
export interface ScenarioRun {
  scenario: string;
  instance: string;
  harden: boolean;
  verdict: Verdict;
  reason: string;
  litmus?: string;
  litmusName?: string;
  result?: Omit<TestResult, 'witness'> & { witness?: TestResult['witness'] };
  /** Witness steps mapped back to sources (present when violated). */
  trace?: TraceStep[];
  /** Core/env sites the violating execution involves (for fingerprints). */
  sites: SourceSite[];
  assumptions: string[];
  executions: number;
  timeMs: number;
}

export interface TraceStep {
  thread: number;
  kind?: 'R' | 'W' | 'F';
  loc?: string;
  /** Raw reads-from of the sim ('init' or "P1:line 12"), for fingerprints. */
  rf?: string;
  threadTitle: string;
  text: string;
  site?: SourceSite;
  readsFrom?: string;
  stale?: boolean;
  value?: string;
  /** Accesses the LKMM data-race rule pairs this one with (from the sim's witness), if any. */
  racesWith?: string[];
}
