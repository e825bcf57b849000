// Event and Execution: the candidate executions that exploration builds and the cat model judges.
import type { EventSet, Relation } from './relation.js';

/** A value in a litmus program: an integer, or the address of a location (pointer). */
export type Value = number | { loc: string };

export type EventKind = 'R' | 'W' | 'F';

export interface SourceRef {
  /** 1-based line in the litmus file that produced this event. */
  line: number;
  /** The statement text, for witnesses. */
  text: string;
}

export interface Event {
  /** Index in Execution.events; relations are over these ids. */
  id: number;
  /** Thread number (P0 → 0); -1 for initial writes. */
  thread: number;
  /** Position within its thread's program order (initial writes: 0). */
  poIndex: number;
  kind: EventKind;
  /** Memory location for R and W (and for 6.1's __srcu fences on an srcu_struct). */
  loc?: string;
  /** Value read or written (R: the value obtained; W: the value stored). */
  value?: Value;
  /**
   * Annotation tags, exactly as herd would attach them: the .def's braces ('once', 'acquire',
   * 'release', 'mb', 'noreturn', 'rcu-lock', 'sync-rcu', 'srcu-lock', …) plus herd's lock event
   * classes written in upper case ('LKR', 'LKW', 'UL', 'LF', 'RL', 'RU').
   * The cat evaluator turns tag 't' into the set named by capitalising its first letter
   * ('rcu-lock' → Rcu-lock); upper-case lock classes are set names as they stand.
   */
  tags: string[];
  /**
   * True for the accesses of an atomic read-modify-write primitive (xchg, cmpxchg — including the lone
   * read of a failed cmpxchg —, atomic_*): herd's RMW (alias X) set. Events in domain(rmw) or
   * range(rmw) count as atomic even without this flag.
   */
  atomic?: boolean;
  source?: SourceRef;
}

/**
 * What exploration hands to the cat evaluator: the events and the relations herd computes natively
 * before running a model. Derived names (po-loc, rfe, fr, fencerel, …) are the evaluator's job.
 */
export interface Execution {
  events: Event[];
  /** Program order: strict, per thread, transitive. Initial writes are in no po. */
  po: Relation;
  /** Reads-from for ordinary reads (lock reads included, per herd); the model may extend it. */
  rf: Relation;
  /** Read-modify-write pairs (xchg, cmpxchg success, atomic ops). */
  rmw: Relation;
  addr: Relation;
  data: Relation;
  ctrl: Relation;
  /** Initial writes (one per location, value from the init block, default 0). */
  IW: EventSet;
  /**
   * Locations the test's final condition (or `locations` clause) observes. herd's FW set holds the
   * final (co-last) write of each of these; unobserved locations have no FW write. Default: none.
   */
  observedLocs?: string[];
  /**
   * Co pairs exploration has already decided (a chosen order of a lock's writes): the model's generated co
   * orders are limited to those containing them. Exploration enumerates every order of those writes, so the
   * executions of all its choices together are exactly those without the limit (see explore.ts).
   */
  coSplit?: Relation;
}

/** One outcome of judging an execution under a model (one per `with … from` choice). */
export interface Judgement {
  consistent: boolean;
  /** Name of the first check that failed (e.g. 'happens-before'), when inconsistent. */
  failed?: string;
  /** Flags raised (e.g. 'data-race'); only meaningful for consistent executions. */
  flags: string[];
  /** The final coherence order and reads-from, as the model defined them (for final state and witnesses). */
  co: Relation;
  rf: Relation;
  /** Any other named relation the model bound, for witnesses and DOT output (hb, pb, …). */
  lookup(name: string): Relation | EventSet | undefined;
}
