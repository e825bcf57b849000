// Interchangeable threads: exploring one canonical prefix per orbit gives exactly the results of the full exploration.
import { beforeAll, describe, expect, it } from 'vitest';
import { exploreTest, parseLitmus } from '../../../src/sim/index.js';
import { loadModel, type Model } from '../../../src/sim/model.js';
import { canonicalPaths, groupImages, imagesOf, threadSymmetry } from '../../../src/sim/symmetry.js';
import { modelDir } from '../cat/build.js';
import { summary } from './summary.js';

/**
 * n copies of one thread body (with its declarations), numbered P0.., after P-threads `before`; `$i` in
 * the parameters and the body becomes the copy's own number (for locations of its own).
 */
function threads(n: number, params: string, body: string, before: string[] = []): string {
  const out = [...before];
  for (let i = 0; i < n; i++) out.push(`P${out.length}(${params.replaceAll('$i', `${i}`)})\n{\n${body.replaceAll('$i', `${i}`)}\n}\n`);
  return out.join('\n');
}

function litmus(name: string, init: string, body: string, tail: string): string {
  return `C ${name}\n\n{${init}}\n\n${body}\n${tail}\n`;
}

/*
 * Each test has identical threads and something that tells thread numbers apart in its outcome: a
 * condition naming one thread's registers, a filter, branches that give identical threads different
 * paths, trylock, two locks, a thread outside the class.  The expected results are those of the full
 * exploration ('off'), which knows nothing of symmetry.
 */
const CASES: { name: string; text: string; classes: number[][] }[] = [
  {
    name: 'branches',
    classes: [[0, 1, 2]],
    text: litmus(
      'sym-branches',
      '',
      threads(3, 'int *x, int *y', '\tint r0;\n\n\tr0 = READ_ONCE(*x);\n\tif (r0 == 0)\n\t\tWRITE_ONCE(*x, 1);\n\telse\n\t\tWRITE_ONCE(*y, r0);'),
      'exists (0:r0=0 /\\ 2:r0=1 /\\ y=1)',
    ),
  },
  {
    name: 'trylock',
    classes: [[0, 1, 2]],
    text: litmus(
      'sym-trylock',
      '',
      threads(
        3,
        'spinlock_t *l, int *x',
        '\tint r0;\n\tint r1;\n\n\tr0 = spin_trylock(l);\n\tif (r0) {\n\t\tr1 = READ_ONCE(*x);\n\t\tWRITE_ONCE(*x, r1 + 1);\n\t\tspin_unlock(l);\n\t}',
      ),
      'exists (x=1 /\\ 1:r0=0)',
    ),
  },
  {
    name: 'xchg',
    classes: [[0, 1, 2, 3]],
    text: litmus('sym-xchg', '', threads(4, 'int *x', '\tint r0;\n\n\tr0 = xchg(x, 1);'), 'locations [x]\nexists (0:r0=0 /\\ 3:r0=1)'),
  },
  {
    name: 'a writer and three locked readers',
    classes: [[1, 2, 3]],
    text: litmus(
      'sym-readers',
      '',
      threads(
        3,
        'spinlock_t *l, int *x, int *y',
        '\tint r0;\n\tint r1;\n\n\tspin_lock(l);\n\tr0 = READ_ONCE(*x);\n\tr1 = READ_ONCE(*y);\n\tspin_unlock(l);',
        ['P0(spinlock_t *l, int *x, int *y)\n{\n\tWRITE_ONCE(*x, 1);\n\tspin_lock(l);\n\tWRITE_ONCE(*y, 1);\n\tspin_unlock(l);\n}\n'],
      ),
      'exists (1:r0=1 /\\ 1:r1=0 /\\ 3:r1=1)',
    ),
  },
  {
    name: 'filter',
    classes: [[0, 1, 2]],
    text: litmus(
      'sym-filter',
      '',
      threads(3, 'spinlock_t *l, int *x', '\tint r0;\n\n\tspin_lock(l);\n\tr0 = READ_ONCE(*x);\n\tWRITE_ONCE(*x, r0 + 1);\n\tspin_unlock(l);'),
      'filter (2:r0=0)\nexists (0:r0=1)',
    ),
  },
  {
    name: 'plain accesses racing',
    classes: [[0, 1, 2]],
    text: litmus('sym-race', '', threads(3, 'int *x', '\tint r0;\n\n\t*x = 1;\n\tr0 = *x;'), 'exists (0:r0=0)'),
  },
  {
    name: 'two locks',
    classes: [[0, 1, 2]],
    text: litmus(
      'sym-two-locks',
      '',
      threads(
        3,
        'spinlock_t *l, spinlock_t *m, int *x, int *y',
        '\tint r0;\n\tint r1;\n\n\tspin_lock(m);\n\tr1 = READ_ONCE(*y);\n\tWRITE_ONCE(*y, r1 + 1);\n\tspin_unlock(m);\n\tspin_lock(l);\n\tr0 = READ_ONCE(*x);\n\tWRITE_ONCE(*x, r0 + 1);\n\tspin_unlock(l);',
      ),
      'exists (0:r0=0 /\\ 0:r1=2)',
    ),
  },
  {
    name: 'identical threads on different paths, all taking the lock',
    classes: [[0, 1, 2]],
    text: litmus(
      'sym-paths-lock',
      '',
      threads(
        3,
        'spinlock_t *l, int *x, int *y',
        '\tint r0;\n\tint r1;\n\n\tr0 = READ_ONCE(*y);\n\tspin_lock(l);\n\tif (r0 == 0) {\n\t\tr1 = READ_ONCE(*x);\n\t\tWRITE_ONCE(*y, 1);\n\t} else {\n\t\tWRITE_ONCE(*x, r0);\n\t}\n\tspin_unlock(l);',
      ),
      'exists (0:r0=1 /\\ 2:r1=1)',
    ),
  },
  {
    name: 'locations of their own beside a shared one',
    classes: [[0, 1, 2]],
    text: litmus(
      'sym-private',
      '',
      threads(
        3,
        'spinlock_t *l, int *x$i, int *y',
        '\tint r0;\n\tint r1;\n\n\tWRITE_ONCE(*x$i, 5);\n\tspin_lock(l);\n\tr0 = READ_ONCE(*y);\n\tWRITE_ONCE(*y, r0 + 1);\n\tWRITE_ONCE(*x$i, r0);\n\tr1 = READ_ONCE(*x$i);\n\tspin_unlock(l);',
      ),
      'locations [x0; x1; x2]\nexists (0:r0=0 /\\ 2:r0=1)',
    ),
  },
  {
    name: 'pointers to locations of their own',
    classes: [[0, 1, 2]],
    text: litmus(
      'sym-pointers',
      'int *p = z;',
      threads(3, 'spinlock_t *l, int *x$i, int **p', '\tint *r0;\n\n\tspin_lock(l);\n\tr0 = READ_ONCE(*p);\n\tWRITE_ONCE(*p, x$i);\n\tspin_unlock(l);'),
      'exists (p=x1 /\\ 0:r0=x2)',
    ),
  },
  {
    name: 'threads that never take the lock beside threads that do',
    classes: [[0, 1, 2, 3]],
    text: litmus(
      'sym-some-lock',
      '',
      threads(
        4,
        'spinlock_t *l, int *x',
        '\tint r0;\n\n\tr0 = READ_ONCE(*x);\n\tif (r0 == 0) {\n\t\tspin_lock(l);\n\t\tWRITE_ONCE(*x, 1);\n\t\tspin_unlock(l);\n\t}',
      ),
      'exists (0:r0=1 /\\ 1:r0=0)',
    ),
  },
];


describe('thread classes', () => {
  it('renames locations of their own, unless the condition observes some of them only', () => {
    const body = threads(3, 'int *x$i, int *y', '\tint r0;\n\n\tr0 = READ_ONCE(*y);\n\tWRITE_ONCE(*x$i, r0);');
    const t = parseLitmus(litmus('p', '', body, 'exists (0:r0=0)'), 'p.litmus');
    expect(threadSymmetry(t)).toEqual({ classes: [[0, 1, 2]], privates: [[['x0'], ['x1'], ['x2']]] });
    expect(threadSymmetry(t, new Set(['x0', 'x1', 'x2'])).classes).toEqual([[0, 1, 2]]);
    expect(threadSymmetry(t, new Set(['x1'])).classes).toEqual([]);
    // different initial values, or a location another thread also uses, keep them apart
    expect(threadSymmetry(parseLitmus(litmus('q', 'x1=1;', body, 'exists (0:r0=0)'), 'q.litmus')).classes).toEqual([]);
    const shared = body.replaceAll('x2', 'x1');
    // P1 and P2 share x1 (the same for both: interchangeable as they stand), P0 has its own
    expect(threadSymmetry(parseLitmus(litmus('r', '', shared, 'exists (0:r0=0)'), 'r.litmus')).classes).toEqual([[1, 2]]);
  });

  it('groups threads with the same parameters, body and initial registers', () => {
    const same = threads(3, 'int *x', '\tint r0;\n\n\tr0 = READ_ONCE(*x);');
    expect(threadSymmetry(parseLitmus(litmus('a', '', same, 'exists (0:r0=0)'), 'a.litmus')).classes).toEqual([[0, 1, 2]]);
    // an initial register value of its own takes P1 out; a different parameter list takes P2 out
    expect(threadSymmetry(parseLitmus(litmus('b', '1:r0=1;', same, 'exists (0:r0=0)'), 'b.litmus')).classes).toEqual([[0, 2]]);
    const other = same.replace('P2(int *x)', 'P2(int *x, int *y)');
    expect(threadSymmetry(parseLitmus(litmus('c', '', other, 'exists (0:r0=0)'), 'c.litmus')).classes).toEqual([[0, 1]]);
    const body = same.replace(/READ_ONCE\(\*x\);\n\}\n\nP2/, 'READ_ONCE(*x) + 1;\n}\n\nP2');
    expect(threadSymmetry(parseLitmus(litmus('d', '', body, 'exists (0:r0=0)'), 'd.litmus')).classes).toEqual([[0, 2]]);
  });
});

describe('images of a canonical prefix', () => {
  it('gives every distinct arrangement of the keys once, identity first', () => {
    // class {0,1,2,3} with keys a,a,b,c (sorted): 4!/2! = 12 distinct images; thread 4 is alone
    const maps = imagesOf([[0, 1, 2, 3]], [5, 5, 7, 9, 0], 5);
    expect(maps).toHaveLength(12);
    expect([...maps[0]]).toEqual([0, 1, 2, 3, 4]);
    const keys = new Set(maps.map((m) => [...m].map((t) => [5, 5, 7, 9, 0][t]).join(',')));
    expect(keys.size).toBe(12);
    for (const m of maps) expect([...m].sort()).toEqual([0, 1, 2, 3, 4]);
    // two classes multiply: 3! * 2!
    expect(imagesOf([[0, 2, 4], [1, 3]], [1, 1, 2, 2, 3], 5)).toHaveLength(12);
  });

  it('groups images by what the condition reads, keeping their number', () => {
    const maps = imagesOf([[0, 1, 2]], [1, 2, 3], 3);
    const plain = { classes: [[0, 1, 2]], privates: [[[], [], []]] };
    const g = groupImages(maps, [0], plain);
    expect(g).toHaveLength(3);
    expect(g.map((x) => x.weight)).toEqual([2, 2, 2]);
    expect(g[0].inv).toBeNull();
    expect(groupImages(maps, [], plain)).toEqual([{ inv: null, weight: 6 }]);
    // with locations of their own, every image renames them differently
    const own = { classes: [[0, 1, 2]], privates: [[['a'], ['b'], ['c']]] };
    const g2 = groupImages(maps, [], own);
    expect(g2).toHaveLength(6);
    expect(g2[1].locInv?.size).toBeGreaterThan(0);
  });

  it('accepts only path choices sorted within each class', () => {
    expect(canonicalPaths([[0, 2]], [1, 0, 1])).toBe(true);
    expect(canonicalPaths([[0, 2]], [1, 0, 0])).toBe(false);
  });
});

describe.each(['6.12', '6.1'] as const)('exploring with interchangeable threads (%s)', (v) => {
  let m: Model;
  beforeAll(async () => {
    m = await loadModel(await modelDir(v));
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: the same results as the full exploration', (_n, c) => {
    const test = parseLitmus(c.text, `${c.name}.litmus`);
    const off = exploreTest(test, m, {}, 'none', 'off').result;
    const on = exploreTest(test, m, {}, 'none', 'on').result;
    expect(on.symmetry).toEqual(c.classes);
    expect(off.symmetry).toBeUndefined();
    expect(summary(on)).toEqual(summary(off));
    expect(on.candidates).toBeLessThan(off.candidates);
    expect(off.consistent).toBeGreaterThan(1);
  });

  it('shows a witness that is a renumbered execution, with its own reads-from', () => {
    // P2's section first, then P1's, then P0's: only images of the explored execution have this outcome
    const body = threads(3, 'spinlock_t *l, int *x', '\tint r0;\n\n\tspin_lock(l);\n\tr0 = READ_ONCE(*x);\n\tWRITE_ONCE(*x, r0 + 1);\n\tspin_unlock(l);');
    const test = parseLitmus(litmus('sym-witness', '', body, 'exists (2:r0=0 /\\ 1:r0=1 /\\ 0:r0=2)'), 'sym-witness.litmus');
    const ex = exploreTest(test, m, {}, 'allowed', 'on');
    expect(ex.result.symmetry).toEqual([[0, 1, 2]]);
    expect(ex.result.candidates).toBe(1);
    expect(ex.result.positive).toBe(1);
    const w = ex.result.witness!;
    expect(w.state).toEqual({ '0:r0': 2, '1:r0': 1, '2:r0': 0 });
    const reads = w.steps.filter((s) => s.kind === 'R' && s.loc === 'x');
    const from = (t: number) => reads.find((s) => s.thread === t)!.readsFrom;
    const lineOf = (t: number) => test.lines.findIndex((l, i) => i > test.lines.indexOf(`P${t}(spinlock_t *l, int *x)`) && l.includes('WRITE_ONCE')) + 1;
    expect(from(2)).toBe('init');
    expect(from(1)).toBe(`P2:line ${lineOf(2)}`);
    expect(from(0)).toBe(`P1:line ${lineOf(1)}`);
    expect(reads.every((s) => s.value === { 0: 2, 1: 1, 2: 0 }[s.thread])).toBe(true);
  });

  it('shows a renumbered witness on the locations of its own threads', () => {
    const body = threads(3, 'spinlock_t *l, int *x$i, int *y', '\tint r0;\n\n\tspin_lock(l);\n\tr0 = READ_ONCE(*y);\n\tWRITE_ONCE(*y, r0 + 1);\n\tWRITE_ONCE(*x$i, r0 + 1);\n\tspin_unlock(l);');
    const test = parseLitmus(litmus('sym-own', '', body, 'locations [x0; x1; x2]\nexists (2:r0=0 /\\ 1:r0=1)'), 'sym-own.litmus');
    const ex = exploreTest(test, m, {}, 'allowed', 'on');
    expect(ex.result.symmetry).toEqual([[0, 1, 2]]);
    expect(ex.result.candidates).toBe(1);
    const w = ex.result.witness!;
    expect(w.state).toEqual({ '1:r0': 1, '2:r0': 0, x0: 3, x1: 2, x2: 1 });
    for (const st of w.steps.filter((x) => x.kind === 'W' && x.loc?.startsWith('x'))) {
      expect(st.loc).toBe(`x${st.thread}`);
      expect(st.value).toBe({ 0: 3, 1: 2, 2: 1 }[st.thread]);
    }
  });
});
