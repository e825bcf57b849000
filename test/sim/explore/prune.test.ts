// Pruning by partial judging: results equal unpruned exploration, and partial judging never rejects a partial execution that a consistent execution completes.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundsOf, PartialSkeleton, partialModelOf, type PartialInput } from '../../../src/sim/cat/partial.js';
import { reachForbids, rfCycleRules, rfReach } from '../../../src/sim/cat/rf-cycles.js';
import type { Execution, Judgement } from '../../../src/sim/execution.js';
import { explore, type JudgeFn } from '../../../src/sim/explore.js';
import { exploreTest, parseLitmus } from '../../../src/sim/index.js';
import { judge, loadModel, modelFromTexts, type Model } from '../../../src/sim/model.js';
import { EventSet, Relation } from '../../../src/sim/relation.js';
import { litmusFiles } from '../suite/expectations.js';
import { listLitmus, litmusDir, modelDir } from '../cat/build.js';
import type { TestResult } from '../../../src/sim/types.js';
import { summary } from './summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const ownDir = join(here, '..', 'suite', 'litmus');


/** Message passing through n critical sections of one spinlock, with plain accesses (P0 writes x and f1, …). */
function plainMp(n: number): string {
  const ps = Array.from({ length: n }, (_, i) => {
    const body =
      i === 0 ? '\t*x = 1;\n\t*f1 = 1;' : i < n - 1 ? `\tr0 = *f${i};\n\t*f${i + 1} = 1;` : `\tr0 = *f${i};\n\tr1 = *x;`;
    return `P${i}(spinlock_t *l, int *x, int *f${i}, int *f${i + 1})\n{\n\tint r0;\n\tint r1;\n\n\tspin_lock(l);\n${body}\n\tspin_unlock(l);\n}\n`;
  });
  return `C plain-mp-${n}\n\n{}\n\n${ps.join('\n')}\nexists (${n - 1}:r0=1 /\\ ${n - 1}:r1=0)\n`;
}

/** n threads each adding to x under one spinlock: 1 each, or (distinct) thread i adds i+1, so no two are alike. */
function lockCounter(n: number, distinct = false): string {
  const threads = Array.from(
    { length: n },
    (_, i) =>
      `P${i}(int *x, spinlock_t *l)\n{\n\tint r0;\n\n\tspin_lock(l);\n\tr0 = READ_ONCE(*x);\n\tWRITE_ONCE(*x, r0 + ${distinct ? i + 1 : 1});\n\tspin_unlock(l);\n}\n`,
  );
  const total = distinct ? (n * (n + 1)) / 2 : n;
  return `C lock-counter-${n}\n\n{}\n\n${threads.join('\n')}\nexists (x=${total} /\\ 0:r0=0)\n`;
}

describe.each(['6.12', '6.1'] as const)('pruning (%s)', (v) => {
  let m: Model;
  let dir: string;
  beforeAll(async () => {
    dir = await modelDir(v);
    m = await loadModel(dir);
  });

  const files = (): string[] => [...listLitmus(dir).map((f) => join(litmusDir(dir), f)), ...litmusFiles(ownDir)];

  const runnable = (test: ReturnType<typeof parseLitmus>): boolean => {
    try {
      exploreTest(test, m, { maxExecutions: 1 }, 'none', 'off');
      return true;
    } catch {
      return false;
    }
  };

  /** The consistent executions of a test, each with its judgement (co kept: the judge reuses its storage). */
  const consistentOf = (test: ReturnType<typeof parseLitmus>): { exec: Execution; j: Judgement }[] => {
    const out: { exec: Execution; j: Judgement }[] = [];
    explore(test, m, ((mm: Model, e: Execution) => {
      const js: Judgement[] = [];
      for (const j of judge(mm, e)) {
        if (j.consistent) out.push({ exec: e, j: { ...j, co: j.co.clone(), rf: j.rf } as Judgement });
        js.push(j);
      }
      return js;
    }) as JudgeFn);
    return out;
  };

  /** A test explored without pruning and with it (symmetry included). */
  const bothWays = (test: ReturnType<typeof parseLitmus>, model: Model = m): { off: TestResult; on: TestResult } => ({
    off: exploreTest(test, model, {}, 'none', 'off').result,
    on: exploreTest(test, model, {}, 'none', 'on').result,
  });

  it('the kernel model can be judged partially', () => {
    expect(partialModelOf(m)).not.toBeNull();
  });

  it('gives the same results as unpruned exploration on the upstream and own suites', () => {
    let prunedTotal = 0;
    let fewer = 0;
    for (const f of files()) {
      const test = parseLitmus(readFileSync(f, 'utf8'), f);
      let off: TestResult;
      try {
        off = exploreTest(test, m, {}, 'none', 'off').result;
      } catch (e) {
        // a test this model cannot run (e.g. a primitive 6.1's .def lacks) fails the same way pruned
        expect(() => exploreTest(test, m, {}, 'none', 'on'), f).toThrow((e as Error).message);
        continue;
      }
      const on = exploreTest(test, m, {}, 'none', 'on').result;
      expect(summary(on), f).toEqual(summary(off));
      expect(on.candidates, f).toBeLessThanOrEqual(off.candidates);
      prunedTotal += on.pruned ?? 0;
      if (on.candidates < off.candidates) fewer++;
    }
    // the comparison means something only if pruning happened on many tests
    expect(prunedTotal).toBeGreaterThan(100);
    expect(fewer).toBeGreaterThan(20);
  });

  it('still shows a rejected candidate with a Never outcome when pruning skipped them all', () => {
    const text = lockCounter(4).replace(/exists \(.*\)/, 'exists (0:r0=0 /\\ 1:r0=0)');
    const ex = exploreTest(parseLitmus(text, 'lock-counter-4-zero.litmus'), m, {}, 'any', 'on');
    expect(ex.result.observation).toBe('Never');
    expect(ex.result.pruned).toBeGreaterThan(0);
    expect(ex.witness).toBeUndefined();
    expect(ex.forbidden?.consistent).toBe(false);
    expect(ex.result.witness?.verdictReason).toMatch(/forbidden by/);
  });

  it('falls back to unpruned exploration when the model generates co without the lock writes', () => {
    // a model whose co (cos-opt.cat) is generated before lock writes join W: imposed lock orders cannot
    // split its executions, so pruning must not change anything (CoSplitMismatch, then a plain run)
    const cat = `"co without lock writes"\ninclude "cos-opt.cat"\nacyclic po-loc | rf | co | fr as coherence\nlet W = W | LKW\n`;
    const custom: Model = { ...modelFromTexts({ 'c.cat': cat }, undefined, 'c.cat'), dir: m.dir, defText: m.defText, defFile: m.defFile };
    const test = parseLitmus(lockCounter(4), 'lock-counter-4.litmus');
    const { off, on } = bothWays(test, custom);
    expect(summary(on)).toEqual(summary(off));
    expect(on.candidates).toBe(off.candidates);
    expect(on.pruned).toBeUndefined();
    expect(off.consistent).toBeGreaterThan(0);
  });

  it('judges only the consistent executions of a lock-heavy test, with the same results', () => {
    const test = parseLitmus(lockCounter(4, true), 'lock-counter-4-distinct.litmus');
    const { off, on } = bothWays(test);
    expect(summary(on)).toEqual(summary(off));
    expect(off.consistent).toBe(24); // one execution per lock order
    expect(off.candidates).toBeGreaterThan(10_000);
    expect(on.candidates).toBe(24);
    expect(on.symmetry).toBeUndefined();
  });

  it('gives the same results with plain accesses in the sections (plain-coherence rules)', () => {
    const test = parseLitmus(plainMp(4), 'plain-mp-4.litmus');
    const { off, on } = bothWays(test);
    expect(summary(on)).toEqual(summary(off));
    expect(on.consistent).toBe(24);
  });

  it('judges one execution for identical threads on one lock, and counts every lock order', () => {
    const test = parseLitmus(lockCounter(4), 'lock-counter-4.litmus');
    const { off, on } = bothWays(test);
    expect(summary(on)).toEqual(summary(off));
    expect(on.consistent).toBe(24);
    expect(on.candidates).toBe(1);
    expect(on.symmetry).toEqual([[0, 1, 2, 3]]);
  });

  /**
   * A partial execution of exec: every other rf edge kept (or none); dropped reads and every non-initial
   * write lose their values; the lock writes ordered as in co, as exploration would impose them.
   */
  function partialOf(exec: Execution, keepEvery: number, co: Relation): PartialInput {
    const n = exec.events.length;
    const lo = new Relation(n);
    const hi = new Relation(n);
    const known = EventSet.full(n);
    [...exec.rf.pairs()].forEach(([w, r], i) => {
      if (keepEvery !== Infinity && i % keepEvery === 0) {
        lo.add(w, r);
        hi.add(w, r);
        return;
      }
      known.delete(r);
      for (const e of exec.events) if (e.kind === 'W' && e.loc === exec.events[r].loc && !e.tags.includes('LKW') && !e.tags.includes('UL')) hi.add(e.id, r);
    });
    for (const e of exec.events) if (e.kind === 'W' && e.thread >= 0) known.delete(e.id);
    return { exec: { ...exec, rf: lo }, rfHi: hi, known, split: lockOrder(exec, co) };
  }
  /** The order of the lock writes in a co, as exploration imposes it. */
  function lockOrder(exec: Execution, co: Relation): Relation {
    const split = new Relation(exec.events.length);
    for (const [a, b] of co.pairs()) if (exec.events[a].tags.includes('LKW') && exec.events[b].tags.includes('LKW')) split.add(a, b);
    return split;
  }
  const asRelOrSet = (v: unknown, n: number): Relation | EventSet => (v instanceof Relation || v instanceof EventSet ? v : new Relation(n));
  const within = (a: Relation | EventSet, b: Relation | EventSet): boolean => {
    if (a instanceof Relation) return b instanceof Relation ? a.diff(b).isEmpty() : a.isEmpty();
    return b instanceof EventSet ? a.diff(b).isEmpty() : a.isEmpty();
  };

  it('bounds every named set and relation of the model, in every branch of every candidate', () => {
    const pm = partialModelOf(m)!;
    const names = [...pm.final.keys()].filter((nm) => !nm.startsWith('%'));
    let compared = 0;
    for (const f of files()) {
      const test = parseLitmus(readFileSync(f, 'utf8'), f);
      if (!runnable(test)) continue;
      const seen: { exec: Execution; js: Judgement[] }[] = [];
      explore(test, m, ((mm: Model, e: Execution) => {
        const js = [...judge(mm, e)];
        if (seen.length < 6) seen.push({ exec: e, js });
        return js;
      }) as JudgeFn);
      for (const { exec, js } of seen) {
        for (const keepEvery of [2, Infinity]) {
          const split = lockOrder(exec, js[0].co);
          const b = boundsOf(new PartialSkeleton(pm), partialOf(exec, keepEvery, js[0].co), names);
          if (b === undefined) {
            // a `with` has no choice (e.g. no co exists): the exact judging rejects the candidate at or before it
            expect(js.length, f).toBeGreaterThan(0);
            for (const j of js) expect(j.consistent, `${f}: bounds computed`).toBe(false);
            continue;
          }
          for (const j of js) {
            if (!lockOrder(exec, j.co).equals(split)) continue;
            for (const [nm, { lo, hi }] of b!) {
              const exact = j.lookup(nm);
              if (exact === undefined) continue;
              const n = exec.events.length;
              expect(within(asRelOrSet(lo, n), exact), `${f}: lower bound of ${nm}`).toBe(true);
              expect(within(exact, asRelOrSet(hi, n)), `${f}: upper bound of ${nm}`).toBe(true);
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('never rejects a partial execution completed by a consistent one', () => {
    const pm = partialModelOf(m)!;
    let checked = 0;
    for (const f of files()) {
      const test = parseLitmus(readFileSync(f, 'utf8'), f);
      if (!runnable(test)) continue;
      for (const { exec, j } of consistentOf(test).slice(0, 12)) {
        // drop every other reads-from edge (and, in a second round, all of them); one skeleton cache per
        // execution, since paths differ between executions
        for (const keepEvery of [2, Infinity]) {
          const verdict = new PartialSkeleton(pm).judge(partialOf(exec, keepEvery, j.co));
          expect(verdict, `${f}: a consistent execution completes this partial one`).toBeUndefined();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('never keeps a read of a consistent execution from the write it reads (checks containing rf)', () => {
    const pm = partialModelOf(m)!;
    const rules = rfCycleRules(m);
    expect(rules.length).toBeGreaterThan(0);
    let checked = 0;
    const lockTests = [lockCounter(3), lockCounter(3, true), plainMp(3), plainMp(4)].map((t, i) => ({ f: `lock-${i}.litmus`, text: t }));
    const tests = [...files().map((f) => ({ f, text: readFileSync(f, 'utf8') })), ...lockTests];
    for (const { f, text } of tests) {
      const test = parseLitmus(text, f);
      if (!runnable(test)) continue;
      for (const { exec, j } of consistentOf(test).slice(0, 12)) {
        for (const keepEvery of [2, Infinity]) {
          const reach = rfReach(new PartialSkeleton(pm), partialOf(exec, keepEvery, j.co), rules);
          if (!reach) continue;
          for (const x of reach) if (x.reach) for (let i = 0; i < x.reach.n; i++) expect(x.reach.has(i, i), `${f}: a cycle in a lower bound`).toBe(false);
          // the writes co-after w in this execution's co stand for what every completion's co has
          const coAfter = (w: number) => [...j.co.rows[w]].filter((x) => !exec.events[x].tags.includes('LKW') && !exec.events[x].tags.includes('UL'));
          for (const [w, r] of exec.rf.pairs()) {
            const forbids = reachForbids(reach, r, exec.events[r].thread, w, exec.events[w].thread, coAfter);
            expect(forbids, `${f}: read ${r} kept from ${w}, which it reads`).toBe(false);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
