// Splitting a lock-order search across worker threads: the same counts, states, flags and kept executions as one thread.
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { explore, type JudgeFn } from '../../../src/sim/explore.js';
import { exploreTest, explorationOptions, judge, loadModel, parseLitmus, type Model } from '../../../src/sim/index.js';
import { coherenceOf } from '../../../src/sim/explore.js';
import { lockMp } from '../suite/lock-family.js';
import { summary } from './summary.js';


/** Message passing through 6 critical sections, with a condition some orders satisfy, and (racy) a plain x. */
function mpTest(racy: boolean): string {
  let t = lockMp(6).text.replace(/exists \(.*\)/, 'exists (1:r0=1 /\\ 5:r1=1)');
  if (racy) t = t.replace('\tspin_lock(l);\n\tWRITE_ONCE(*x, 1);', '\t*x = 1;\n\tspin_lock(l);').replace('r1 = READ_ONCE(*x);', 'r1 = *x;');
  return t;
}

describe('exploring a lock-order search in parallel (6.12)', () => {
  let m: Model;
  const saved = process.env.RINGSIDE_THREADS;
  beforeAll(async () => {
    m = await loadModel(join(await ensureKernelSource('6.12'), 'tools', 'memory-model'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.RINGSIDE_THREADS;
    else process.env.RINGSIDE_THREADS = saved;
  });

  it.each([false, true])('gives the results of one thread, kept executions included (data race: %s)', (racy) => {
    const test = parseLitmus(mpTest(racy), 'mp-6.litmus');
    process.env.RINGSIDE_THREADS = '1';
    const one = exploreTest(test, m, {}, 'allowed');
    process.env.RINGSIDE_THREADS = '3';
    const three = exploreTest(test, m, {}, 'allowed');
    expect(summary(three.result, true)).toEqual(summary(one.result, true));
    expect(three.result.threads).toBe(3);
    expect(one.result.threads).toBeUndefined();
    expect(one.result.consistent).toBe(racy ? 1080 : 720);
    expect(one.result.positive).toBeGreaterThan(0);
    expect(one.result.flags).toEqual(racy ? ['data-race'] : []);
    // the witness (and each flag's) is the one a single thread finds first
    expect(three.result.witness).toEqual(one.result.witness);
    expect(three.result.flagWitnesses).toEqual(one.result.flagWitnesses);
    expect([...three.sample!.state]).toEqual([...one.sample!.state]);
  }, 120_000);

  it('searches a part itself when its worker does not report', () => {
    const test = parseLitmus(mpTest(false), 'mp-6.litmus');
    const coherence = coherenceOf(m, () => undefined) || true;
    const base = explorationOptions(m, 'auto');
    const alone = explore(test, m, judge as JudgeFn, {}, coherence, base);
    let asked = 0;
    const silent = {
      workers: 2,
      start: (shares: unknown[]) => {
        asked = shares.length;
        return { collect: () => shares.map(() => undefined) };
      },
    };
    const split = explore(test, m, judge as JudgeFn, {}, coherence, { ...base, parallel: silent });
    expect(asked).toBe(2);
    expect(summary(split.result, true)).toEqual(summary(alone.result, true));
    expect([...split.witness!.state]).toEqual([...alone.witness!.state]);
  });
});
