// Hand-checked lowerings of the 6.12 virtio-core functions the scenarios call: a cross-check for the real front-end's output.
import type { LLine } from '../../../src/analyze/scenarios/litmus-builder.js';
import { flattenLoc } from '../../../src/analyze/scenarios/lowering.js';
import type { CoreLowerer, LowerRequest, LoweredCall } from '../../../src/analyze/scenarios/types.js';

const L = (text: string, fn: string, line: number, file = 'drivers/virtio/virtio_ring.c'): LLine => ({
  text,
  site: { origin: 'core', file, line, fn, code: text },
});

type Variant = { readyAcquire?: 'none' | 'once' | 'acquire'; noSyncInReady?: boolean; noSyncInReset?: boolean };

/**
 * The 6.12 functions written out by hand (what lowering should produce). `variant` lets tests
 * describe the seed series' states without the front-end.
 */
export function handLowerer(variant: Variant = {}): CoreLowerer {
  const loc = flattenLoc;
  const lower = (req: LowerRequest): LoweredCall => {
    const p = req.regPrefix;
    const h = req.config.CONFIG_VIRTIO_HARDEN_NOTIFICATION;
    const lines: LLine[] = [];
    const locs: LoweredCall['locs'] = {};
    const use = (...names: string[]) => names.forEach((n) => (locs[n] = n.endsWith('lock') ? 'spinlock_t' : 'int'));
    const callee = (name: string, args: string[] = [], ret?: string) => {
      const f = req.callees[name];
      if (!f) return;
      const s = f(args, ret);
      lines.push(...s.lines);
      Object.assign(locs, s.locs);
    };
    const broken = loc('vq->broken');
    const used = loc('vq->split.vring.used->idx');
    const last = loc('vq->last_used_idx');
    const soft = loc('dev->irq_soft_enabled');
    switch (req.fn) {
      case 'vring_interrupt': {
        use(broken, used, last);
        if (variant.readyAcquire && variant.readyAcquire !== 'none') {
          use(soft);
          lines.push(L(variant.readyAcquire === 'acquire' ? `${p}soft = smp_load_acquire(${soft});` : `${p}soft = READ_ONCE(*${soft});`, 'virtio_irq_soft_enabled', 212, 'include/linux/virtio_config.h'));
          lines.push(L(`if (${p}soft != 0) {`, 'vring_interrupt', 2607));
        }
        lines.push(L(`${p}last = *${last};`, 'more_used_split', 819));
        lines.push(L(`${p}used = *${used};`, 'more_used_split', 820));
        lines.push(L(`if (${p}last != ${p}used) {`, 'vring_interrupt', 2607));
        const marked = (req.assumeMarked ?? []).includes('vq->broken');
        lines.push(L(marked ? `${p}broken = READ_ONCE(*${broken});` : `${p}broken = *${broken};`, 'vring_interrupt', 2612));
        lines.push(L(`if (${p}broken == 0) {`, 'vring_interrupt', 2612));
        callee('virtqueue.callback');
        lines.push({ text: '}' }, { text: '}' });
        if (variant.readyAcquire && variant.readyAcquire !== 'none') lines.push({ text: '}' });
        break;
      }
      case 'virtio_device_ready': {
        const F = 'include/linux/virtio_config.h';
        callee('virtio_config_ops.get_status', ['dev'], `${p}status`);
        if (h) {
          if (!variant.noSyncInReady) {
            if (req.callees['virtio_config_ops.synchronize_cbs']) callee('virtio_config_ops.synchronize_cbs', ['dev']);
            else lines.push(L('synchronize_rcu();', 'virtio_synchronize_cbs', 259, F));
          }
          use(broken, 'vqs_list_lock');
          lines.push(L('spin_lock(vqs_list_lock);', '__virtio_unbreak_device', 3078));
          lines.push(L(`WRITE_ONCE(*${broken}, 0);`, '__virtio_unbreak_device', 3085));
          lines.push(L('spin_unlock(vqs_list_lock);', '__virtio_unbreak_device', 3087));
          if (variant.readyAcquire && variant.readyAcquire !== 'none') {
            use(soft);
            lines.push(L(`smp_store_release(${soft}, 1);`, 'virtio_device_ready', 287, F));
          }
        }
        callee('virtio_config_ops.set_status', ['dev', `${p}status | 4`]);
        break;
      }
      case 'virtio_reset_device': {
        const F = 'drivers/virtio/virtio.c';
        if (h) {
          if (variant.readyAcquire && variant.readyAcquire !== 'none') {
            use(soft);
            lines.push(L(`WRITE_ONCE(*${soft}, 0);`, 'virtio_reset_device', 256, F));
          }
          use(broken, 'vqs_list_lock');
          lines.push(L('spin_lock(vqs_list_lock);', 'virtio_break_device', 3058));
          lines.push(L(`WRITE_ONCE(*${broken}, 1);`, 'virtio_break_device', 3063));
          lines.push(L('spin_unlock(vqs_list_lock);', 'virtio_break_device', 3065));
          if (!variant.noSyncInReset) {
            if (req.callees['virtio_config_ops.synchronize_cbs']) callee('virtio_config_ops.synchronize_cbs', ['dev']);
            else lines.push(L('synchronize_rcu();', 'virtio_synchronize_cbs', 259, 'include/linux/virtio_config.h'));
          }
        }
        callee('virtio_config_ops.reset', ['dev']);
        break;
      }
      case 'virtio_break_device': {
        use(broken, 'vqs_list_lock');
        lines.push(L('spin_lock(vqs_list_lock);', 'virtio_break_device', 3058));
        lines.push(L(`WRITE_ONCE(*${broken}, 1);`, 'virtio_break_device', 3063));
        lines.push(L('spin_unlock(vqs_list_lock);', 'virtio_break_device', 3065));
        break;
      }
      default:
        return { lines: [], locs: {}, init: {}, functions: [], assumptions: [], unsupported: [`${req.fn}: not hand-lowered`] };
    }
    return { lines, locs, init: {}, functions: [{ fn: req.fn, file: 'drivers/virtio/virtio_ring.c', start: 0, end: 0 }], assumptions: [], unsupported: [] };
  };
  return { lower, loc, locate: () => undefined };
}
