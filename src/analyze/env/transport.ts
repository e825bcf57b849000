// Transport models (pci, mmio, ccw, none): how each delivers interrupts, synchronizes callbacks, resets and writes status.
import type { LLine } from '../scenarios/litmus-builder.js';
import { irqExit, lowerApi } from '../c/primitives.js';
import { printStmtHead } from '../c/print.js';
import { envLine, type EnvSnippet, type TransportName } from './types.js';

/**
 * What a transport contributes to a scenario. The kernel facts behind each entry:
 * - pci (virtio_pci_common.c/virtio_pci_modern.c): synchronize_cbs = vp_synchronize_vectors, which calls
 *   synchronize_irq() on the INTx line or on every MSI-X vector; reset writes status 0, polls it back
 *   and then calls vp_synchronize_vectors; set_status is an iowrite8 to the common config.
 * - mmio (virtio_mmio.c): synchronize_cbs = vm_synchronize_cbs = synchronize_irq() on the one platform
 *   irq; reset is a single writel(0) to the status register (no synchronisation); set_status is a
 *   writel. The vm_interrupt handler reads/acks the interrupt status, then calls virtio_config_changed
 *   and vring_interrupt for each vq.
 * - ccw (arch/s390 virtio_ccw.c, public source): synchronize_cbs takes and drops the write side of the
 *   per-device irq_lock (or the airq indicator lock), whose read side the interrupt handler holds around
 *   vring_interrupt(); reset and set_status are channel programs the driver waits for (serialising).
 * - rcu-fallback: a transport without synchronize_cbs, so virtio_synchronize_cbs() falls back to
 *   synchronize_rcu(); a hard-irq handler is an RCU read-side critical section (true since v5.0).
 */
export interface TransportModel {
  name: TransportName;
  /** The transport's own file in the tree, when it is one of the extracted ones. */
  file?: string;
  /** dev->config->synchronize_cbs(dev) (undefined: the op is absent, virtio_synchronize_cbs falls back). */
  synchronizeCbs?: () => EnvSnippet;
  /** dev->config->reset(dev). */
  reset: () => EnvSnippet;
  /** dev->config->set_status(dev, value): the device-visible status write. */
  setStatus: (value: string) => EnvSnippet;
  /** Wraps an interrupt handler body as this transport's irq delivery runs it on another CPU. */
  deliver: (body: LLine[], what: 'vring' | 'config') => EnvSnippet;
  assumptions: string[];
}

/**
 * Interrupt delivery: the handler runs on another CPU as an RCU read-side critical section (hard-irq
 * handlers are, since v5.0). The irq-descriptor handshake at entry (it pairs with request_irq) is left
 * out: every scenario starts after request_irq, so it adds executions and no ordering.
 */
function hardIrq(model: string, body: LLine[], what: string): EnvSnippet {
  return {
    lines: [
      envLine(model, `${what} interrupt entry`, 'rcu_read_lock();', 0, 'hard-irq handlers are RCU read-side sections (v5.0+)'),
      ...body,
      ...irqExit({ file: `env:${model}`, line: 0 }).map((s) => envLine(model, `${what} interrupt exit`, printStmtHead(s))),
    ],
    locs: {},
  };
}

/** synchronize_irq(), as the primitive table maps it (waits for every handler in progress). */
function syncIrq(model: string, fn: string, line = 0): EnvSnippet {
  const stmts = lowerApi('synchronize_irq', { site: { file: `env:${model}`, line }, irqDescLock: 'irq_desc_lock' }) ?? [];
  const lines = stmts.map((s) => envLine(model, fn, printStmtHead(s), line, 'synchronize_irq(): wait until no handler is in progress'));
  const locs: EnvSnippet['locs'] = {};
  for (const s of stmts) if (s.k === 'lock') locs[s.loc] = 'spinlock_t';
  return { lines, locs };
}

/** A handler serialised by a lock the transport's synchronize_cbs takes (ccw's irq_lock). */
function lockedIrq(model: string, lock: string, body: LLine[], what: string, why: string): EnvSnippet {
  return {
    lines: [
      envLine(model, `${what} interrupt entry`, 'rcu_read_lock();', 0, 'hard-irq handlers are RCU read-side sections (v5.0+)'),
      envLine(model, `${what} interrupt entry`, `spin_lock(${lock});`, 0, why),
      ...body,
      envLine(model, `${what} interrupt exit`, `spin_unlock(${lock});`),
      envLine(model, `${what} interrupt exit`, 'rcu_read_unlock();'),
    ],
    locs: { [lock]: 'spinlock_t' },
  };
}

/**
 * Status register writes (writel/iowrite8). The kernel orders MMIO writes after the CPU's earlier
 * memory writes as seen by the device and by everything the device then causes (its interrupt on
 * another CPU): a cumulative ordering, so the write is modelled as a release store. LKMM's
 * smp_wmb() is not A-cumulative and would let a CPU taking the device's interrupt miss writes the
 * device had to see — a false alarm on real hardware (arm64 uses a DSB/DMB before MMIO).
 */
function ioStatusWrite(model: string, fn: string, value: string, line = 0): EnvSnippet {
  return {
    lines: [envLine(model, fn, `smp_store_release(dev_status, ${value});`, line, `device status register := ${value} (MMIO write, ordered after earlier memory writes)`)],
    locs: { dev_status: 'int' },
  };
}

export const STATUS = { ACKNOWLEDGE: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8 } as const;

export function transportModel(name: TransportName): TransportModel {
  switch (name) {
    case 'pci':
      return {
        name,
        file: 'drivers/virtio/virtio_pci_common.c',
        synchronizeCbs: () => syncIrq('pci', 'vp_synchronize_vectors'),
        reset: () => ({
          lines: [
            envLine('pci', 'vp_reset', 'WRITE_ONCE(*dev_status, 0);', 0, 'vp_modern_set_status(mdev, 0), then poll until it reads 0'),
            ...syncIrq('pci', 'vp_reset: vp_synchronize_vectors').lines,
          ],
          locs: { dev_status: 'int' },
        }),
        setStatus: (v) => ioStatusWrite('pci', 'vp_set_status', v),
        deliver: (body, what) => hardIrq('pci', body, what),
        assumptions: [
          'pci: one vector serves the vq (INTx or one MSI-X vector); vp_dev->lock in vp_vring_interrupt is not modelled (no other scenario thread takes it)',
        ],
      };
    case 'mmio':
      return {
        name,
        file: 'drivers/virtio/virtio_mmio.c',
        synchronizeCbs: () => syncIrq('mmio', 'vm_synchronize_cbs'),
        reset: () => ({
          lines: [envLine('mmio', 'vm_reset', 'WRITE_ONCE(*dev_status, 0);', 0, 'writel(0, STATUS): no synchronisation with handlers')],
          locs: { dev_status: 'int' },
        }),
        setStatus: (v) => ioStatusWrite('mmio', 'vm_set_status', v),
        deliver: (body, what) => hardIrq('mmio', body, what),
        assumptions: ['mmio: the single platform irq serves config and vring interrupts; the interrupt status register read/ack is not modelled'],
      };
    case 'ccw':
      return {
        name,
        synchronizeCbs: () => ({
          lines: [
            envLine('ccw', 'virtio_ccw_synchronize_cbs', 'spin_lock(ccw_irq_lock);', 0, 'write_lock_irq(&vcdev->irq_lock)'),
            envLine('ccw', 'virtio_ccw_synchronize_cbs', 'spin_unlock(ccw_irq_lock);', 0, 'write_unlock_irq(&vcdev->irq_lock)'),
          ],
          locs: { ccw_irq_lock: 'spinlock_t' },
        }),
        reset: () => ({
          lines: [
            envLine('ccw', 'virtio_ccw_reset', 'smp_mb();', 0, 'a channel program is issued and waited for (serialising)'),
            envLine('ccw', 'virtio_ccw_reset', 'WRITE_ONCE(*dev_status, 0);', 0, 'CCW_CMD_VDEV_RESET'),
          ],
          locs: { dev_status: 'int' },
        }),
        setStatus: (v) => ({
          lines: [
            envLine('ccw', 'virtio_ccw_set_status', 'smp_mb();', 0, 'CCW_CMD_WRITE_STATUS channel program (serialising)'),
            envLine('ccw', 'virtio_ccw_set_status', `WRITE_ONCE(*dev_status, ${v});`),
          ],
          locs: { dev_status: 'int' },
        }),
        deliver: (body, what) =>
          lockedIrq('ccw', 'ccw_irq_lock', body, what, 'virtio_ccw_int_handler holds read_lock(&vcdev->irq_lock) around vring_interrupt (modelled as a spinlock: one handler)'),
        assumptions: ['ccw: the irq_lock rwlock is modelled as a spinlock (a single handler thread, so no reader/reader concurrency is lost)'],
      };
    case 'rcu-fallback':
      return {
        name,
        synchronizeCbs: undefined,
        reset: () => ({
          lines: [envLine('rcu-fallback', 'reset', 'WRITE_ONCE(*dev_status, 0);', 0, 'status := 0, no synchronisation')],
          locs: { dev_status: 'int' },
        }),
        setStatus: (v) => ioStatusWrite('rcu-fallback', 'set_status', v),
        deliver: (body, what) => ({
          lines: [
            envLine('rcu-fallback', `${what} interrupt entry`, 'rcu_read_lock();', 0, 'hard-irq handlers are RCU read-side sections (v5.0+)'),
            ...body,
            envLine('rcu-fallback', `${what} interrupt exit`, 'rcu_read_unlock();'),
          ],
          locs: {},
        }),
        assumptions: ['transport without synchronize_cbs: virtio_synchronize_cbs() falls back to synchronize_rcu()'],
      };
  }
}

/**
 * Checks the facts the pci and mmio models rest on against the tree's own transport files and returns
 * the mismatches (a tree whose transports changed gets its scenarios marked with them).
 */
export function checkTransportFacts(read: (path: string) => string | undefined): string[] {
  const issues: string[] = [];
  const fnBody = (text: string, name: string): string | undefined => {
    const i = text.search(new RegExp(`\\b${name}\\s*\\([^;{]*\\)\\s*\\{`));
    if (i < 0) return undefined;
    const open = text.indexOf('{', i);
    let depth = 0;
    for (let j = open; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) return text.slice(open, j + 1);
    }
    return undefined;
  };
  const pci = read('drivers/virtio/virtio_pci_common.c');
  const pciSync = pci && fnBody(pci, 'vp_synchronize_vectors');
  if (!pciSync || !pciSync.includes('synchronize_irq')) issues.push('pci: vp_synchronize_vectors() no longer calls synchronize_irq()');
  const mmio = read('drivers/virtio/virtio_mmio.c');
  const mmioSync = mmio && fnBody(mmio, 'vm_synchronize_cbs');
  if (!mmioSync || !mmioSync.includes('synchronize_irq')) issues.push('mmio: vm_synchronize_cbs() no longer calls synchronize_irq()');
  const mmioReset = mmio && fnBody(mmio, 'vm_reset');
  if (mmioReset && mmioReset.includes('synchronize')) issues.push('mmio: vm_reset() now synchronises; the model assumes it does not');
  return issues;
}
