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
  if (kind === 'malicious') {
    return {
      kind,
      handlerEntry: () => ({ lines: [] }),
      // used->idx says BOGUS_USED buffers are done although the driver added none, and the used
      // entry names a descriptor id outside the ring: the device wrote them before DRIVER_OK.
      init: { vq_split_vring_used_idx: BOGUS_USED, vq_split_vring_used_ring_id: BOGUS_USED },
      assumptions: [...assumptions, `malicious device: before DRIVER_OK it sets used->idx = ${BOGUS_USED} and used->ring[0].id = ${BOGUS_USED} (no buffer was added) and raises vring interrupts at any time`],
    };
  }
  return {
    kind,
    handlerEntry: () => ({ lines: [] }),
    init: {},
    assumptions,
  };
}

/** The used index and entry id a malicious device fabricates (the driver added no buffer). */
export const BOGUS_USED = 7;

/**
 * The device's half of the split-ring protocol (virtio spec 2.7), as thread bodies over the flattened
 * ring locations. The device is a CPU thread on coherent memory: its read barrier after an index
 * load is an acquire, its write barrier before an index store a release, and the spec's "full
 * barrier" between re-enabling notifications and re-checking the ring is smp_mb().
 */
export const ringDevice = {
  /** Reads avail->idx, then the ring entry it covers and the descriptor that entry names (one-entry ring). */
  consumeAvail(l: { availIdx: string; ring0: string; descLen: string }): EnvSnippet {
    return {
      lines: [
        envLine('device', 'device reads avail->idx', `rdev_idx = smp_load_acquire(${l.availIdx});`, 0, 'the device reads the avail index, then (read barrier) the entries it covers'),
        envLine('device', 'device reads avail->ring[0]', `rdev_head = READ_ONCE(*${l.ring0});`),
        envLine('device', 'device reads desc[head].len', `rdev_len = READ_ONCE(*${l.descLen});`),
      ],
      locs: { [l.availIdx]: 'int', [l.ring0]: 'int', [l.descLen]: 'int' },
      assumptions: ['trusted device: reads avail->idx, then (ordered) the ring entry and the descriptor it names'],
    };
  },
  /** Writes used->ring[0].id, then publishes used->idx (write barrier before the index). */
  publishUsed(l: { usedId: string; usedIdx: string }, id = 0): EnvSnippet {
    return {
      lines: [
        envLine('device', 'device writes used->ring[0].id', `WRITE_ONCE(*${l.usedId}, ${id});`),
        envLine('device', 'device publishes used->idx', `smp_store_release(${l.usedIdx}, 1);`, 0, 'the device writes the used entry, then (write barrier) the used index'),
      ],
      locs: { [l.usedId]: 'int', [l.usedIdx]: 'int' },
    };
  },
  /**
   * The device finished its work and re-enables driver notifications (clears VRING_USED_F_NO_NOTIFY,
   * or publishes avail_event = the index it has consumed up to), full barrier, then re-checks
   * avail->idx once more (the spec's required re-check before going idle).
   */
  reenableNotify(l: { store: string; value: number; availIdx: string; what: string }): EnvSnippet {
    return {
      lines: [
        envLine('device', `device ${l.what}`, `WRITE_ONCE(*${l.store}, ${l.value});`),
        envLine('device', 'device full barrier', 'smp_mb();', 0, 'virtio spec: a full barrier between re-enabling notifications and re-checking the ring'),
        envLine('device', 'device re-checks avail->idx', `rdev_idx = READ_ONCE(*${l.availIdx});`),
      ],
      locs: { [l.store]: 'int', [l.availIdx]: 'int' },
      assumptions: ['trusted device: re-enables notifications, full barrier, re-checks avail->idx before going idle'],
    };
  },
  /** Publishes used->idx, full barrier, reads used_event to decide whether to interrupt. */
  publishUsedCheckEvent(l: { usedIdx: string; usedEvent: string }): EnvSnippet {
    return {
      lines: [
        envLine('device', 'device publishes used->idx', `WRITE_ONCE(*${l.usedIdx}, 1);`),
        envLine('device', 'device full barrier', 'smp_mb();', 0, 'virtio spec: the device reads used_event after publishing used->idx'),
        envLine('device', 'device reads used_event', `rdev_event = READ_ONCE(*${l.usedEvent});`),
      ],
      locs: { [l.usedIdx]: 'int', [l.usedEvent]: 'int' },
    };
  },
};
