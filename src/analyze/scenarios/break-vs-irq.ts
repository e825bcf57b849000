// Scenario 4: virtio_break_device() vs vring_interrupt(): accesses to vq->broken must be ordered or marked (no data race).
import { STATE_LIVE } from '../env/driver.js';
import { Composer, envCallees, envModels, instance } from './compose.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario } from './types.js';

export const breakVsIrq: Scenario = {
  id: 'break-vs-irq',
  number: 4,
  title: 'break vs interrupt',
  property: 'vq->broken written by virtio_break_device() and read by vring_interrupt() never race (LKMM data-race flag)',
  functions: ['virtio_device_ready', '__virtio_unbreak_device', 'virtio_break_device', 'vring_interrupt', 'more_used', 'more_used_split'],
  hardenMatters: true,
  choices: (harden) => [
    instance('buggy device, pci, generic driver', { device: 'buggy', transport: 'pci', driver: 'generic' }, harden),
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c = new Composer(lower);
    const { drv, t, constants, config } = envModels(env);
    const callees = envCallees(c, env, { vq: drv.vqCallback });
    c.vqWithCompletedBuffer(env.harden);
    c.init[drv.stateLoc] = STATE_LIVE;
    c.locTypes[drv.stateLoc] = 'int';
    c.assume('the device went live through virtio_device_ready() on the same CPU, then that CPU breaks it (e.g. a surprise removal)');
    c.thread('virtio_device_ready(); later virtio_break_device()', [
      ...c.call({ fn: 'virtio_device_ready', callees, constants, config }),
      ...c.call({ fn: 'virtio_break_device', callees, constants, config, unroll: 1 }),
    ]);
    const body = c.call({ fn: 'vring_interrupt', callees, constants, config });
    const p1 = c.thread(`vring interrupt (${env.transport}) on another CPU`, c.env(t.deliver(body, 'vring')));
    const spec = c.spec(
      'break-vs-irq',
      [`ringside scenario 4: ${this.title} (${choice.label})`, this.property + '.', 'The condition only selects executions where the callback ran; the verdict is the data-race flag.'],
      `exists (${p1}:rstate=${STATE_LIVE})`,
    );
    return {
      spec,
      functions: c.functions,
      assumptions: c.assumptions,
      unsupported: c.unsupported,
      violation: 'an execution where the write of vq->broken and the interrupt handler\'s access to it are unordered and not both marked',
      flagProperty: 'data-race',
    };
  },
};
