// Scenario 2: after virtio_reset_device() returns no callback is running or will run, so teardown is safe.
import { STATE_LIVE, STATE_UNSET } from '../env/driver.js';
import { Composer, envCallees, envModels, instance } from './compose.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario } from './types.js';

export const resetVsVringIrq: Scenario = {
  id: 'reset-vs-vring-irq',
  number: 2,
  title: 'reset vs vring interrupt',
  property: 'after virtio_reset_device() returns, no vq callback is running or will run, so the driver may free what callbacks use',
  functions: ['virtio_device_ready', '__virtio_unbreak_device', 'virtio_reset_device', 'virtio_break_device', 'virtio_synchronize_cbs', 'vring_interrupt', 'more_used', 'more_used_split'],
  hardenMatters: true,
  choices: (harden) => [
    instance('buggy device, mmio, generic driver', { device: 'buggy', transport: 'mmio', driver: 'generic' }, harden),
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c = new Composer(lower);
    const { drv, dev, t, constants, config } = envModels(env);
    const callees = envCallees(c, env, { vq: drv.vqCallback });
    const assumeMarked = ['vq->broken'];
    c.assume(drv.description);
    for (const a of dev.assumptions) c.assume(a);
    // The device goes live through the patched virtio_device_ready() on the same CPU first, so
    // whatever state a series adds is set the way the series sets it.
    c.vqWithCompletedBuffer(env.harden);
    c.init[drv.stateLoc] = STATE_LIVE;
    c.assume('probe finished: the driver state is set up and virtio_device_ready() ran on the remove CPU before remove starts');
    c.assume('virtio_break_device() walks the device\'s vq list: one vq (list loop unrolled once)');
    const remove = [
      ...c.call({ fn: 'virtio_device_ready', callees, constants, config, assumeMarked }),
      ...c.call({ fn: 'virtio_reset_device', callees, constants, config, assumeMarked, unroll: 1 }),
      ...c.env(drv.teardown()),
    ];
    c.locTypes[drv.stateLoc] = 'int';
    c.thread('virtio_device_ready(); later remove: virtio_reset_device(), free driver state', remove);
    const entry = dev.handlerEntry(1);
    const body = [...entry.lines, ...c.call({ fn: 'vring_interrupt', callees, constants, config, assumeMarked })];
    const p1 = c.thread(`vring interrupt (${env.transport}) on another CPU`, c.env(t.deliver(body, 'vring')));
    if (dev.thread) c.thread('device', c.env(dev.thread('not-reset')));
    const cond = [`${p1}:rstate=${STATE_UNSET}`, ...(entry.condition ? [entry.condition] : [])].join(' /\\ ');
    const spec = c.spec(
      'reset-vs-vring-irq',
      [
        `ringside scenario 2: ${this.title} (${choice.label})`,
        this.property + '.',
        `Bad outcome: the callback on P${p1} reads driver state that remove already freed (${STATE_UNSET}).`,
      ],
      `exists (${cond})`,
    );
    return {
      spec,
      functions: c.functions,
      assumptions: c.assumptions,
      unsupported: c.unsupported,
      violation: 'a vq callback ran after virtio_reset_device() returned and used freed driver state',
    };
  },
};
