// Device behaviours: when a trusted, buggy or malicious device may raise vring/config interrupts and what the handler then finds.
import type { LLine } from '../scenarios/litmus-builder.js';
import { envLine, type DeviceKind, type EnvSnippet } from './types.js';
import { STATUS } from './transport.js';

export const DEVICE_DESCRIPTION: Record<DeviceKind, string> = {
  trusted:
    'trusted device: raises a vring/config interrupt only after it has read DRIVER_OK from the status register, and none after reset',
  buggy:
    'buggy device: may raise vring/config interrupts at any time after request_irq (before DRIVER_OK, during and after reset), with well-formed rings',
  malicious:
    'malicious device: interrupts at any time after request_irq and arbitrary used-ring contents (used index already advanced)',
};

/**
 * The device side of "an interrupt arrives". A trusted device is a thread that polls the status
 * register and raises the interrupt (a release store the handler's entry reads with acquire, like the
 * MSI write the CPU takes the interrupt on); buggy and malicious devices need no thread: the handler
 * may start at any point of the other threads' executions.
 */
export interface DeviceModel {
  kind: DeviceKind;
  /** Device thread, if the device must be modelled as an actor (trusted: gated on DRIVER_OK). */
  thread?: (gate: 'driver-ok' | 'not-reset') => EnvSnippet;
  /** Lines at the top of the handler body that receive the interrupt; and the condition conjunct it needs. */
  handlerEntry: (handlerThread: number) => { lines: LLine[]; condition?: string };
  /** Initial values for device-written memory the handler reads (used ring index). */
  init: Record<string, number>;
  assumptions: string[];
}

export function deviceModel(kind: DeviceKind): DeviceModel {
  const assumptions = [DEVICE_DESCRIPTION[kind]];
  if (kind === 'trusted') {
    return {
      kind,
      thread: (gate) => ({
        lines: [
          envLine('device', 'device polls status', 'rdev_status = READ_ONCE(*dev_status);', 0, 'the device reads its status register'),
          envLine(
            'device',
            'device raises interrupt',
            gate === 'driver-ok' ? `if (rdev_status == ${STATUS.DRIVER_OK}) {` : 'if (rdev_status != 0) {',
          ),
          envLine('device', 'device raises interrupt', 'smp_store_release(irq_raised, 1);', 0, 'MSI write / interrupt line raised'),
          envLine('device', 'device raises interrupt', '}'),
        ],
        locs: { dev_status: 'int', irq_raised: 'int' },
      }),
      handlerEntry: (t) => ({
        lines: [envLine('irq', 'interrupt taken', 'rirq = smp_load_acquire(irq_raised);', 0, 'the CPU takes the interrupt the device raised')],
        condition: `${t}:rirq=1`,
      }),
      init: {},
      assumptions,
    };
  }
  return {
    kind,
    handlerEntry: () => ({ lines: [] }),
    init: {},
    assumptions,
  };
}
