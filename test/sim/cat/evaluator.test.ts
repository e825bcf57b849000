// Evaluator tests: the kernel's 6.12 and 6.1 models on small hand-built executions, and the cat language on tiny models.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Judgement } from '../../../src/sim/execution.js';
import { judge, loadModel, ModelError, modelFromTexts, type Model } from '../../../src/sim/model.js';
import { EventSet, Relation } from '../../../src/sim/relation.js';
import { ExecBuilder, modelDir } from './build.js';

const summary = (js: Judgement[]) => js.map((j) => (j.consistent ? 'ok' : j.failed));

describe.each(['6.12', '6.1'] as const)('the %s kernel model on hand-built executions', (v) => {
  let m: Model;
  beforeAll(async () => {
    m = await loadModel(await modelDir(v));
  });

  /** MP: P0 writes x then y, P1 reads y=1 then x=0. */
  function mp(f0?: string, f1?: string) {
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    if (f0) b.F(0, f0);
    const wy = b.W(0, 'y', 1);
    const ry = b.R(1, 'y', 1);
    if (f1) b.F(1, f1);
    const rx = b.R(1, 'x', 0);
    b.rf(wy, ry).rfInit(rx);
    return b.build();
  }

  it('allows MP without fences and forbids it with smp_wmb/smp_rmb (cyclic hb → happens-before)', () => {
    expect(summary([...judge(m, mp())])).toEqual(['ok']);
    const js = [...judge(m, mp('wmb', 'rmb'))];
    expect(summary(js)).toEqual(['happens-before']);
    expect(js[0].flags).toEqual([]);
  });

  it('exposes the model relations of a judgement (hb, ppo, co, rf)', () => {
    const exec = mp('wmb', 'rmb');
    const [j] = [...judge(m, exec)];
    const hb = j.lookup('hb') as Relation;
    expect(hb).toBeInstanceOf(Relation);
    expect(hb.plus().isIrreflexive()).toBe(false);
    // the wmb orders P0's two writes in ppo
    const ids = exec.events.filter((e) => e.thread === 0 && e.kind === 'W').map((e) => e.id);
    expect((j.lookup('ppo') as Relation).has(ids[0], ids[1])).toBe(true);
    expect(j.rf.equals(exec.rf)).toBe(true);
    // co: the initial writes come first at each location
    expect(j.co.size()).toBe(2);
    expect(j.lookup('no-such-name')).toBeUndefined();
  });

  it('forbids SB with smp_mb on both sides (propagation), allows it without', () => {
    const sb = (fence: boolean) => {
      const b = new ExecBuilder();
      b.W(0, 'x', 1);
      if (fence) b.F(0, 'mb');
      const ry = b.R(0, 'y', 0);
      b.W(1, 'y', 1);
      if (fence) b.F(1, 'mb');
      const rx = b.R(1, 'x', 0);
      b.rfInit(ry).rfInit(rx);
      return b.build();
    };
    expect(summary([...judge(m, sb(false))])).toEqual(['ok']);
    expect(summary([...judge(m, sb(true))])).toEqual(['propagation']);
  });

  it('flags a data race on plain accesses and none on marked ones', () => {
    const race = (plainTags: string[]) => {
      const b = new ExecBuilder();
      b.W(0, 'x', 1, plainTags);
      const wy = b.W(0, 'y', 1);
      const ry = b.R(1, 'y', 1);
      const rx = b.R(1, 'x', 0, plainTags);
      b.rf(wy, ry).rfInit(rx);
      return b.build();
    };
    expect([...judge(m, race([]))].map((j) => [j.consistent, j.flags])).toEqual([[true, ['data-race']]]);
    expect([...judge(m, race(['once']))].map((j) => [j.consistent, j.flags])).toEqual([[true, []]]);
  });

  /** Two critical sections on lock s: P0 writes x and y, P1 reads y then x. */
  function locked(ry: number, rx: number) {
    const b = new ExecBuilder();
    b.init('s', 0);
    b.ev(0, 'R', 's', 0, ['LKR']);
    b.ev(0, 'W', 's', 1, ['LKW']);
    const wx = b.W(0, 'x', 1);
    const wy = b.W(0, 'y', 1);
    b.ev(0, 'W', 's', 0, ['UL']);
    b.ev(1, 'R', 's', 0, ['LKR']);
    b.ev(1, 'W', 's', 1, ['LKW']);
    const r1 = b.R(1, 'y', ry);
    const r2 = b.R(1, 'x', rx);
    b.ev(1, 'W', 's', 0, ['UL']);
    if (ry) b.rf(wy, r1);
    else b.rfInit(r1);
    if (rx) b.rf(wx, r2);
    else b.rfInit(r2);
    return b.build();
  }

  it('orders lock critical sections: co picks the lock order, the stale outcome is never consistent', () => {
    // two orders of the LKW events
    const stale = [...judge(m, locked(1, 0))];
    expect(stale).toHaveLength(2);
    expect(stale.every((j) => !j.consistent)).toBe(true);
    // P1's section first: both reads see 0
    const first = [...judge(m, locked(0, 0))];
    expect(first.filter((j) => j.consistent)).toHaveLength(1);
    // P0's section first: both reads see 1; lock.cat merges UL into co and makes the LKR read from the UL
    const second = [...judge(m, locked(1, 1))];
    const ok = second.filter((j) => j.consistent);
    expect(ok).toHaveLength(1);
    const exec = locked(1, 1);
    const ev = exec.events;
    const ul0 = ev.find((e) => e.thread === 0 && e.tags.includes('UL'))!.id;
    const lkr1 = ev.find((e) => e.thread === 1 && e.tags.includes('LKR'))!.id;
    expect(ok[0].rf.has(ul0, lkr1)).toBe(true);
    expect(ok[0].co.has(ul0, ev.find((e) => e.thread === 1 && e.tags.includes('LKW'))!.id)).toBe(true);
  });

  it('matches nested rcu_read_lock/unlock pairs outermost to outermost (rcu-rscs, a let rec fixpoint)', () => {
    const b = new ExecBuilder();
    const l1 = b.F(0, 'rcu-lock');
    const l2 = b.F(0, 'rcu-lock');
    const r = b.R(0, 'x', 0);
    const u2 = b.F(0, 'rcu-unlock');
    const u1 = b.F(0, 'rcu-unlock');
    b.rfInit(r);
    const [j] = [...judge(m, b.build())];
    expect(j.consistent).toBe(true);
    expect([...(j.lookup('rcu-rscs') as Relation).pairs()]).toEqual([
      [l1, u1],
      [l2, u2],
    ]);
    expect(j.flags).toEqual([]);
  });

  it('flags an unbalanced rcu_read_lock', () => {
    const b = new ExecBuilder();
    b.F(0, 'rcu-lock');
    b.rfInit(b.R(0, 'x', 0));
    const [j] = [...judge(m, b.build())];
    expect(j.flags).toEqual([v === '6.12' ? 'unmatched-rcu-lock' : 'unbalanced-rcu-locking']);
  });

  it('orders synchronize_rcu against a read-side critical section (rcu check)', () => {
    // RCU MP-like: P0: rcu_read_lock; r0=x; r1=y; rcu_read_unlock. P1: y=1; synchronize_rcu; x=1.
    // r0=1 (x written after the grace period) and r1=0 is forbidden.
    const b = new ExecBuilder();
    b.F(0, 'rcu-lock');
    const rx = b.R(0, 'x', 1);
    const ry = b.R(0, 'y', 0);
    b.F(0, 'rcu-unlock');
    b.W(1, 'y', 1);
    b.F(1, 'sync-rcu');
    const wx = b.W(1, 'x', 1);
    b.rf(wx, rx).rfInit(ry);
    expect(summary([...judge(m, b.build())])).toEqual([v === '6.12' ? 'rcu' : 'rcu']);
  });

  it('enumerates co: 3 writes to x from 3 threads give 3! orders; a po-ordered pair halves that', () => {
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    b.W(1, 'x', 2);
    b.W(2, 'x', 3);
    const js = [...judge(m, b.build())];
    expect(js).toHaveLength(6);
    const cos = new Set(js.map((j) => [...j.co.pairs()].join(' ')));
    expect(cos.size).toBe(6);
    const c = new ExecBuilder();
    c.W(0, 'x', 1);
    c.W(0, 'x', 2);
    c.W(1, 'x', 3);
    expect([...judge(m, c.build())]).toHaveLength(3);
  });

  it('prunes co orders against po-loc and rf, and reports a cyclic cobase as ConsCo', () => {
    // CoRR: P0 writes x=1 then x=2; P1 reads 2 then 1: the observed order contradicts po
    const b = new ExecBuilder();
    const w1 = b.W(0, 'x', 1);
    const w2 = b.W(0, 'x', 2);
    const r1 = b.R(1, 'x', 2);
    const r2 = b.R(1, 'x', 1);
    b.rf(w2, r1).rf(w1, r2);
    expect(summary([...judge(m, b.build())])).toEqual(['ConsCo']);
  });

  it('flags mismatched SRCU values (different-values) in 6.12, where unlock values are data', () => {
    if (v !== '6.12') return;
    const srcu = (unlockValue: number) => {
      const b = new ExecBuilder();
      const lk = b.R(0, 's', 0, ['srcu-lock']);
      const ul = b.W(0, 's', unlockValue, ['srcu-unlock']);
      b.rfInit(lk).rel('data', lk, ul);
      return b.build();
    };
    const good = [...judge(m, srcu(0))];
    expect(good.map((j) => j.flags)).toEqual([[]]);
    expect((good[0].lookup('srcu-rscs') as Relation).size()).toBe(1);
    const bad = [...judge(m, srcu(5))];
    expect(bad.map((j) => j.flags)).toEqual([['srcu-bad-value-match']]);
  });

  it('matches 6.1 __srcu events (fence-kind events with a location) by nesting', () => {
    if (v !== '6.1') return;
    const b = new ExecBuilder();
    const lk = b.ev(0, 'F', 's', undefined, ['srcu-lock']);
    const r = b.R(0, 'x', 0);
    const ul = b.ev(0, 'F', 's', undefined, ['srcu-unlock']);
    b.rfInit(r);
    const [j] = [...judge(m, b.build())];
    expect([...(j.lookup('srcu-rscs') as Relation).pairs()]).toEqual([[lk, ul]]);
    expect(j.consistent).toBe(true);
  });

  it('treats an atomic xchg as RMW: smp_mb__before_atomic orders it', () => {
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    b.F(0, 'before-atomic');
    const r = b.ev(0, 'R', 'y', 0, ['once'], true);
    const w = b.ev(0, 'W', 'y', 1, ['once'], true);
    b.rel('rmw', r, w).rfInit(r);
    const [j] = [...judge(m, b.build())];
    const xw = b.events.find((e) => e.loc === 'x' && e.thread === 0)!.id;
    expect((j.lookup('mb') as Relation).has(xw, r)).toBe(true);
    expect((j.lookup('RMW') as EventSet).toArray()).toEqual([r, w]);
  });
});

describe('cat language on tiny models', () => {
  it('cross: one branch per combination of choices; cross of nothing is {0}', () => {
    const m = modelFromTexts(
      {
        'x.cat': `
include "cross.cat"
let pair-to-relation p = p ++ 0
let choices e = map pair-to-relation ((W * {e}) & loc)
with pick from cross(map choices R)
flag ~empty pick as picked`,
      },
      undefined,
      'x.cat',
    );
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    b.W(1, 'x', 2);
    b.R(2, 'x', 0);
    b.R(3, 'x', 0);
    const js = [...judge(m, b.build())];
    expect(js).toHaveLength(9);
    const picks = new Set(js.map((j) => [...(j.lookup('pick') as Relation).pairs()].join(' ')));
    expect(picks.size).toBe(9);
    expect(js.every((j) => j.flags.join() === 'picked')).toBe(true);
    const none = new ExecBuilder();
    none.W(0, 'x', 1);
    const one = [...judge(m, none.build())];
    expect(one).toHaveLength(1);
    expect(one[0].flags).toEqual([]);
  });

  it('with … from an empty set yields no judgement', () => {
    const m = modelFromTexts({ 'e.cat': 'with x from {}\nacyclic po' }, undefined, 'e.cat');
    expect([...judge(m, new ExecBuilder().build())]).toHaveLength(0);
  });

  it('evaluates functions, closures, let … in, tuples, try and singlestep/fencerel', () => {
    const m = modelFromTexts(
      {
        't.cat': `
let twice f = fun x -> f (f x)
let inv r = r^-1
let back = twice inv po
let pick (a, b) = a
let first = pick (po, rf)
let k = let y = po in let z = y ; y in z
let t = try undefined-name with po
let s = singlestep(po)
let fr0 = fencerel(F)
let u = domain(0) | emptyset
empty u as u-empty`,
      },
      undefined,
      't.cat',
    );
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    b.F(0, 'mb');
    b.W(0, 'y', 1);
    const exec = b.build();
    const [j] = [...judge(m, exec)];
    expect(j.consistent).toBe(true);
    expect((j.lookup('back') as Relation).equals(exec.po)).toBe(true);
    expect((j.lookup('first') as Relation).equals(exec.po)).toBe(true);
    expect((j.lookup('k') as Relation).size()).toBe(1);
    expect((j.lookup('t') as Relation).equals(exec.po)).toBe(true);
    expect((j.lookup('s') as Relation).size()).toBe(2);
    expect([...(j.lookup('fr0') as Relation).pairs()]).toEqual([[1, 4]]);
  });

  it('computes let rec least fixpoints (transitive closure by recursion)', () => {
    const m = modelFromTexts({ 'r.cat': 'let rec tc = po | (tc ; po)\nlet same = tc \\ po^+\nempty same as closure' }, undefined, 'r.cat');
    const b = new ExecBuilder();
    for (let i = 0; i < 5; i++) b.W(0, 'x', i + 1);
    const [j] = [...judge(m, b.build())];
    expect(j.consistent).toBe(true);
    expect((j.lookup('tc') as Relation).size()).toBe(10);
  });

  it('reports the first failing check and keeps earlier flags', () => {
    const m = modelFromTexts({ 'c.cat': 'flag ~empty po as has-po\nirreflexive po^-1 ; po as back-and-forth\nacyclic po as never-reached' }, undefined, 'c.cat');
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    b.W(0, 'x', 2);
    const [j] = [...judge(m, b.build())];
    expect(j).toMatchObject({ consistent: false, failed: 'back-and-forth', flags: ['has-po'] });
  });

  it('rejects unbound names and unknown includes with the position', () => {
    expect(() => modelFromTexts({ 'u.cat': 'let a = po\nlet b = a | nope' }, undefined, 'u.cat')).toThrowError(
      /^u\.cat:2:13: unbound name 'nope'$/,
    );
    expect(() => modelFromTexts({ 'i.cat': 'include "elsewhere.cat"' }, undefined, 'i.cat')).toThrowError(ModelError);
    expect(() => modelFromTexts({ 'i.cat': 'include "elsewhere.cat"' }, undefined, 'i.cat')).toThrowError(
      /^i\.cat:1:1: cannot include "elsewhere\.cat"/,
    );
    expect(() => modelFromTexts({ 'p.cat': 'procedure p(x) = acyclic x end' }, undefined, 'p.cat')).toThrowError(
      /^p\.cat:1:1: unsupported cat construct 'procedure'/,
    );
  });

  it('reports type errors at evaluation time as ModelError naming the position', () => {
    const m = modelFromTexts({ 'ty.cat': 'let a = po | W\nacyclic a' }, undefined, 'ty.cat');
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    expect(() => [...judge(m, b.build())]).toThrowError(/^ty\.cat:1:9: \|: cannot combine relation and event set$/);
  });
});

describe('cross.cat generation functions', () => {
  it('generate_cos enumerates the co orders of the W in scope; linearisations orders a set', () => {
    const m = modelFromTexts(
      {
        'g.cat': `
include "cross.cat"
with co from generate_cos(co0)
let lin = linearisations(W \\ IW, 0)
flag ~empty co as has-co`,
      },
      undefined,
      'g.cat',
    );
    const b = new ExecBuilder();
    b.W(0, 'x', 1);
    b.W(1, 'x', 2);
    b.W(2, 'y', 1);
    const js = [...judge(m, b.build())];
    expect(js).toHaveLength(2);
    expect(js.every((j) => j.consistent && j.flags.join() === 'has-co')).toBe(true);
    expect(new Set(js.map((j) => [...j.co.pairs()].join(' '))).size).toBe(2);
  });
});

describe('natively provided cos.cat', () => {
  it('generates co per location and binds fr and ca = fr | co', () => {
    const m = modelFromTexts(
      { 'c.cat': 'include "stdlib.cat"\ninclude "cos.cat"\nacyclic po-loc | rf | ca as sc-per-location' },
      undefined,
      'c.cat',
    );
    const b = new ExecBuilder();
    const w1 = b.W(0, 'x', 1);
    const r = b.R(0, 'x', 2);
    const w2 = b.W(1, 'x', 2);
    b.rf(w2, r);
    const js = [...judge(m, b.build())];
    // IW first; w1 before w2 is forced (w1 po-before a read of w2), so one order
    expect(js).toHaveLength(1);
    expect(js[0].consistent).toBe(true);
    expect(js[0].co.has(w1, w2)).toBe(true);
    const ca = js[0].lookup('ca') as Relation;
    expect(ca.has(w1, w2) && ca.has(r, w1) === false).toBe(true);
    expect((js[0].lookup('fr') as Relation).size()).toBe(0);
  });
});
