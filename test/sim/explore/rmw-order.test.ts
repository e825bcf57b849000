// Atomic read-modify-writes on one location: their write order is chosen first, and an RMW's read skips the writes its atomicity excludes; results equal the full exploration.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { exploreTest, parseLitmus, type Model } from '../../../src/sim/index.js';
import { loadModel } from '../../../src/sim/model.js';
import { summary } from './summary.js';


/** n threads, thread i running body(i) (with `int r0; int r1;` declared), then the condition. */
function test(name: string, n: number, params: string, body: (i: number) => string, cond: string, init = ''): string {
  const ps = Array.from({ length: n }, (_, i) => `P${i}(${params})\n{\n\tint r0;\n\tint r1;\n\n${body(i)}\n}\n`);
  return `C ${name}\n\n{${init}}\n\n${ps.join('\n')}\n${cond}\n`;
}

/*
 * Each case mixes what the atomicity shortcut must get right: RMWs of different values (no two threads
 * alike, so no symmetry), failed and successful cmpxchg, a plain write between RMWs, an RMW and a read of
 * the same location on one thread, and fetch-and-add chains whose values depend on what they read.
 */
const CASES: [string, string][] = [
  ['xchg of distinct values', test('xchg-4', 4, 'int *x', (i) => `\tr0 = xchg(x, ${i + 1});`, 'exists (0:r0=0 /\\ 1:r0=3)')],
  ['fetch-add chain', test('add-4', 4, 'atomic_t *x', (i) => `\tr0 = atomic_fetch_add(${i + 1}, x);`, 'exists (x=10 /\\ 3:r0=0)')],
  [
    'cmpxchg that may fail',
    test('cmpxchg-3', 3, 'int *x', (i) => `\tr0 = cmpxchg(x, ${i}, ${i + 1});\n\tr1 = READ_ONCE(*x);`, 'exists (x=3 /\\ 2:r1=3)'),
  ],
  [
    'a plain write among the RMWs',
    test('mixed-4', 4, 'int *x', (i) => (i === 3 ? '\tWRITE_ONCE(*x, 9);' : `\tr0 = xchg_relaxed(x, ${i + 1});\n\tr1 = READ_ONCE(*x);`), 'exists (0:r0=9 /\\ 1:r1=1)'),
  ],
  ['two RMWs in one thread', test('two-3', 3, 'int *x', (i) => `\tr0 = xchg(x, ${2 * i + 1});\n\tr1 = xchg_acquire(x, ${2 * i + 2});`, 'exists (0:r1=1 /\\ 2:r0=0)')],
];

describe.each(['6.12', '6.1'] as const)('RMW write orders chosen first (%s)', (v) => {
  let m: Model;
  beforeAll(async () => {
    m = await loadModel(join(await ensureKernelSource(v), 'tools', 'memory-model'));
  });

  it.each(CASES)('%s: the same results as the full exploration', (_name, text) => {
    const t = parseLitmus(text, 'rmw.litmus');
    const off = exploreTest(t, m, {}, 'none', 'off').result;
    const on = exploreTest(t, m, {}, 'none', 'on').result;
    expect(summary(on)).toEqual(summary(off));
    expect(off.consistent).toBeGreaterThan(1);
    expect(on.candidates).toBeLessThan(off.candidates);
  });

  it('judges one execution per write order of an 6-thread xchg chain', () => {
    const t = parseLitmus(test('xchg-6', 6, 'int *x', (i) => `\tr0 = xchg(x, ${i + 1});`, 'exists (0:r0=0)'), 'xchg-6.litmus');
    const r = exploreTest(t, m, {}, 'none', 'on').result;
    expect(r.consistent).toBe(720);
    expect(r.positive).toBe(120);
    expect(r.candidates).toBe(720);
  });
});
