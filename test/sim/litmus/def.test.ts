// Unit tests of the .def macro reader and expansion, on the kernel's own linux-kernel.def files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefError, expandExprCall, expandStmtCall, parseDef } from '../../../src/sim/def.js';
import type { Expr } from '../../../src/sim/litmus/ast.js';
import { modelDir } from './helpers.js';

const id = (name: string): Expr => ({ k: 'id', name, pos: { line: 1, col: 1 } });
const deref = (e: Expr): Expr => ({ k: 'deref', e, pos: { line: 1, col: 1 } });

describe('linux-kernel.def', () => {
  it('reads 6.12 and 6.1, which differ on SRCU', async () => {
    const d12 = parseDef(readFileSync(join(await modelDir('6.12'), 'linux-kernel.def'), 'utf8'));
    const d61 = parseDef(readFileSync(join(await modelDir('6.1'), 'linux-kernel.def'), 'utf8'));
    expect(d12.macros.size).toBeGreaterThan(80);
    expect(d12.macros.get('srcu_read_lock')).toMatchObject({ kind: 'expr', body: { k: 'prim', name: '__load', tag: 'srcu-lock' } });
    expect(d61.macros.get('srcu_read_lock')).toMatchObject({ kind: 'expr', body: { k: 'prim', name: '__srcu', tag: 'srcu-lock' } });
    expect(d12.macros.has('srcu_down_read')).toBe(true);
    expect(d61.macros.has('srcu_down_read')).toBe(false);
    expect(d12.macros.get('smp_store_mb')).toMatchObject({
      kind: 'stmt',
      body: [{ k: 'expr', e: { k: 'prim', name: '__store' } }, { k: 'expr', e: { k: 'prim', name: '__fence', tag: 'mb' } }],
    });
    expect(d12.macros.get('smp_mb__after_unlock_lock')).toMatchObject({ body: [{ e: { tag: 'after-unlock-lock' } }] });
    expect(d12.macros.get('atomic_dec_and_test')).toMatchObject({
      kind: 'expr',
      body: { k: 'bin', op: '==', a: { k: 'prim', name: '__atomic_op_return', args: [{ k: 'id' }, { k: 'opArg', op: '-' }, { k: 'num', v: 1 }] } },
    });
  });

  it('expands expression and statement macros, nested ones one level at a time', async () => {
    const d = parseDef(readFileSync(join(await modelDir('6.12'), 'linux-kernel.def'), 'utf8'));
    const ar = expandExprCall(d, 'atomic_read', [id('v')]);
    expect(ar).toMatchObject({ k: 'call', name: 'READ_ONCE', args: [{ k: 'deref', e: { k: 'id', name: 'v' } }] });
    const ro = expandExprCall(d, 'READ_ONCE', [deref(id('v'))]);
    expect(ro).toMatchObject({ k: 'prim', name: '__load', tag: 'once', args: [{ k: 'deref', e: { name: 'v' } }] });
    const sr = expandStmtCall(d, 'smp_store_release', [id('x'), id('r0')]);
    expect(sr).toMatchObject([{ k: 'expr', e: { k: 'prim', name: '__store', tag: 'release', args: [{ k: 'deref' }, { k: 'id', name: 'r0' }] } }]);
    expect(expandExprCall(d, 'READ_ONCE', [])).toBe('READ_ONCE takes 1 argument, given 0');
    expect(expandExprCall(d, 'no_such_macro', [])).toBeUndefined();
    expect(expandExprCall(d, 'smp_mb', [])).toMatch(/statement macro/);
  });

  it('reports a malformed macro line with its line number', () => {
    expect(() => parseDef('// c\nREAD_ONCE(X __load{once}(X)\n', 'bad.def')).toThrow(DefError);
    expect(() => parseDef('// c\nREAD_ONCE(X __load{once}(X)\n', 'bad.def')).toThrow(/bad.def:2:/);
  });
});
