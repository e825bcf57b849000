// Bitset relations and sets, fast paths included, against a naive pair-list implementation, across word boundaries (n = 5 … 90).
import { describe, expect, it } from 'vitest';
import { EventSet, Relation } from '../../../src/sim/relation.js';

/** Deterministic pseudo-random generator (xorshift), so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

type Pairs = Set<string>;
const key = (a: number, b: number) => `${a},${b}`;
const toPairs = (r: Relation): Pairs => new Set([...r.pairs()].map(([a, b]) => key(a, b)));
const toIds = (s: EventSet): number[] => s.toArray();

function randomRel(n: number, density: number, next: () => number): [Relation, Pairs] {
  const r = new Relation(n);
  const p: Pairs = new Set();
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      if (next() < density) {
        r.add(i, j);
        p.add(key(i, j));
      }
  return [r, p];
}

function naiveSeq(n: number, a: Pairs, b: Pairs): Pairs {
  const out: Pairs = new Set();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (a.has(key(i, j))) for (let k = 0; k < n; k++) if (b.has(key(j, k))) out.add(key(i, k));
  return out;
}

function naivePlus(n: number, a: Pairs): Pairs {
  let cur = new Set(a);
  for (;;) {
    const next = new Set([...cur, ...naiveSeq(n, cur, a)]);
    if (next.size === cur.size) return cur;
    cur = next;
  }
}

describe('Relation and EventSet', () => {
  for (const n of [5, 31, 32, 33, 70]) {
    it(`match a naive implementation for n=${n}`, () => {
      const next = rng(n * 7919);
      for (let round = 0; round < 4; round++) {
        const density = [0.02, 0.05, 0.1, 0.3][round];
        const [a, pa] = randomRel(n, density, next);
        const [b, pb] = randomRel(n, density, next);
        const s = EventSet.of(n, [...Array(n).keys()].filter(() => next() < 0.5));
        const sIds = new Set(toIds(s));
        expect(toPairs(a.union(b))).toEqual(new Set([...pa, ...pb]));
        expect(toPairs(a.inter(b))).toEqual(new Set([...pa].filter((x) => pb.has(x))));
        expect(toPairs(a.diff(b))).toEqual(new Set([...pa].filter((x) => !pb.has(x))));
        expect(toPairs(a.seq(b))).toEqual(naiveSeq(n, pa, pb));
        expect(toPairs(a.inverse())).toEqual(new Set([...pa].map((x) => x.split(',').reverse().join(','))));
        const plus = naivePlus(n, pa);
        expect(toPairs(a.plus())).toEqual(plus);
        const ids = [...Array(n).keys()].map((i) => key(i, i));
        expect(toPairs(a.star())).toEqual(new Set([...plus, ...ids]));
        expect(toPairs(a.opt())).toEqual(new Set([...pa, ...ids]));
        expect(a.plus().isIrreflexive()).toBe(a.isAcyclic());
        expect(a.findCycle() === undefined).toBe(a.isAcyclic());
        expect(toPairs(a.restrictDomain(s))).toEqual(new Set([...pa].filter((x) => sIds.has(Number(x.split(',')[0])))));
        expect(toPairs(a.restrictRange(s))).toEqual(new Set([...pa].filter((x) => sIds.has(Number(x.split(',')[1])))));
        expect(toIds(a.domain())).toEqual([...new Set([...pa].map((x) => Number(x.split(',')[0])))].sort((p, q) => p - q));
        expect(toIds(a.range())).toEqual([...new Set([...pa].map((x) => Number(x.split(',')[1])))].sort((p, q) => p - q));
        expect(a.complement().size()).toBe(n * n - pa.size);
        expect(a.size()).toBe(pa.size);
        expect(toIds(s.complement()).length).toBe(n - sIds.size);
        expect(s.union(s.complement()).equals(EventSet.full(n))).toBe(true);
        expect(EventSet.full(n).size()).toBe(n);
        expect(Relation.product(s, s).size()).toBe(sIds.size * sIds.size);
      }
    });
  }

  // The fast paths (acyclic closure walk, identity rows skipped in seq) and the in-place and singlestep helpers
  // must give exactly what a naive implementation gives, on cyclic relations and on acyclic ones (which take other paths: one depth-first
  // walk for closures), around the word boundaries.
  for (const n of [5, 31, 32, 33, 64, 65, 90]) {
    it(`fast kernels agree with the plain operators for n=${n}`, () => {
      const next = rng(n * 104729);
      for (let round = 0; round < 8; round++) {
        const density = [0.01, 0.03, 0.08, 0.2][round % 4];
        const acyclic = round >= 4;
        const [a0, pa0] = randomRel(n, density, next);
        const [b, pb] = randomRel(n, density, next);
        // acyclic: keep only edges to later events (a partial order's shape), plus some reflexive-only rows in b
        const a = acyclic ? Relation.of(n, [...a0.pairs()].filter(([i, j]) => i < j)) : a0;
        const pa = acyclic ? new Set([...pa0].filter((x) => Number(x.split(',')[0]) < Number(x.split(',')[1]))) : pa0;
        if (acyclic) for (let i = 0; i < n; i += 3) b.add(i, i);
        const s = EventSet.of(n, [...Array(n).keys()].filter(() => next() < 0.5));
        const plus = naivePlus(n, pa);
        expect(toPairs(a.plus())).toEqual(plus);
        expect(toPairs(a.star())).toEqual(new Set([...plus, ...[...Array(n).keys()].map((i) => key(i, i))]));
        expect(toPairs(a.seq(b))).toEqual(naiveSeq(n, pa, toPairs(b)));
        expect(toPairs(b.seq(a))).toEqual(naiveSeq(n, toPairs(b), pa));
        expect(a.isAcyclic()).toBe(![...plus].some((x) => x.split(',')[0] === x.split(',')[1]));
        if (acyclic) expect(a.isAcyclic()).toBe(true);
        expect(toPairs(a.clone().unionInPlace(b))).toEqual(toPairs(a.union(b)));
        expect(toPairs(a.clone().restrictRangeInPlace(s))).toEqual(toPairs(a.restrictRange(s)));
        expect(toPairs(a.clone().seqInPlace(b))).toEqual(toPairs(a.seq(b)));
        expect(toPairs(a.diffSeqSelf(b))).toEqual(toPairs(a.diff(b.seq(b))));
      }
    });
  }

  it('finds a cycle that really is one', () => {
    const r = Relation.of(40, [
      [1, 35],
      [35, 7],
      [7, 1],
      [2, 3],
    ]);
    const c = r.findCycle()!;
    expect(c.length).toBe(3);
    for (let i = 0; i < c.length; i++) expect(r.has(c[i], c[(i + 1) % c.length])).toBe(true);
  });

  it('row views share storage with the relation', () => {
    const r = new Relation(40);
    r.rows[3].add(38);
    expect(r.has(3, 38)).toBe(true);
    expect(() => {
      (r.rows as EventSet[])[0] = new EventSet(40);
    }).toThrow();
  });
});
