// Unit tests of per-thread event generation: herd's events, tags and dependencies for each kind of primitive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDef, type MacroTable } from '../../../src/sim/def.js';
import { parseLitmus } from '../../../src/sim/litmus/parser.js';
import { SimError, testLocations, threadPaths, type Path } from '../../../src/sim/threads.js';
import { modelDir } from '../litmus/helpers.js';

let d12: MacroTable;
let d61: MacroTable;
beforeAll(async () => {
  d12 = parseDef(readFileSync(join(await modelDir('6.12'), 'linux-kernel.def'), 'utf8'));
  d61 = parseDef(readFileSync(join(await modelDir('6.1'), 'linux-kernel.def'), 'utf8'));
});

/** Paths of P0 of a one-thread test whose body is `body`. */
function paths(body: string, params = 'int *x, int *y', macros = d12, unroll = 2): Path[] {
  const text = `C t\n{}\nP0(${params})\n{\n${body}\n}\nexists (x=1)\n`;
  const t = parseLitmus(text, 't.litmus');
  return threadPaths(t.threads[0], {
    file: 't.litmus',
    macros,
    locations: testLocations(t),
    unroll,
    lines: t.lines,
    regInit: new Map(),
  });
}

/** Events as compact strings: kind, tags, atomicity, location. */
function evs(p: Path): string[] {
  return p.events.map((e) => `${e.kind}${e.atomic ? '*' : ''}[${e.tags.join(',')}]${e.loc ?? ''}`);
}

describe('marked accesses and fences', () => {
  it('READ_ONCE, WRITE_ONCE, acquire/release, smp_store_mb and fences', () => {
    const [p] = paths(
      'int r0 = READ_ONCE(*x); WRITE_ONCE(*y, 2); r0 = smp_load_acquire(x); smp_store_release(y, r0); smp_store_mb(*x, 3); smp_mb(); smp_rmb(); smp_wmb(); rcu_read_lock(); synchronize_rcu(); barrier();',
    );
    expect(evs(p)).toEqual([
      'R[once]x', 'W[once]y', 'R[acquire]x', 'W[release]y', 'W[once]x', 'F[mb]',
      'F[mb]', 'F[rmb]', 'F[wmb]', 'F[rcu-lock]', 'F[sync-rcu]', 'F[barrier]',
    ]);
    // The released value is the acquired one: a data dependency.
    expect(p.data).toEqual([[2, 3]]);
  });

  it('plain accesses carry no tags and make dependencies through memory values', () => {
    const [p] = paths('int a = READ_ONCE(*x); *y = a; *x = *y + 1;');
    expect(evs(p)).toEqual(['R[once]x', 'W[]y', 'R[]y', 'W[]x']);
    expect(p.data).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});

describe('read-modify-writes (herd lkmmv1)', () => {
  it('xchg is F[mb] R*[once] W*[once] F[mb]; relaxed/acquire/release variants have no fences', () => {
    expect(evs(paths('int r0 = xchg(x, 1);')[0])).toEqual(['F[mb]', 'R*[once]x', 'W*[once]x', 'F[mb]']);
    expect(evs(paths('int r0 = xchg_relaxed(x, 1);')[0])).toEqual(['R*[once]x', 'W*[once]x']);
    expect(evs(paths('int r0 = xchg_acquire(x, 1);')[0])).toEqual(['R*[acquire]x', 'W*[once]x']);
    expect(evs(paths('int r0 = xchg_release(x, 1);')[0])).toEqual(['R*[once]x', 'W*[release]x']);
    expect(paths('int r0 = xchg(x, 1);')[0].rmw).toEqual([[1, 2]]);
  });

  it('cmpxchg succeeds as an xchg or fails as a lone R*[once], each under a value constraint', () => {
    const ps = paths('int r0 = cmpxchg_acquire(x, 0, 1);');
    expect(ps.map(evs)).toEqual([['R*[acquire]x', 'W*[once]x'], ['R*[once]x']]);
    expect(ps.map((p) => p.constraints.map((c) => c.want))).toEqual([[true], [false]]);
    expect(ps[0].rmw).toEqual([[0, 1]]);
    expect(ps[1].rmw).toEqual([]);
    expect(paths('int r0 = cmpxchg(x, 0, 1);').map(evs)).toEqual([['F[mb]', 'R*[once]x', 'W*[once]x', 'F[mb]'], ['R*[once]x']]);
  });

  it('atomic_inc reads with noreturn; value-returning atomics are fully ordered; the write depends on the read', () => {
    const [inc] = paths('atomic_inc(x);', 'atomic_t *x');
    expect(evs(inc)).toEqual(['R*[noreturn]x', 'W*[once]x']);
    expect(inc.data).toEqual([[0, 1]]);
    const [ret] = paths('int r0 = atomic_dec_and_test(x);', 'atomic_t *x');
    expect(evs(ret)).toEqual(['F[mb]', 'R*[once]x', 'W*[once]x', 'F[mb]']);
    expect(evs(paths('int r0 = atomic_fetch_add_release(2, x);', 'atomic_t *x')[0])).toEqual(['R*[once]x', 'W*[release]x']);
  });
});

describe('locks', () => {
  it('spin_lock is LKR then LKW, spin_unlock is UL', () => {
    expect(evs(paths('spin_lock(l); spin_unlock(l);', 'spinlock_t *l')[0])).toEqual(['R[LKR]l', 'W[LKW]l', 'W[UL]l']);
  });
  it('spin_trylock succeeds (LKR LKW, 1) or fails (LF, 0); spin_is_locked gives RL (1) or RU (0)', () => {
    const tl = paths('int r0 = spin_trylock(l);', 'spinlock_t *l');
    expect(tl.map(evs)).toEqual([['R[LKR]l', 'W[LKW]l'], ['R[LF]l']]);
    expect(tl.map((p) => p.regs.get('r0'))).toEqual([{ k: 'c', v: 1 }, { k: 'c', v: 0 }]);
    const il = paths('int r0 = spin_is_locked(l); if (r0) WRITE_ONCE(*x, 1);', 'spinlock_t *l, int *x');
    expect(il.map(evs)).toEqual([['R[RL]l', 'W[once]x'], ['R[RU]l']]);
    // The branch depends on the RL event: a control dependency.
    expect(il[0].ctrl).toEqual([[0, 1]]);
  });
});

describe('SRCU', () => {
  it('6.12: srcu_read_lock is a read and srcu_read_unlock a write carrying its value', () => {
    const [p] = paths('int r0 = srcu_read_lock(s); srcu_read_unlock(s, r0); synchronize_srcu(s);', 'struct srcu_struct *s');
    expect(evs(p)).toEqual(['R[srcu-lock]s', 'W[srcu-unlock]s', 'F[sync-srcu]s']);
    expect(p.data).toEqual([[0, 1]]);
  });
  it('6.1: all three are __srcu events on the srcu_struct, the unlock carrying the lock value', () => {
    const [p] = paths('int r0 = srcu_read_lock(s); srcu_read_unlock(s, r0); synchronize_srcu(s);', 'struct srcu_struct *s', d61);
    expect(evs(p)).toEqual(['F[srcu-lock]s', 'F[srcu-unlock]s', 'F[sync-srcu]s']);
    expect(p.events[0].value).toEqual(p.events[1].value);
    expect(p.events.every((e) => e.srcu)).toBe(true);
  });
});

describe('control flow and dependencies', () => {
  it('if forks on a read value, with ctrl only into the branch taken', () => {
    const ps = paths('int r0 = READ_ONCE(*x); if (r0 == 1) { WRITE_ONCE(*y, 1); } WRITE_ONCE(*y, 2);');
    expect(ps.map(evs)).toEqual([
      ['R[once]x', 'W[once]y', 'W[once]y'],
      ['R[once]x', 'W[once]y'],
    ]);
    expect(ps[0].ctrl).toEqual([[0, 1]]);
    expect(ps[1].ctrl).toEqual([]);
  });
  it('a pointer read from memory is resolved per location, with an address dependency', () => {
    const ps = paths('int *r0 = READ_ONCE(*x); int r1 = READ_ONCE(*r0);', 'int **x, int *y');
    expect(ps.map((p) => p.events[1].loc)).toEqual(['x', 'y']);
    expect(ps.every((p) => p.addr.length === 1 && p.addr[0][0] === 0 && p.addr[0][1] === 1)).toBe(true);
  });
  it('a loop unrolls up to the bound, then the path is cut off', () => {
    const ps = paths('while (READ_ONCE(*x) == 0) { WRITE_ONCE(*y, 1); }', 'int *x, int *y', d12, 2);
    expect(ps.map((p) => evs(p).length)).toEqual([5, 5, 3, 1]);
    expect(ps[0].cutoff).toBeDefined();
    expect(ps.slice(1).every((p) => p.cutoff === undefined)).toBe(true);
  });
  it('reports unknown primitives and registers with the line', () => {
    expect(() => paths('\n\tsmp_frob(x);')).toThrow(SimError);
    expect(() => paths('\n\tsmp_frob(x);')).toThrow("t.litmus:6: unknown primitive 'smp_frob'");
    expect(() => paths('WRITE_ONCE(*x, r9);')).toThrow(/unknown register or parameter 'r9'/);
    expect(() => paths('int r0 = READ_ONCE(x);')).toThrow(/bad __load argument/);
  });
});
