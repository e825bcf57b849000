// Scenario 3: config_changed never runs while the driver is being removed (or is not ready).
import { STATE_LIVE, STATE_UNSET } from '../env/driver.js';
import { Composer, envCallees, envModels, instance } from './compose.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario } from './types.js';

export const removeVsConfigChange: Scenario = {
  id: 'remove-vs-config-change',
  number: 3,
  title: 'remove vs config change',
  property: 'drv->config_changed() never runs once virtio_dev_remove() has disabled config reporting, so remove may free what it uses',
  functions: ['virtio_dev_remove', 'virtio_config_core_disable', 'virtio_config_disable', 'virtio_config_changed', '__virtio_config_changed', 'virtio_reset_device', 'virtio_add_status'],
  hardenMatters: false,
  choices: (harden) => [
    instance('buggy device, pci, generic driver', { device: 'buggy', transport: 'pci', driver: 'generic' }, harden),
  ],
  build(choice: InstanceChoice, lower: CoreLowerer): BuiltScenario {
    const { env } = choice;
    const c = new Composer(lower);
    const { drv, t, constants, config } = envModels(env);
    const assumeMarked = ['vq->broken'];
    const callees = envCallees(c, env, { config: drv.configChanged });
    // drv->remove: the driver resets the device (core) and frees its state.
    callees['virtio_driver.remove'] = () => ({
      lines: [...c.call({ fn: 'virtio_reset_device', callees, constants, config, assumeMarked, unroll: 1 }), ...c.env(drv.teardown())],
      locs: {},
    });
    c.assume(drv.description);
    c.assume('buggy device: a config interrupt may arrive at any time');
    c.init[lower.loc('dev->config_core_enabled')] = 1;
    c.init[lower.loc('dev->config_enabled')] = 1; // 6.1 and earlier: one flag
    c.init[lower.loc('dev->config_change_pending')] = 0;
    c.init[drv.stateLoc] = STATE_LIVE;
    c.locTypes[drv.stateLoc] = 'int';
    c.assume('the driver is bound and probed: config reporting enabled by the core, driver state live');
    c.thread('virtio_dev_remove()', c.call({ fn: 'virtio_dev_remove', callees, constants, config, assumeMarked, unroll: 1 }));
    const body = c.call({ fn: 'virtio_config_changed', callees, constants, config, assumeMarked });
    const p1 = c.thread(`config interrupt (${env.transport}) on another CPU`, c.env(t.deliver(body, 'config')));
    const spec = c.spec(
      'remove-vs-config-change',
      [`ringside scenario 3: ${this.title} (${choice.label})`, this.property + '.', `Bad outcome: config_changed on P${p1} reads freed driver state.`],
      `exists (${p1}:rstate=${STATE_UNSET})`,
    );
    return { spec, functions: c.functions, assumptions: c.assumptions, unsupported: c.unsupported, violation: 'config_changed ran during/after remove and read freed driver state' };
  },
};
