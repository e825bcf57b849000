// Generates lock-heavy litmus tests (a counter under one spinlock, message passing through critical sections) with LKMM-derived expectations.
import type { Observation } from '../../../src/sim/types.js';

/*
 * Why the expectations below hold.  All threads take the same spinlock l.  The LKMM's lock rules
 * (lock.cat) make every spin_lock() read from the initial "unlocked" state or from the spin_unlock()
 * of exactly one other critical section, and no two critical sections can read from the same unlock:
 * the critical sections form one total order, and each consistent execution is fixed by that order.
 * spin_unlock() is a release and spin_lock() an acquire, so everything inside an earlier critical
 * section happens-before everything inside a later one (for marked accesses via ppo/rfe; for plain
 * ones the same chain also bounds them, so they do not race).  Hence a read inside a critical section
 * sees exactly the latest write of the earlier sections (or the initial value), and never a write of
 * a later one: every consistent execution behaves like the n critical sections run one after another.
 *
 * So for tests made only of critical sections there are exactly n! consistent executions, one per
 * order, and the final states are those of the n! serial runs.  `serialOutcomes` computes them by
 * running the sections in every order, which gives the expected States, Positive and Negative.
 */

/** What a lock test promises; counts are exact unless marked otherwise. */
export interface LockExpectation {
  observation: Observation;
  /** Every flag herd prints for the test, sorted ([] for none). */
  flags: string[];
  /** Distinct final states, herd-formatted ("0:r0=0; 1:r0=1;"), sorted; undefined when not derived. */
  states?: string[];
  /** Consistent executions satisfying / not satisfying the condition; undefined when not derived. */
  positive?: number;
  negative?: number;
  /** Consistent executions in all; undefined when not derived. */
  consistent?: number;
}

export interface LockTest {
  name: string;
  /** C litmus text in herd's format. */
  text: string;
  n: number;
  expected: LockExpectation;
}

/** Conditions for the counter: every increment counted (x=n), or P0 and P1 both read the initial 0. */
export type CounterCondition = 'counted' | 'both-zero';

/** How the counter threads access x: READ_ONCE/WRITE_ONCE, plain C, or plain with P0 not taking the lock. */
export type CounterVariant = 'once' | 'plain' | 'unlocked';

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Every order of 0..n-1 (Heap's algorithm would do; recursion is clearer for n <= 8). */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let at = 0; at <= p.length; at++) out.push([...p.slice(0, at), n - 1, ...p.slice(at)]);
  }
  return out;
}

/** herd orders a state's entries by thread number, then register, then shared locations by name. */
function stateKey(a: string): [number, string] {
  const m = /^(\d+):(.*)$/.exec(a);
  return m ? [Number(m[1]), m[2]] : [Number.MAX_SAFE_INTEGER, a];
}

/** Formats one final state as herd does: "0:r0=1; [x]=2;". */
export function formatState(values: Record<string, number>): string {
  const names = Object.keys(values).sort((a, b) => {
    const [ta, ra] = stateKey(a);
    const [tb, rb] = stateKey(b);
    return ta !== tb ? ta - tb : ra < rb ? -1 : ra > rb ? 1 : 0;
  });
  // Shared locations print in brackets, after the registers.
  return names.map((k) => `${/^\d+:/.test(k) ? k : `[${k}]`}=${values[k]};`).join(' ');
}

/**
 * Runs whole critical sections one after another in every order.  `section(thread, mem, regs)` runs
 * one thread's section on shared memory `mem`, setting that thread's registers; `observe` picks the
 * condition's variables from the final memory and registers, and `holds` evaluates the condition.
 */
export function serialOutcomes(
  n: number,
  section: (thread: number, mem: Map<string, number>, regs: Map<string, number>) => void,
  observe: (mem: Map<string, number>, regs: Map<string, number>) => Record<string, number>,
  holds: (observed: Record<string, number>) => boolean,
): { states: string[]; positive: number; negative: number; consistent: number } {
  const states = new Set<string>();
  let positive = 0;
  for (const order of permutations(n)) {
    const mem = new Map<string, number>();
    const regs = new Map<string, number>();
    for (const t of order) section(t, mem, regs);
    const o = observe(mem, regs);
    states.add(formatState(o));
    if (holds(o)) positive++;
  }
  const consistent = factorial(n);
  return { states: [...states].sort(), positive, negative: consistent - positive, consistent };
}

const observationOf = (positive: number, total: number): Observation =>
  positive === 0 ? 'Never' : positive === total ? 'Always' : 'Sometimes';

/**
 * The counter with P0 outside the lock.  The other n-1 sections are still serialised; P0's read and its
 * write are two separate steps that may each fall anywhere among the sections' reads and writes, even
 * inside a section (the lock does not hold P0 off), the write not before the read.  Coherence is all that constrains P0 (its write is co-after the write it read; a section reads
 * the co-latest write before it in that interleaving), so the LKMM's consistent executions are the
 * distinct (reads-from, coherence order) pairs of these interleavings; several interleavings can give
 * the same execution, hence the dedupe by that pair.
 */
export function unlockedOutcomes(
  n: number,
  observe: (mem: Map<string, number>, regs: Map<string, number>) => Record<string, number>,
  holds: (observed: Record<string, number>) => boolean,
): { states: string[]; positive: number; negative: number; consistent: number } {
  const executions = new Map<string, boolean>();
  const states = new Set<string>();
  for (const order of permutations(n - 1)) {
    const sections = order.map((t) => t + 1);
    // The sections' steps in lock order: each reads x, then writes what it read plus one.
    const steps = sections.flatMap((t) => [{ t, write: false }, { t, write: true }]);
    // P0 reads after `a` of those steps and writes after `b` >= a (P0 may land inside a section).
    for (let a = 0; a <= steps.length; a++) {
      for (let b = a; b <= steps.length; b++) {
        let cur = { value: 0, writer: 'init' };
        const mem = new Map<string, number>();
        const regs = new Map<string, number>();
        const rf: string[] = [];
        const co: string[] = [];
        for (let k = 0; k <= steps.length; k++) {
          if (k === a) {
            regs.set('0:r0', cur.value);
            rf.push(`0<-${cur.writer}`);
          }
          if (k === b) {
            cur = { value: regs.get('0:r0')! + 1, writer: 'P0' };
            co.push('P0');
          }
          if (k === steps.length) break;
          const { t, write } = steps[k];
          if (!write) {
            regs.set(`${t}:r0`, cur.value);
            rf.push(`${t}<-${cur.writer}`);
          } else {
            cur = { value: regs.get(`${t}:r0`)! + 1, writer: `P${t}` };
            co.push(`P${t}`);
          }
        }
        mem.set('x', cur.value);
        const o = observe(mem, regs);
        states.add(formatState(o));
        executions.set(`${[...rf].sort().join(',')}|${co.join('<')}`, holds(o));
      }
    }
  }
  const consistent = executions.size;
  const positive = [...executions.values()].filter(Boolean).length;
  return { states: [...states].sort(), positive, negative: consistent - positive, consistent };
}

/**
 * n threads each add 1 to x inside spin_lock(l)/spin_unlock(l).  'once' uses READ_ONCE/WRITE_ONCE,
 * 'plain' uses plain C (the lock orders the accesses, so no data race), 'unlocked' is 'plain' with P0
 * forgetting the lock: its accesses race with the others' (data-race flag) and an update can be lost.
 *
 * Locked: the k-th section in lock order reads k, so x ends at n in all n! executions (x=n Always),
 * and P0 and P1 read distinct values (both-zero Never).  Unlocked: P0's read and write may fall on
 * either side of any section, so P0 and P1 can both read 0 and x can end below n (both Sometimes);
 * the counts come from `unlockedOutcomes`.
 */
export function lockCounter(n: number, cond: CounterCondition = 'counted', variant: CounterVariant = 'once'): LockTest {
  if (n < 2) throw new Error('a lock counter needs at least two threads');
  const plain = variant !== 'once';
  const condText = cond === 'counted' ? `x=${n}` : '0:r0=0 /\\ 1:r0=0';
  const name = `lock-counter${variant === 'once' ? '' : `+${variant}`}-${n}+${cond}`;
  const out: string[] = [`C ${name}`, '', `(* ${n} threads increment x under one spinlock (${variant}). *)`, '', '{}', ''];
  for (let i = 0; i < n; i++) {
    const locked = !(variant === 'unlocked' && i === 0);
    out.push(`P${i}(spinlock_t *l, int *x)`, '{', '\tint r0;', '');
    if (locked) out.push('\tspin_lock(l);');
    out.push(plain ? '\tr0 = *x;' : '\tr0 = READ_ONCE(*x);', plain ? '\t*x = r0 + 1;' : '\tWRITE_ONCE(*x, r0 + 1);');
    if (locked) out.push('\tspin_unlock(l);');
    out.push('}', '');
  }
  out.push(`exists (${condText})`, '');

  const counted = (o: Record<string, number>): boolean => (cond === 'counted' ? o.x === n : o['0:r0'] === 0 && o['1:r0'] === 0);
  const observe = (mem: Map<string, number>, regs: Map<string, number>): Record<string, number> =>
    cond === 'counted' ? { x: mem.get('x') ?? 0 } : { '0:r0': regs.get('0:r0')!, '1:r0': regs.get('1:r0')! };
  let expected: LockExpectation;
  if (variant === 'unlocked') {
    const s = unlockedOutcomes(n, observe, counted);
    expected = { observation: observationOf(s.positive, s.consistent), flags: ['data-race'], ...s };
  } else {
    const s = serialOutcomes(
      n,
      (t, mem, regs) => {
        const r0 = mem.get('x') ?? 0;
        regs.set(`${t}:r0`, r0);
        mem.set('x', r0 + 1);
      },
      observe,
      counted,
    );
    expected = { observation: observationOf(s.positive, s.consistent), flags: [], ...s };
  }
  return { name, text: out.join('\n'), n, expected };
}

/**
 * Message passing through a chain of n critical sections on one lock.  P0 writes x=1 then f1=1; P_i
 * (0 < i < n-1) reads f_i then writes f_{i+1}=1; P_{n-1} reads f_{n-1} then x.  The condition asks
 * for every flag read to see 1 while the last thread still reads x=0: Never.  A read in one section
 * sees a write of another only if the writer's section came first in lock order, so all flags read
 * as 1 put P0's section before P_{n-1}'s, whose read of x then must see 1.  Without the lock the
 * same shape would be allowed (nothing orders a thread's read before its own later accesses).
 */
export function lockMp(n: number): LockTest {
  if (n < 2) throw new Error('message passing needs at least two threads');
  const name = `lock-mp-${n}`;
  const last = n - 1;
  const out: string[] = [`C ${name}`, '', `(* x and a flag passed through ${n} critical sections of one spinlock. *)`, '', '{}', ''];
  for (let i = 0; i < n; i++) {
    const params = ['spinlock_t *l'];
    if (i === 0 || i === last) params.push('int *x');
    if (i > 0) params.push(`int *f${i}`);
    if (i < last) params.push(`int *f${i + 1}`);
    out.push(`P${i}(${params.join(', ')})`, '{');
    if (i > 0) out.push(i === last ? '\tint r0;\n\tint r1;' : '\tint r0;', '');
    out.push('\tspin_lock(l);');
    if (i === 0) out.push('\tWRITE_ONCE(*x, 1);');
    else out.push(`\tr0 = READ_ONCE(*f${i});`);
    if (i < last) out.push(`\tWRITE_ONCE(*f${i + 1}, 1);`);
    else out.push('\tr1 = READ_ONCE(*x);');
    out.push('\tspin_unlock(l);', '}', '');
  }
  const conj = Array.from({ length: last }, (_, k) => `${k + 1}:r0=1`);
  conj.push(`${last}:r1=0`);
  out.push(`exists (${conj.join(' /\\ ')})`, '');

  const s = serialOutcomes(
    n,
    (t, mem, regs) => {
      if (t === 0) mem.set('x', 1);
      else regs.set(`${t}:r0`, mem.get(`f${t}`) ?? 0);
      if (t < last) mem.set(`f${t + 1}`, 1);
      else regs.set(`${t}:r1`, mem.get('x') ?? 0);
    },
    (_mem, regs) => Object.fromEntries([...regs.entries()]),
    (o) => conj.every((c) => {
      const [k, v] = c.split('=');
      return o[k] === Number(v);
    }),
  );
  return { name, text: out.join('\n'), n, expected: { observation: observationOf(s.positive, s.consistent), flags: [], ...s } };
}

/** The whole family for one n: counters (both conditions, three variants) and the MP chain. */
export function lockFamily(n: number): LockTest[] {
  const tests: LockTest[] = [];
  for (const variant of ['once', 'plain', 'unlocked'] as const) {
    for (const cond of ['counted', 'both-zero'] as const) tests.push(lockCounter(n, cond, variant));
  }
  tests.push(lockMp(n));
  return tests;
}
