// Scenario 7: the kick decision vs the device re-enabling notifications: a store-buffering shape that needs virtio_mb.
import { envLine } from '../env/types.js';
import { Composer, envCallees, envConfig, envConstants } from './compose.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, LowerRequest, Scenario } from './types.js';

/** One buffer of one out descriptor, no context. */
const ADD_PARAMS = { total_sg: 1, out_sgs: 1, in_sgs: 0 };

const RING_FIELDS = [
  'vq->split.vring.avail->idx',
  'vq->split.vring.avail->ring',
  'vq->split.vring.desc',
  'vq->split.vring.used->flags',
  'vq->split.avail_idx_shadow',
  'vq->num_added',
  'vq->free_head',
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
    { label: `VRING_USED_F_NO_NOTIFY (no event index), trusted device, hardening ${harden ? 'on' : 'off'}`, env: { device: 'trusted', transport: 'pci', driver: 'generic', harden } },
    { label: `used event index (interrupt suppression), trusted device, hardening ${harden ? 'on' : 'off'}`, env: { device: 'trusted', transport: 'pci', driver: 'generic', harden } },
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c: Composer = new Composer(lower);
    const callees = envCallees(c, env);
    const constants = envConstants(env, { 'vq->indirect': 0, 'vq->split.vring.num': 1, 'vq->use_dma_api': 0, 'vq->weak_barriers': 1 });
    const config = envConfig(env);
    c.assume('split ring of one entry without VIRTIO_RING_F_EVENT_IDX (the used->flags path); the event-index path has the same shape');
    c.assume('the device was busy (NO_NOTIFY set) and now re-enables notifications, then checks avail->idx once more (the spec\'s required re-check)');
    const assumeMarked = ['vq->split.vring.avail->idx', 'vq->split.vring.avail->ring', 'vq->split.vring.used->flags', 'vq->split.vring.desc.addr', 'vq->split.vring.desc.len', 'vq->split.vring.desc.flags', 'vq->split.vring.desc.next'];
    c.assume('the driver\'s plain accesses to ring memory shared with the device are taken as marked: the question is their ordering');
    if (choice.label.startsWith('used event')) return usedEvent(this, choice, c, lower, callees, constants, config);
    const availIdx = lower.loc('vq->split.vring.avail->idx');
    const flags = lower.loc('vq->split.vring.used->flags');
    c.init[flags] = 1;
    c.locTypes[availIdx] = 'int';
    c.locTypes[flags] = 'int';
    const drv = c.thread('driver: virtqueue_add_split(), then virtqueue_kick_prepare_split()', [
      ...c.call({ fn: 'virtqueue_add_split', params: ADD_PARAMS, callees, constants, config, keepFields: RING_FIELDS, unroll: 1, assumeMarked }),
      ...c.call({ fn: 'virtqueue_kick_prepare_split', callees, constants, config, keepFields: RING_FIELDS, ret: 'rkick', assumeMarked }),
    ]);
    const dev = c.thread('device: clears NO_NOTIFY, then re-checks avail->idx', [
      envLine('device', 'device re-enables notifications', `WRITE_ONCE(*${flags}, 0);`),
      envLine('device', 'device full barrier', 'smp_mb();', 0, 'the device side of the protocol (virtio spec: re-check after enabling)'),
      envLine('device', 'device re-checks avail->idx', `rdev_idx = READ_ONCE(*${availIdx});`),
    ]);
    const spec = c.spec(
      'notification-suppression',
      [`ringside scenario 7: ${this.title} (${choice.label})`, this.property + '.', 'Bad outcome: the driver decides not to kick and the device misses the new buffer (store buffering).'],
      `exists (${drv}:rkick=0 /\\ ${dev}:rdev_idx=0)`,
    );
    return { spec, functions: c.functions, assumptions: c.assumptions, unsupported: c.unsupported, violation: 'the driver skipped the kick while the device went idle without seeing the new buffer' };
  },
};

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
  c.locTypes[usedEventLoc] = 'int';
  c.locTypes[usedIdx] = 'int';
  const drv = c.thread(
    'driver: virtqueue_enable_cb_delayed_split()',
    c.call({ fn: 'virtqueue_enable_cb_delayed_split', callees, constants: { ...constants, 'vq->event': 1 }, config, ret: 'rcb', assumeMarked }),
  );
  const dev = c.thread('device: publishes used->idx, then reads used_event', [
    envLine('device', 'device publishes used->idx', `WRITE_ONCE(*${usedIdx}, 1);`),
    envLine('device', 'device full barrier', 'smp_mb();', 0, 'virtio spec: the device reads used_event after publishing used->idx'),
    envLine('device', 'device reads used_event', `rdev_event = READ_ONCE(*${usedEventLoc});`),
  ]);
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
