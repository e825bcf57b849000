// The evaluator's shortcuts (skeleton cache, hoisting, incremental branches, detached judgements) against
// from-scratch evaluation, on every execution the upstream litmus tests produce and on hand-built ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeFresh, judgeReference } from '../../../src/sim/cat/evaluator.js';
import type { Execution, Judgement } from '../../../src/sim/execution.js';
import { explore, type Exploration, type JudgeFn } from '../../../src/sim/explore.js';
import { parseLitmus } from '../../../src/sim/index.js';
import { judge, loadModel, type Model } from '../../../src/sim/model.js';
import { Relation } from '../../../src/sim/relation.js';
import { ExecBuilder, listLitmus, litmusDir, modelDir } from './build.js';

const NAMES = ['co', 'rf', 'fr', 'hb', 'pb', 'rb', 'ppo', 'prop', 'rcu-rscs', 'srcu-rscs', 'critical'];

function describeJudgement(j: Judgement): string {
  const rels = NAMES.map((n) => {
    const v = j.lookup(n);
    return `${n}=${v instanceof Relation ? [...v.pairs()].join(' ') : v ? v.toArray().join(' ') : '-'}`;
  });
  return `${j.consistent} ${j.failed ?? ''} [${j.flags.join(',')}] co=${[...j.co.pairs()].join(' ')} rf=${[...j.rf.pairs()].join(' ')} ${rels.join(' ')}`;
}

/** Judge fully (all judgements collected before any lookup, to exercise detached judgements). */
function both(m: Model, exec: Execution): [string[], string[]] {
  const fast = [...judge(m, exec)].map(describeJudgement);
  const ref = [...judgeReference(m, exec)].map(describeJudgement);
  return [fast, ref];
}

describe.each(['6.12', '6.1'] as const)('incremental evaluation equals from-scratch evaluation (%s)', (v) => {
  let m: Model;
  let dir: string;
  beforeAll(async () => {
    dir = await modelDir(v);
    m = await loadModel(dir);
  });

  it('on every candidate execution of the upstream litmus tests', () => {
    const execs: Execution[] = [];
    for (const f of listLitmus(dir)) {
      const test = parseLitmus(readFileSync(join(litmusDir(dir), f), 'utf8'), f);
      explore(test, m, (mm, e) => {
        execs.push(e);
        return judge(mm as Model, e);
      });
    }
    expect(execs.length).toBeGreaterThan(100);
    let judgements = 0;
    for (const e of execs) {
      const [fast, ref] = both(m, e);
      expect(fast).toEqual(ref);
      judgements += fast.length;
    }
    expect(judgements).toBeGreaterThan(execs.length);
  });

  it('on lock handovers across three threads (co over lock writes, rf merged from co)', () => {
    const b = new ExecBuilder();
    b.init('s', 0);
    for (let t = 0; t < 3; t++) {
      b.ev(t, 'R', 's', 0, ['LKR']);
      b.ev(t, 'W', 's', 1, ['LKW']);
      const w = b.W(t, 'x', t + 1);
      const r = b.R(t, 'y', 0);
      b.ev(t, 'W', 's', 0, ['UL']);
      b.rfInit(r);
      void w;
    }
    const [fast, ref] = both(m, b.build());
    expect(fast).toHaveLength(6 * 6);
    expect(fast).toEqual(ref);
  });

  it('on an execution of more than 32 events (two words per row)', () => {
    const b = new ExecBuilder();
    for (let t = 0; t < 6; t++) {
      const loc = t % 2 ? 'x' : 'y';
      const other = t % 2 ? 'y' : 'x';
      b.W(t, loc, t + 1);
      b.F(t, t % 3 ? 'mb' : 'wmb');
      const r = b.R(t, other, 0, t === 5 ? [] : ['once']);
      b.F(t, 'rmb');
      if (t < 2) b.W(t, 'z', t + 1, t === 1 ? [] : ['once']);
      else b.F(t, 'barrier');
      b.rfInit(r);
      b.R(t, 'w', 0);
      b.rfInit(b.events.length - 1);
    }
    const exec = b.build();
    expect(exec.events.length).toBeGreaterThan(32);
    const [fast, ref] = both(m, exec);
    expect(fast.length).toBe(6 * 6 * 2);
    expect(fast).toEqual(ref);
  });
});

/** Everything an exploration reports, with the kept executions' judgements looked up after it ended. */
function describeExploration(ex: Exploration): string {
  const { timeMs: _t, ...result } = ex.result;
  const kept = [ex.witness, ex.forbidden, ex.sample, ...ex.flagged.values()].map((k) =>
    k ? `${k.consistent} ${[...k.state].join(',')} ${describeJudgement(k.judgement)}` : '-',
  );
  return JSON.stringify(result) + '\n' + kept.join('\n');
}

describe.each(['6.12', '6.1'] as const)('reusing one context across the executions of a skeleton changes nothing (%s)', (v) => {
  it('on every upstream litmus test: results and kept judgements with and without reuse', async () => {
    const dir = await modelDir(v);
    const m = await loadModel(dir);
    let judgedWithReuse = 0;
    for (const f of listLitmus(dir)) {
      const test = parseLitmus(readFileSync(join(litmusDir(dir), f), 'utf8'), f);
      const reused = explore(test, m, ((mm, e) => {
        judgedWithReuse++;
        return judge(mm as Model, e);
      }) as JudgeFn);
      const fresh = explore(test, m, ((mm, e) => judgeFresh(mm as Model, e)) as JudgeFn);
      expect(describeExploration(reused), f).toEqual(describeExploration(fresh));
    }
    expect(judgedWithReuse).toBeGreaterThan(100);
  });

  it('when judgements of several executions are generated interleaved (no context is shared then)', async () => {
    const dir = await modelDir(v);
    const m = await loadModel(dir);
    const execs: Execution[] = [];
    const f = 'MP+polocks.litmus';
    explore(parseLitmus(readFileSync(join(litmusDir(dir), f), 'utf8'), f), m, (mm, e) => {
      execs.push(e);
      return judge(mm as Model, e);
    });
    expect(execs.length).toBeGreaterThan(2);
    // start every iterator first, then advance them round-robin: each must see its own execution
    const its = execs.map((e) => judge(m, e)[Symbol.iterator]());
    const got: string[][] = execs.map(() => []);
    for (let live = true; live; ) {
      live = false;
      its.forEach((it, i) => {
        const nx = it.next();
        if (!nx.done) {
          live = true;
          got[i].push(describeJudgement(nx.value));
        }
      });
    }
    got.forEach((g, i) => expect(g).toEqual([...judgeReference(m, execs[i])].map(describeJudgement)));
  });
});
