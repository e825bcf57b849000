// Printing lowered statements as a herd C litmus thread body, with the line map back to C.
import { describe, expect, it } from 'vitest';
import { C, L, R, printLitmusThread, type LStmt } from '../../../src/analyze/c/lower.js';

describe('printLitmusThread', () => {
  const a = { file: 'drivers/virtio/virtio_ring.c', line: 10 };
  const b = { file: 'drivers/virtio/virtio_ring.c', line: 11 };
  const stmts: LStmt[] = [
    L.readOnce('r10', 'vq_broken', a),
    L.if({ k: 'bin', op: '==', l: R('r10'), r: C(0) }, [], [L.storeRelease('dev_status', { k: 'bin', op: '|', l: R('r2'), r: C(4) }, b)], a),
    { k: 'rmw', reg: 'r2', prim: 'atomic_add_return', loc: 'cnt', args: [C(1)], locArg: 1, src: b },
    { k: 'rmw', reg: 'r3', prim: 'xchg_acquire', loc: 'sl', args: [C(1)], locArg: 0, src: b },
    L.lock('dev_config_lock', b),
    L.plainWrite('vq_event_triggered', 1, b),
    L.fence('smp_mb', b),
  ];

  it('declares registers, writes each primitive in the .def form, and maps lines back to C', () => {
    const { text, lineMap } = printLitmusThread(stmts, '  ');
    expect(text.split('\n')).toEqual([
      '  int r2;',
      '  int r3;',
      '  int r10;',
      '  r10 = READ_ONCE(*vq_broken);',
      '  if (r10 != 0) {',
      '  \tsmp_store_release(dev_status, r2 | 4);',
      '  }',
      '  r2 = atomic_add_return(1, cnt);',
      '  r3 = xchg_acquire(sl, 1);',
      '  spin_lock(dev_config_lock);',
      '  *vq_event_triggered = 1;',
      '  smp_mb();',
    ]);
    expect(lineMap).toEqual([undefined, undefined, undefined, a, a, b, undefined, b, b, b, b, b]);
  });

  it('can leave out declarations and add source comments', () => {
    const { text } = printLitmusThread(stmts.slice(0, 1), 0, { declare: false, comments: true });
    expect(text).toBe('r10 = READ_ONCE(*vq_broken); /* virtio_ring.c:10 */');
  });
});
