// Scenario 6: avail/used ring publication (virtio_wmb before the index store, virtio_rmb after the index load) between driver and device.
import { ringDevice } from '../env/device.js';
import { Composer, envCallees, envConfig, envConstants, instance } from './compose.js';
import { ADD_CONSTANTS, ADD_PARAMS, BUF_LEN, ONE_ENTRY_RING } from './split-ring.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario } from './types.js';

const STALE = 9;

/** Ring fields the slice keeps: the rest of add/get_buf (DMA mapping, stats, debug) is dropped. */

const RING_FIELDS = [
  'vq->split.vring.avail->idx',
  'vq->split.vring.avail->ring',
  'vq->split.vring.desc',
  'vq->split.vring.used->idx',
  'vq->split.vring.used->ring',
  'vq->split.avail_idx_shadow',
  'vq->last_used_idx',
  'vq->free_head',
  'vq->split.desc_state',
  'vq->broken',
];

/**
 * What the avail-publication slice keeps: the ring entry, the index, the descriptor length the
 * device reads, and the driver's bookkeeping the control flow depends on. The descriptor's DMA
 * address (an out-parameter of the mapping), flags and next link are dropped.
 */
const ADD_FIELDS = [
  'vq->split.vring.avail->idx',
  'vq->split.vring.avail->ring',
  'vq->split.vring.desc.len',
  'vq->split.avail_idx_shadow',
  'vq->vq.num_free',
  'vq->free_head',
  'vq->broken',
];

export const ringProtocol: Scenario = {
  id: 'ring-protocol',
  number: 6,
  title: 'ring protocol',
  property:
    'the device never sees a new avail index with a stale ring entry, and the driver never reads a used entry older than the used index it saw',
  functions: ['virtqueue_add_split', 'virtqueue_add_desc_split', 'virtqueue_get_buf_ctx_split', 'more_used_split', 'detach_buf_split'],
  hardenMatters: false,
  choices: (harden) => [
    instance('avail publication, trusted device, split ring', { device: 'trusted', transport: 'pci', driver: 'generic' }, harden),
    instance('used publication, trusted device, split ring', { device: 'trusted', transport: 'pci', driver: 'generic' }, harden),
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c = new Composer(lower);
    const callees = envCallees(c, env);
    const constants = envConstants(ONE_ENTRY_RING);
    const config = envConfig(env);
    c.assume('split ring of one entry, one buffer with one descriptor, no indirect descriptors, no DMA API; the slice keeps ring fields, barriers and the control flow they depend on');
    // The ring fields are device-shared memory the driver accesses with plain C; the protocol's
    // question is ordering (the barriers), so those accesses are taken as marked.
    const assumeMarked = ['vq->split.vring.avail->idx', 'vq->split.vring.avail->ring', 'vq->split.vring.used->idx', 'vq->split.vring.used->ring.id', 'vq->split.vring.used->ring.len', 'vq->split.vring.desc.addr', 'vq->split.vring.desc.len', 'vq->split.vring.desc.flags', 'vq->split.vring.desc.next'];
    c.assume('the driver\'s plain accesses to ring memory shared with the device are taken as marked (no tearing of aligned 16/32-bit fields): the question is their ordering');
    const availIdx = lower.loc('vq->split.vring.avail->idx');
    const usedIdx = lower.loc('vq->split.vring.used->idx');
    if (choice.label.startsWith('avail')) {
      const ring0 = lower.loc('vq->split.vring.avail->ring');
      const descLen = lower.loc('vq->split.vring.desc.len');
      // One free descriptor (index 0) the buffer goes into; the ring entry and the descriptor hold
      // stale values from an earlier use of the slot.
      c.init[lower.loc('vq->vq.num_free')] = 1;
      c.init[lower.loc('vq->free_head')] = 0;
      c.init[ring0] = STALE;
      c.init[descLen] = STALE;
      c.assume(`the buffer is one out scatterlist entry of length ${BUF_LEN} (driver-private memory, a constant); its DMA address is not modelled (no DMA API: sg_phys() has no shared effect)`);
      c.assume('a one-entry ring: avail->ring[0] and desc[0] are single locations; add and get loops run once');
      c.thread(
        'driver: virtqueue_add_split()',
        c.call({ fn: 'virtqueue_add_split', params: ADD_PARAMS, callees, constants: { ...constants, ...ADD_CONSTANTS }, config, keepFields: ADD_FIELDS, unroll: 1, assumeMarked }),
      );
      const dev = c.thread('device: reads avail index, then the ring entry and the descriptor', c.env(ringDevice.consumeAvail({ availIdx, ring0, descLen })));
      const spec = c.spec(
        'ring-protocol-avail',
        [
          `ringside scenario 6: ${this.title} (${choice.label})`,
          this.property + '.',
          `Bad outcome: the device sees avail->idx = 1 but the stale ring entry or the stale descriptor length (${STALE}).`,
        ],
        `exists (${dev}:rdev_idx=1 /\\ (${dev}:rdev_head=${STALE} \\/ ${dev}:rdev_len=${STALE}))`,
      );
      return { spec, functions: c.functions, assumptions: c.assumptions, unsupported: c.unsupported, violation: 'the device saw the new avail index before the ring entry or descriptor it publishes' };
    }
    const id0 = lower.loc('vq->split.vring.used->ring.id');
    c.init[id0] = STALE;
    c.init[lower.loc('vq->broken')] = 0;
    c.init[lower.loc('vq->split.desc_state.data')] = 1;
    c.thread('device: writes used->ring[0], then publishes used->idx', c.env(ringDevice.publishUsed({ usedId: id0, usedIdx })));
    const drvLines = c.call({ fn: 'virtqueue_get_buf_ctx_split', callees, constants, config, keepFields: RING_FIELDS, unroll: 1, ret: 'rbuf', assumeMarked });
    const drv = c.thread('driver: virtqueue_get_buf_ctx_split()', drvLines);
    const idxReg = c.regReading(drvLines, usedIdx);
    if (!idxReg) c.unsupported.push('virtqueue_get_buf_ctx_split: no read of the used index after lowering');
    const spec = c.spec(
      'ring-protocol-used',
      [`ringside scenario 6: ${this.title} (${choice.label})`, this.property + '.', `Bad outcome: the driver sees used->idx = 1 but reads the stale used entry id (${STALE}) and returns no buffer (BAD_RING).`],
      `exists (${drv}:${idxReg}=1 /\\ ${drv}:rbuf=0)`,
    );
    return { spec, functions: c.functions, assumptions: c.assumptions, unsupported: c.unsupported, violation: 'the driver read a used entry older than the used index it saw (BAD_RING on a correct device)' };
  },
};
