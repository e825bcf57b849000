// Bounds of partial judging, operator by operator: on random executions and random partial views of them, every bound contains the exact value.
import { describe, expect, it } from 'vitest';
import { boundsOf, PartialSkeleton, partialModelOf } from '../../../src/sim/cat/partial.js';
import { judgeReference } from '../../../src/sim/cat/evaluator.js';
import type { Execution } from '../../../src/sim/execution.js';
import { modelFromTexts } from '../../../src/sim/model.js';
import { EventSet, Relation } from '../../../src/sim/relation.js';
import { ExecBuilder } from './build.js';

// Every operator the bounds treat differently, applied to rf (bounded) mixed with fixed relations.
const MODEL = `"bounds of every operator"
include "cos-opt.cat"
let u = rf | po
let i = rf & ext
let d1 = po-loc \\ (rf ; po)
let d2 = (rf ; po) \\ po-loc \\ rf^-1
let c = ~(rf | po) & loc
let s1 = singlestep(rf | po)
let s2 = singlestep(co)
let s3 = singlestep(rf ; po | co)
let cl = (rf | po)+
let st = (rf ; po)*
let op = rf?
let inv = rf^-1
let dom = domain(rf) | range(fr)
let ids = [domain(rf \\ po)] ; po
let dv = different-values(rf | co)
let dvn = po-loc \\ different-values(po-loc)
let fr2 = fencerel(domain(rf))
let rec x = rf | (x ; po ; rf) | (fr \\ po)
let rec y = po | (y ; (rf \\ co)) and w = y & loc
let tup = let (a, b) = (rf, co \\ fr) in a ; b
let f(r) = r \\ (r ; r)
let app = f(rf | co)
let lr = let rec z = rf | (z ; co) in z
let t = try (nosuchname ; rf) with (rf \\ co)
let fin = co \\ (fr ; rf)
`;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random execution over locations x, y: 2–3 threads of reads and writes, rf chosen at random per read. */
function randomExec(rand: () => number): Execution {
  const b = new ExecBuilder();
  const locs = ['x', 'y'];
  const writes: Record<string, number[]> = { x: [b.init('x')], y: [b.init('y')] };
  const reads: { id: number; loc: string }[] = [];
  const threads = 2 + Math.floor(rand() * 2);
  for (let t = 0; t < threads; t++) {
    const k = 2 + Math.floor(rand() * 3);
    for (let i = 0; i < k; i++) {
      const loc = locs[Math.floor(rand() * 2)];
      if (rand() < 0.5) writes[loc].push(b.W(t, loc, 1 + Math.floor(rand() * 2)));
      else reads.push({ id: b.R(t, loc, 0), loc });
    }
  }
  for (const r of reads) {
    const ws = writes[r.loc];
    const w = ws[Math.floor(rand() * ws.length)];
    b.rf(w, r.id);
    b.events[r.id].value = b.events[w].value;
  }
  return b.build();
}

const within = (a: Relation | EventSet, b: Relation | EventSet): boolean =>
  a instanceof Relation ? a.diff(b as Relation).isEmpty() : a.diff(b as EventSet).isEmpty();
const asRS = (v: unknown, like: Relation | EventSet): Relation | EventSet =>
  v instanceof Relation || v instanceof EventSet ? v : like instanceof Relation ? new Relation(like.n) : new EventSet(like.n);

describe('partial judging bounds', () => {
  const model = modelFromTexts({ 'b.cat': MODEL }, undefined, 'b.cat');
  const pm = partialModelOf(model)!;
  const names = ['u', 'i', 'd1', 'd2', 'c', 's1', 's2', 's3', 'cl', 'st', 'op', 'inv', 'dom', 'ids', 'dv', 'dvn', 'fr2', 'x', 'y', 'w', 'tup', 'app', 'lr', 't', 'fin', 'co', 'fr'];

  it('contain the exact value of every binding, in every co branch, on random partial executions', () => {
    const rand = rng(12345);
    let compared = 0;
    let strict = 0;
    for (let iter = 0; iter < 150; iter++) {
      const exec = randomExec(rand);
      const n = exec.events.length;
      const lo = new Relation(n);
      const hi = new Relation(n);
      const known = EventSet.full(n);
      for (const [w, r] of exec.rf.pairs()) {
        if (rand() < 0.5) {
          lo.add(w, r);
          hi.add(w, r);
        } else {
          known.delete(r);
          for (const e of exec.events) if (e.kind === 'W' && e.loc === exec.events[r].loc && rand() < 0.8) hi.add(e.id, r);
          hi.add(w, r); // the real edge is always possible
        }
      }
      for (const e of exec.events) if (e.kind === 'W' && e.thread >= 0 && rand() < 0.3) known.delete(e.id);
      const b = boundsOf(new PartialSkeleton(pm), { exec: { ...exec, rf: lo }, rfHi: hi, known }, names);
      if (!b) continue;
      for (const j of judgeReference(model, exec)) {
        for (const nm of names) {
          const exact = j.lookup(nm);
          const bb = b.get(nm);
          expect(bb, nm).toBeDefined();
          if (!exact) continue;
          expect(within(asRS(bb!.lo, exact), exact), `lower bound of ${nm}`).toBe(true);
          expect(within(exact, asRS(bb!.hi, exact)), `upper bound of ${nm}`).toBe(true);
          if (bb!.lo !== bb!.hi) strict++;
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
    expect(strict).toBeGreaterThan(1000); // most bounds were really intervals, not exact values
  });

  it('are exact when nothing is open', () => {
    let checked = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const exec = randomExec(rng(seed));
      const b = boundsOf(new PartialSkeleton(pm), { exec, rfHi: exec.rf.clone(), known: EventSet.full(exec.events.length) }, ['u', 'd1', 'c']);
      if (!b) continue; // no co exists for this rf
      const j = [...judgeReference(model, exec)][0];
      for (const nm of ['u', 'd1', 'c']) {
        expect((b.get(nm)!.lo as Relation).equals(j.lookup(nm) as Relation)).toBe(true);
        expect((b.get(nm)!.hi as Relation).equals(j.lookup(nm) as Relation)).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});
