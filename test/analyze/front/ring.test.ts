// The ring protocol functions on the real files (with the uapi ring layout): publication order and the event-index kick decision.
import { describe, expect, it } from 'vitest';
import { C, L, lowerCall, parseCore, printLitmusThread, walkStmts, type LStmt, type LowerOptions } from '../../../src/analyze/c/lower.js';
import { coreFilesWithUapi } from './helpers.js';

function base(extra: Partial<LowerOptions>): LowerOptions {
  return {
    config: { CONFIG_VIRTIO_HARDEN_NOTIFICATION: true },
    instances: { vring_virtqueue: 'vq', virtqueue: 'vq', virtio_device: 'dev' },
    calls: { 'vring_virtqueue.notify': (c) => ({ stmts: [L.writeOnce('dev_kicked', 1, c.site)], value: C(1) }) },
    fixed: { vq_packed_ring: 0, vq_use_dma_api: 0, vq_indirect: 0, vq_weak_barriers: 1, vq_premapped: 0, vq_do_unmap: 0 },
    unroll: 1,
    regPrefix: 'r',
    ...extra,
  };
}

function linear(stmts: LStmt[]): LStmt[] {
  const out: LStmt[] = [];
  walkStmts(stmts, (s) => out.push(s));
  return out;
}

for (const v of ['6.1', '6.12'] as const) {
  describe(`linux ${v} split ring`, () => {
    it('virtqueue_add_split writes the descriptor, then virtio_wmb, then the avail index', async () => {
      const prog = await parseCore(await coreFilesWithUapi(v));
      const low = lowerCall(
        prog,
        'virtqueue_add_split',
        base({
          params: { total_sg: C(1), out_sgs: C(1), in_sgs: C(0), gfp: C(0) },
          keep: (l) => /^vq_split_vring_(desc_len|avail_ring|avail_idx)$|^vq_broken$/.test(l),
        }),
      );
      expect(low.unsupported).toEqual([]);
      const seq = linear(low.stmts).filter((s) => s.k === 'store' || s.k === 'fence');
      const at = (pred: (s: LStmt) => boolean) => seq.findIndex(pred);
      const desc = at((s) => s.k === 'store' && s.loc === 'vq_split_vring_desc_len');
      const wmb = at((s) => s.k === 'fence' && s.prim === 'smp_wmb');
      const idx = at((s) => s.k === 'store' && s.loc === 'vq_split_vring_avail_idx');
      expect(desc).toBeGreaterThanOrEqual(0);
      expect(desc).toBeLessThan(wmb);
      expect(wmb).toBeLessThan(idx);
      expect(seq[wmb].note).toBe('virtio_wmb');
      expect(low.assumptions.some((a) => a.startsWith('virtio_wmb(weak_barriers) → smp_wmb()'))).toBe(true);
      expect(low.assumptions.some((a) => a.startsWith('sliced:') && a.includes('vq_split_desc_extra'))).toBe(true);
    });

    it('virtqueue_get_buf_ctx_split: an out-of-range id from the device breaks the vq (BAD_RING expanded)', async () => {
      const files = await coreFilesWithUapi(v);
      const prog = await parseCore(files);
      const low = lowerCall(prog, 'virtqueue_get_buf_ctx_split', base({ keep: (l) => /^vq_(broken|last_used_idx|split_vring_used_(idx|ring_id)|split_vring_num)$/.test(l) }));
      expect(low.unsupported).toEqual([]);
      const stores = linear(low.stmts).filter((s) => s.k === 'store' && s.loc === 'vq_broken');
      expect(stores.length).toBeGreaterThanOrEqual(1);
      const line = files.get('drivers/virtio/virtio_ring.c')!.split('\n')[stores[0].src!.line - 1];
      expect(line).toContain('BAD_RING(vq, "id %u out of range\\n", i);');
      expect(low.assumptions.some((a) => a.startsWith('macro BAD_RING() expanded'))).toBe(true);
      // The device's used index is read before virtio_rmb, and the used entry after it.
      const seq = linear(low.stmts);
      const idx = seq.findIndex((s) => s.k === 'load' && s.loc === 'vq_split_vring_used_idx');
      const rmb = seq.findIndex((s) => s.k === 'fence' && s.prim === 'smp_rmb');
      const id = seq.findIndex((s) => s.k === 'load' && s.loc === 'vq_split_vring_used_ring_id');
      expect(idx).toBeLessThan(rmb);
      expect(rmb).toBeLessThan(id);
    });

    it('virtqueue_kick_prepare_split with event index: smp_mb, then the avail_event read, and a u16 vring_need_event', async () => {
      const prog = await parseCore(await coreFilesWithUapi(v));
      const low = lowerCall(prog, 'virtqueue_kick_prepare_split', base({ fixed: { ...base({}).fixed, vq_event: 1 } }));
      expect(low.unsupported).toEqual([]);
      const text = printLitmusThread(low.stmts, '', { declare: false }).text.split('\n');
      expect(text[0]).toBe('smp_mb();');
      expect(text.at(-1)).toMatch(/^r\d+ = \*vq_split_vring_avail_event;$/);
      const ev = text.at(-1)!.split(' ')[0];
      const ret = JSON.stringify(low.returnValue);
      expect(ret).toContain(`"name":"${ev}"`);
      expect(ret).toContain('"op":"&"');
      expect(ret).toContain('65535');
      // Without the event index the decision reads the used ring's flags instead.
      const noEvent = lowerCall(prog, 'virtqueue_kick_prepare_split', base({ fixed: { ...base({}).fixed, vq_event: 0 } }));
      expect(noEvent.locations.has('vq_split_vring_used_flags')).toBe(true);
      expect(noEvent.locations.has('vq_split_vring_avail_event')).toBe(false);
    });
  });
}
