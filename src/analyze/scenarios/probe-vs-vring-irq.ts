// Scenario 1: driver setup between find_vqs and virtio_device_ready must be visible to any vq callback.
import { STATE_UNSET } from '../env/driver.js';
import { Composer, envCallees, envModels, instance } from './compose.js';
import { ONE_ENTRY_RING } from './split-ring.js';
import { joinSnippets } from '../env/types.js';
import type { LLine } from './litmus-builder.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario } from './types.js';

/** What the drain of a malicious device's used ring keeps: the used ring and index, the vq state get_buf checks. */
const DRAIN_FIELDS = ['vq->split.vring.used->idx', 'vq->split.vring.used->ring', 'vq->last_used_idx', 'vq->broken', 'vq->split.desc_state'];

export const probeVsVringIrq: Scenario = {
  id: 'probe-vs-vring-irq',
  number: 1,
  title: 'probe vs vring interrupt',
  property: 'a vq callback never reads driver state that probe has not yet set up (setup between find_vqs and virtio_device_ready)',
  functions: ['virtio_device_ready', 'virtio_synchronize_cbs', '__virtio_unbreak_device', 'vring_interrupt', 'more_used', 'more_used_split'],
  hardenMatters: true,
  choices: (harden) => [
    instance('buggy device, pci, virtio_scsi-like driver', { device: 'buggy', transport: 'pci', driver: 'scsi-event' }, harden),
    instance('malicious device (bogus used index before DRIVER_OK), pci, virtio_scsi-like driver', { device: 'malicious', transport: 'pci', driver: 'scsi-event' }, harden),
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c = new Composer(lower);
    const { drv, dev, t, constants, config } = envModels(env);
    // Against a malicious device the callback also drains the used ring with the real
    // virtqueue_get_buf_ctx_split(), as virtscsi_vq_done() does, so the witness shows what the
    // fabricated index leads to.
    let drain: (() => LLine[]) | undefined;
    const vqCallback = env.device === 'malicious' ? (reg: string) => joinSnippets(drv.vqCallback(reg), { lines: drain!(), locs: {} }) : drv.vqCallback;
    const callees = envCallees(c, env, { vq: vqCallback });
    const assumeMarked = ['vq->broken'];
    drain = () =>
      c.call({
        fn: 'virtqueue_get_buf_ctx_split',
        callees,
        constants: { ...constants, ...ONE_ENTRY_RING, 'vq->do_unmap': 0 },
        config,
        keepFields: DRAIN_FIELDS,
        ret: 'rbuf',
        assumeMarked: [...assumeMarked, 'vq->split.vring.used->idx', 'vq->split.vring.used->ring.id', 'vq->split.vring.used->ring.len'],
      });
    c.assume(drv.description);
    for (const a of dev.assumptions) c.assume(a);
    // The device has completed a buffer, so more_used() is true when the interrupt arrives.
    c.vqWithCompletedBuffer(env.harden);
    Object.assign(c.init, dev.init);
    c.assume(`vq->broken starts ${env.harden ? 'true' : 'false'} as __vring_new_virtqueue sets it (find_vqs ran before this point)`);
    const probe = [
      ...c.env(drv.setup()),
      ...c.call({ fn: 'virtio_device_ready', callees, constants, config, assumeMarked }),
    ];
    const p0 = c.thread('probe: driver setup, then virtio_device_ready()', probe);
    const entry = dev.handlerEntry(1);
    const body = [...entry.lines, ...c.call({ fn: 'vring_interrupt', callees, constants, config, assumeMarked })];
    const p1 = c.thread(`vring interrupt (${env.transport}) on another CPU`, c.env(t.deliver(body, 'vring')));
    if (dev.thread) c.thread('device', c.env(dev.thread('driver-ok')));
    void p0;
    const cond = [`${p1}:rstate=${STATE_UNSET}`, ...(entry.condition ? [entry.condition] : [])].join(' /\\ ');
    const spec = c.spec(
      'probe-vs-vring-irq',
      [
        `ringside scenario 1: ${this.title} (${choice.label})`,
        this.property + '.',
        `Bad outcome: the callback on P${p1} reads the driver state while it is still unset (${STATE_UNSET}).`,
      ],
      `exists (${cond})`,
    );
    return {
      spec,
      functions: c.functions,
      assumptions: c.assumptions,
      unsupported: c.unsupported,
      violation: `the vq callback ran and read driver state that probe had not set up yet`,
    };
  },
};
