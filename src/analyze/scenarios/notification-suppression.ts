// Scenario 7: the kick decision vs the device re-enabling notifications: a store-buffering shape that needs virtio_mb.
import { envLine } from '../env/types.js';
import { Composer, envCallees, envConfig, envConstants } from './compose.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario } from './types.js';

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
  functions: ['virtqueue_add_split', 'virtqueue_add_desc_split', 'virtqueue_kick_prepare_split', 'virtqueue_kick_prepare'],
  hardenMatters: false,
  choices: (harden) => [
    { label: `VRING_USED_F_NO_NOTIFY (no event index), trusted device, hardening ${harden ? 'on' : 'off'}`, env: { device: 'trusted', transport: 'pci', driver: 'generic', harden } },
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c = new Composer(lower);
    const callees = envCallees(c, env);
    const constants = envConstants(env, { 'vq->indirect': 0, 'vq->split.vring.num': 1, 'vq->use_dma_api': 0, 'vq->weak_barriers': 1 });
    const config = envConfig(env);
    c.assume('split ring of one entry without VIRTIO_RING_F_EVENT_IDX (the used->flags path); the event-index path has the same shape');
    c.assume('the device was busy (NO_NOTIFY set) and now re-enables notifications, then checks avail->idx once more (the spec\'s required re-check)');
    const assumeMarked = ['vq->split.vring.avail->idx', 'vq->split.vring.avail->ring', 'vq->split.vring.used->flags', 'vq->split.vring.desc.addr', 'vq->split.vring.desc.len', 'vq->split.vring.desc.flags', 'vq->split.vring.desc.next'];
    c.assume('the driver\'s plain accesses to ring memory shared with the device are taken as marked: the question is their ordering');
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
