// Generates RCU-chain litmus tests: a cycle of threads, each a grace period or a read-side section, linked by reads-from.
import type { Observation } from '../../../src/sim/types.js';

/** What one thread of the cycle does between its read of the previous link and its write of the next. */
export type ChainRole = 'gp' | 'reader';

export interface RcuChain {
  name: string;
  /** C litmus text in herd's format. */
  text: string;
  roles: ChainRole[];
  gps: number;
  readers: number;
  /**
   * The LKMM's "fundamental law of RCU" for such a cycle: the all-reads-see-1 outcome is forbidden iff
   * the cycle has at least as many grace periods as read-side critical sections (rcu-order only
   * relates sequences with #GP >= #sections; a reader's own load and store are otherwise unordered).
   */
  expected: Observation;
}

/**
 * Thread i reads v<i> (written by thread i-1) and writes v<i+1> (read by thread i+1), around a cycle.
 * A 'gp' thread puts synchronize_rcu() between its two accesses; a 'reader' encloses both in
 * rcu_read_lock()/rcu_read_unlock().  The condition asks for every read to see the previous write.
 */
export function rcuChain(roles: readonly ChainRole[]): RcuChain {
  const n = roles.length;
  if (n < 1) throw new Error('an RCU chain needs at least one thread');
  const v = (i: number): string => `v${i % n}`;
  const tag = roles.map((r) => (r === 'gp' ? 'G' : 'R')).join('');
  const gps = roles.filter((r) => r === 'gp').length;
  const readers = n - gps;
  const out: string[] = [`C RCU-chain+${tag}`, '', `(* ${gps} grace period(s), ${readers} reader(s), ${n} threads in a cycle. *)`, '', '{}', ''];
  roles.forEach((role, i) => {
    const params = n === 1 ? `int *${v(i)}` : `int *${v(i)}, int *${v(i + 1)}`;
    out.push(`P${i}(${params})`, '{', '\tint r0;', '');
    if (role === 'gp') {
      out.push(`\tr0 = READ_ONCE(*${v(i)});`, '\tsynchronize_rcu();', `\tWRITE_ONCE(*${v(i + 1)}, 1);`);
    } else {
      out.push('\trcu_read_lock();', `\tr0 = READ_ONCE(*${v(i)});`, `\tWRITE_ONCE(*${v(i + 1)}, 1);`, '\trcu_read_unlock();');
    }
    out.push('}', '');
  });
  out.push(`exists (${roles.map((_, i) => `${i}:r0=1`).join(' /\\ ')})`, '');
  return {
    name: `RCU-chain+${tag}`,
    text: out.join('\n'),
    roles: [...roles],
    gps,
    readers,
    expected: gps >= readers ? 'Never' : 'Sometimes',
  };
}

/** Every assignment of roles to n threads (2^n chains). */
export function allChains(n: number): RcuChain[] {
  const chains: RcuChain[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    chains.push(rcuChain(Array.from({ length: n }, (_, i) => ((mask >> i) & 1 ? 'gp' : 'reader'))));
  }
  return chains;
}

/**
 * The bench family for n threads: grace periods spread evenly around the cycle, either just enough to
 * forbid the outcome (ceil(n/2) GPs) or one too few (allowed).
 */
export function benchChain(n: number, kind: 'forbidden' | 'allowed'): RcuChain {
  const gps = kind === 'forbidden' ? Math.ceil(n / 2) : Math.ceil(n / 2) - 1;
  const roles: ChainRole[] = [];
  // Bresenham-style spreading keeps GPs and readers interleaved rather than in two blocks.
  for (let i = 0; i < n; i++) roles.push(Math.floor(((i + 1) * gps) / n) > Math.floor((i * gps) / n) ? 'gp' : 'reader');
  return rcuChain(roles);
}
