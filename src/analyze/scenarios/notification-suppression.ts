// Scenario 7: the kick decision vs the device re-enabling notifications: a store-buffering shape that needs virtio_mb.
import { ringDevice } from '../env/device.js';
import { Composer, envCallees, envConfig, envConstants, instance } from './compose.js';
import { ADD_CONSTANTS, ADD_PARAMS, BUF_LEN, ONE_ENTRY_RING } from './split-ring.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, LowerRequest, Scenario } from './types.js';


const RING_FIELDS = [
  'vq->split.vring.avail->idx',
  'vq->split.vring.avail->ring',
  'vq->split.vring.used->flags',
  'vq->split.vring.avail_event',
  'vq->split.avail_idx_shadow',
  'vq->num_added',
  'vq->vq.num_free',
  'vq->free_head',
  'vq->broken',
];

export const notificationSuppression: Scenario = {
  id: 'notification-suppression',
  number: 7,
  title: 'notification suppression',
  property:
    'no lost notification: if the device re-enables notifications and then finds no new buffer, the driver that published one decides to kick',
  functions: ['virtqueue_add_split', 'virtqueue_add_desc_split', 'virtqueue_kick_prepare_split', 'virtqueue_kick_prepare', 'virtqueue_enable_cb_delayed_split'],
  hardenMatters: false,
  choices: (harden) => [
    instance('VRING_USED_F_NO_NOTIFY (no event index), trusted device', { device: 'trusted', transport: 'pci', driver: 'generic' }, harden),
    instance('avail event index (kick suppression), trusted device', { device: 'trusted', transport: 'pci', driver: 'generic' }, harden),
    instance('used event index (interrupt suppression), trusted device', { device: 'trusted', transport: 'pci', driver: 'generic' }, harden),
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c: Composer = new Composer(lower);
    const callees = envCallees(c, env);
    const constants = envConstants(ONE_ENTRY_RING);
    const config = envConfig(env);
    if (choice.label.startsWith('used event')) return usedEvent(this, choice, c, lower, callees, constants, config);
    return kickSide(this, choice, c, lower, callees, constants, config, choice.label.startsWith('avail event'));
  },
};

/** Stale kick-suppression state: NO_NOTIFY set, or avail_event 9 ("kick me once avail->idx passes 9"). */
const STALE_AVAIL_EVENT = 9;

/**
 * The kick side: the driver adds a buffer and decides whether to kick (virtio_mb, then used->flags
 * or avail_event); the device re-enables notifications, full barrier, re-checks avail->idx. Bad:
 * no kick and the device saw no new buffer (store buffering).
 */
function kickSide(
  sc: Scenario,
  choice: InstanceChoice,
  c: Composer,
  lower: CoreLowerer,
  callees: LowerRequest['callees'],
  constants: Record<string, number>,
  config: Record<string, boolean>,
  event: boolean,
): BuiltScenario {
  const availIdx = lower.loc('vq->split.vring.avail->idx');
  const assumeMarked = ['vq->split.vring.avail->idx', 'vq->split.vring.avail->ring', 'vq->split.vring.used->flags', 'vq->split.vring.avail_event'];
  c.assume('the driver\'s plain accesses to ring memory shared with the device are taken as marked: the question is their ordering');
  // One free descriptor; the device was busy and has consumed nothing new yet.
  c.init[lower.loc('vq->vq.num_free')] = 1;
  c.init[lower.loc('vq->free_head')] = 0;
  c.assume(`the buffer is one out scatterlist entry of length ${BUF_LEN} (a constant); descriptor contents, its DMA address and statistics are sliced away (scenario 6 covers them)`);
  let dev: number;
  const add = { ...constants, ...ADD_CONSTANTS, 'vq->event': event ? 1 : 0 };
  const drv = c.thread('driver: virtqueue_add_split(), then virtqueue_kick_prepare_split()', [
    ...c.call({ fn: 'virtqueue_add_split', params: ADD_PARAMS, callees, constants: add, config, keepFields: RING_FIELDS, unroll: 1, assumeMarked }),
    ...c.call({ fn: 'virtqueue_kick_prepare_split', callees, constants: add, config, keepFields: RING_FIELDS, ret: 'rkick', assumeMarked }),
  ]);
  if (event) {
    const ev = lower.loc('vq->split.vring.avail_event');
    c.init[ev] = STALE_AVAIL_EVENT;
    c.assume(`VIRTIO_RING_F_EVENT_IDX: the device last asked for a kick once avail->idx passes ${STALE_AVAIL_EVENT}, and now publishes avail_event = 0 (it consumed everything), then re-checks avail->idx`);
    dev = c.thread('device: publishes avail_event, then re-checks avail->idx', c.env(ringDevice.reenableNotify({ store: ev, value: 0, availIdx, what: 'publishes avail_event' })));
  } else {
    const flags = lower.loc('vq->split.vring.used->flags');
    c.init[flags] = 1;
    c.assume('no VIRTIO_RING_F_EVENT_IDX (the used->flags path): the device was busy (NO_NOTIFY set) and now clears it, then re-checks avail->idx once more (the spec\'s required re-check)');
    dev = c.thread('device: clears NO_NOTIFY, then re-checks avail->idx', c.env(ringDevice.reenableNotify({ store: flags, value: 0, availIdx, what: 'clears VRING_USED_F_NO_NOTIFY' })));
  }
  const spec = c.spec(
    event ? 'notification-suppression-avail-event' : 'notification-suppression',
    [`ringside scenario 7: ${sc.title} (${choice.label})`, sc.property + '.', 'Bad outcome: the driver decides not to kick and the device misses the new buffer (store buffering).'],
    `exists (${drv}:rkick=0 /\\ ${dev}:rdev_idx=0)`,
  );
  return { spec, functions: c.functions, assumptions: c.assumptions, unsupported: c.unsupported, violation: 'the driver skipped the kick while the device went idle without seeing the new buffer' };
}

/** Stale event index the driver last published: "no interrupt until used->idx passes 9". */
const STALE_EVENT = 9;

/**
 * The interrupt side: virtqueue_enable_cb_delayed_split() publishes used_event (virtio_store_mb)
 * and re-reads used->idx; the device publishes used->idx, full barrier, and reads used_event to
 * decide whether to interrupt. Bad: the driver saw nothing new (returns true, waits for an
 * interrupt) and the device saw the stale event index (no interrupt): a lost wakeup.
 */
function usedEvent(
  sc: Scenario,
  choice: InstanceChoice,
  c: Composer,
  lower: CoreLowerer,
  callees: LowerRequest['callees'],
  constants: Record<string, number>,
  config: Record<string, boolean>,
): BuiltScenario {
  const usedIdx = lower.loc('vq->split.vring.used->idx');
  // vring_used_event() (avail->ring[num]) is its own location in the front-end's flattening.
  const usedEventLoc = lower.loc('vq->split.vring.used_event');
  const assumeMarked = ['vq->split.vring.used_event', 'vq->split.vring.used->idx', 'vq->split.vring.avail->flags'];
  c.assume('used event index: one outstanding buffer (avail_idx_shadow 1, last_used_idx 0); vring_used_event() is one location');
  c.assume('the driver\'s plain accesses to ring memory shared with the device are taken as marked: the question is their ordering');
  c.init[usedEventLoc] = STALE_EVENT;
  c.init[lower.loc('vq->split.avail_idx_shadow')] = 1;
  c.init[lower.loc('vq->last_used_idx')] = 0;
  const drv = c.thread(
    'driver: virtqueue_enable_cb_delayed_split()',
    c.call({ fn: 'virtqueue_enable_cb_delayed_split', callees, constants: { ...constants, 'vq->event': 1 }, config, ret: 'rcb', assumeMarked }),
  );
  const dev = c.thread('device: publishes used->idx, then reads used_event', c.env(ringDevice.publishUsedCheckEvent({ usedIdx, usedEvent: usedEventLoc })));
  const spec = c.spec(
    'notification-suppression-used-event',
    [
      `ringside scenario 7: ${sc.title} (${choice.label})`,
      'no lost interrupt: if the driver re-enabled callbacks and saw no new used buffer, the device sees the new event index and interrupts.',
      `Bad outcome: the driver returns true (nothing pending) and the device reads the stale used_event (${STALE_EVENT}).`,
    ],
    `exists (${drv}:rcb=1 /\\ ${dev}:rdev_event=${STALE_EVENT})`,
  );
  return { spec, functions: c.functions, assumptions: c.assumptions, unsupported: c.unsupported, violation: 'the driver re-enabled callbacks and saw nothing new, while the device saw the stale event index and did not interrupt (lost wakeup)' };
}
