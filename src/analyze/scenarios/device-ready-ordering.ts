// Scenario 5: the device sees DRIVER_OK only after the driver's setup, and its first interrupt is not lost.
import { STATE_UNSET } from '../env/driver.js';
import { STATUS } from '../env/transport.js';
import { Composer, envCallees, envModels, instance } from './compose.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario } from './types.js';

export const deviceReadyOrdering: Scenario = {
  id: 'device-ready-ordering',
  number: 5,
  title: 'device_ready ordering',
  property:
    'a trusted device that reads DRIVER_OK and then interrupts gets the vq callback run, and the callback sees the driver setup (no lost notification, no early use)',
  functions: ['virtio_device_ready', 'virtio_synchronize_cbs', '__virtio_unbreak_device', 'vring_interrupt', 'more_used', 'more_used_split'],
  hardenMatters: true,
  choices: (harden) => [
    instance('trusted device, pci, generic driver', { device: 'trusted', transport: 'pci', driver: 'generic' }, harden),
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c = new Composer(lower);
    const { drv, dev, t, constants, config } = envModels(env);
    const callees = envCallees(c, env, { vq: drv.vqCallback });
    const assumeMarked = ['vq->broken'];
    c.assume(drv.description);
    for (const a of dev.assumptions) c.assume(a);
    c.vqWithCompletedBuffer(env.harden);
    c.init.dev_status = STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK;
    c.assume('the status register holds ACKNOWLEDGE|DRIVER|FEATURES_OK before virtio_device_ready(); set_status writes DRIVER_OK (4) for the device to test');
    const p0 = c.thread('probe: driver setup, then virtio_device_ready()', [
      ...c.env(drv.setup()),
      ...c.call({ fn: 'virtio_device_ready', callees: { ...callees, 'virtio_config_ops.set_status': () => t.setStatus(String(STATUS.DRIVER_OK)) }, constants, config, assumeMarked }),
    ]);
    void p0;
    const entry = dev.handlerEntry(1);
    const body = [...entry.lines, ...c.call({ fn: 'vring_interrupt', callees, constants, config, assumeMarked })];
    const p1 = c.thread(`vring interrupt (${env.transport}) on another CPU`, c.env(t.deliver(body, 'vring')));
    const p2 = c.thread('trusted device', c.env(dev.thread!('driver-ok')));
    const spec = c.spec(
      'device-ready-ordering',
      [`ringside scenario 5: ${this.title} (${choice.label})`, this.property + '.', `Bad outcome: the device saw DRIVER_OK and interrupted, but the callback on P${p1} did not run or saw unset state.`],
      `exists (${p2}:rdev_status=${STATUS.DRIVER_OK} /\\ ${p1}:rirq=1 /\\ (${p1}:rstate=0 \\/ ${p1}:rstate=${STATE_UNSET}))`,
    );
    return { spec, functions: c.functions, assumptions: c.assumptions, unsupported: c.unsupported, violation: 'the device saw DRIVER_OK and raised its interrupt, but the callback was skipped (lost notification) or saw unset state' };
  },
};
