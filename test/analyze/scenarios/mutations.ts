// Mutation and harmless patches of the real 6.12 virtio core, as edits; tests turn them into mails at test time.
import type { PatchSpec } from './patchgen.js';

const CORE = 'drivers/virtio/virtio.c';
const RING = 'drivers/virtio/virtio_ring.c';
const CFG = 'include/linux/virtio_config.h';

export interface Mutation extends PatchSpec {
  /** Scenario expected to report the introduced race. */
  scenario: string;
  /** Hardening setting the race needs (undefined: any). */
  harden?: boolean;
  /** Why the mutation cannot be checked yet (its scenario is inconclusive: a front-end gap). */
  pending?: string;
  /** Also check it on the 6.1 core (the edit applies there unchanged). */
  also61?: boolean;
  /** Instances (label prefixes) that must each report it as introduced. */
  instances?: string[];
}

export const MUTATIONS: Mutation[] = [
  {
    scenario: 'reset-vs-vring-irq',
    harden: true,
    subject: 'virtio: drop virtio_synchronize_cbs() from virtio_reset_device()',
    body: 'Breaking the vqs is enough, no need to wait for callbacks.',
    edits: [{ file: CORE, find: '\tvirtio_break_device(dev);\n\tvirtio_synchronize_cbs(dev);\n#endif\n\n\tdev->config->reset(dev);', replace: '\tvirtio_break_device(dev);\n#endif\n\n\tdev->config->reset(dev);' }],
  },
  {
    scenario: 'reset-vs-vring-irq',
    harden: true,
    subject: 'virtio: do not break the device on reset',
    body: 'The transport reset is enough.',
    edits: [{ file: CORE, find: '\tvirtio_break_device(dev);\n\tvirtio_synchronize_cbs(dev);\n#endif\n\n\tdev->config->reset(dev);', replace: '\tvirtio_synchronize_cbs(dev);\n#endif\n\n\tdev->config->reset(dev);' }],
  },
  {
    scenario: 'probe-vs-vring-irq',
    harden: true,
    subject: 'virtio: drop virtio_synchronize_cbs() from virtio_device_ready()',
    body: 'Unbreaking the vqs does not need a synchronization.',
    edits: [{ file: CFG, find: '\tvirtio_synchronize_cbs(dev);\n\t__virtio_unbreak_device(dev);\n#endif', replace: '\t__virtio_unbreak_device(dev);\n#endif' }],
  },
  {
    scenario: 'probe-vs-vring-irq',
    harden: true,
    subject: 'virtio: enable vq callbacks before synchronizing in virtio_device_ready()',
    body: 'Move the driver-visible enable (unbreak) ahead of the synchronization, so the driver setup is committed after callbacks are enabled.',
    edits: [{ file: CFG, find: '\tvirtio_synchronize_cbs(dev);\n\t__virtio_unbreak_device(dev);\n#endif', replace: '\t__virtio_unbreak_device(dev);\n\tvirtio_synchronize_cbs(dev);\n#endif' }],
  },
  {
    scenario: 'probe-vs-vring-irq',
    harden: true,
    subject: 'virtio_ring: run the callback before checking vq->broken',
    body: 'Check for a broken vq only after the callback, to save a branch on the fast path.',
    edits: [
      {
        file: RING,
        find: '\tif (unlikely(vq->broken)) {\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION\n\t\tdev_warn_once(&vq->vq.vdev->dev,\n\t\t\t      "virtio vring IRQ raised before DRIVER_OK");\n\t\treturn IRQ_NONE;\n#else\n\t\treturn IRQ_HANDLED;\n#endif\n\t}\n\n\t/* Just a hint for performance: so it\'s ok that this can be racy! */\n\tif (vq->event)\n\t\tdata_race(vq->event_triggered = true);\n\n\tpr_debug("virtqueue callback for %p (%p)\\n", vq, vq->vq.callback);\n\tif (vq->vq.callback)\n\t\tvq->vq.callback(&vq->vq);\n',
        replace: '\t/* Just a hint for performance: so it\'s ok that this can be racy! */\n\tif (vq->event)\n\t\tdata_race(vq->event_triggered = true);\n\n\tpr_debug("virtqueue callback for %p (%p)\\n", vq, vq->vq.callback);\n\tif (vq->vq.callback)\n\t\tvq->vq.callback(&vq->vq);\n\n\tif (unlikely(vq->broken)) {\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION\n\t\tdev_warn_once(&vq->vq.vdev->dev,\n\t\t\t      "virtio vring IRQ raised before DRIVER_OK");\n\t\treturn IRQ_NONE;\n#else\n\t\treturn IRQ_HANDLED;\n#endif\n\t}\n',
      },
    ],
  },
  {
    scenario: 'device-ready-ordering',
    harden: true,
    subject: 'virtio: set DRIVER_OK before unbreaking the vqs',
    body: 'Tell the device as early as possible.',
    edits: [
      {
        file: CFG,
        find: '\tvirtio_synchronize_cbs(dev);\n\t__virtio_unbreak_device(dev);\n#endif',
        replace: '\tvirtio_synchronize_cbs(dev);\n#endif',
      },
      {
        file: CFG,
        find: '\tdev->config->set_status(dev, status | VIRTIO_CONFIG_S_DRIVER_OK);\n}',
        replace: '\tdev->config->set_status(dev, status | VIRTIO_CONFIG_S_DRIVER_OK);\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION\n\t__virtio_unbreak_device(dev);\n#endif\n}',
      },
    ],
  },
  {
    scenario: 'remove-vs-config-change',
    subject: 'virtio: no need to lock in virtio_config_core_disable()',
    body: 'A bool store is atomic.',
    edits: [
      {
        file: CORE,
        find: 'static void virtio_config_core_disable(struct virtio_device *dev)\n{\n\tspin_lock_irq(&dev->config_lock);\n\tdev->config_core_enabled = false;\n\tspin_unlock_irq(&dev->config_lock);\n}',
        replace: 'static void virtio_config_core_disable(struct virtio_device *dev)\n{\n\tdev->config_core_enabled = false;\n}',
      },
    ],
  },
  {
    scenario: 'remove-vs-config-change',
    subject: 'virtio: call config_changed without the config lock',
    body: 'Drivers may sleep in config_changed.',
    edits: [
      {
        file: CORE,
        find: '\tspin_lock_irqsave(&dev->config_lock, flags);\n\t__virtio_config_changed(dev);\n\tspin_unlock_irqrestore(&dev->config_lock, flags);',
        replace: '\t__virtio_config_changed(dev);',
      },
    ],
  },
  {
    scenario: 'remove-vs-config-change',
    subject: 'virtio: disable config changes after the driver is removed',
    body: 'Keep config changes flowing while the driver tears down.',
    edits: [
      {
        file: CORE,
        find: '\tvirtio_config_core_disable(dev);\n\n\tdrv->remove(dev);\n',
        replace: '\tdrv->remove(dev);\n\n\tvirtio_config_core_disable(dev);\n',
      },
    ],
  },
  {
    scenario: 'ring-protocol',
    subject: 'virtio_ring: drop the write barrier before publishing avail->idx',
    also61: true,
    instances: ['avail publication'],
    body: 'x86 does not reorder stores.',
    edits: [
      {
        file: RING,
        find: '\t/* Descriptors and available array need to be set before we expose the\n\t * new available array entries. */\n\tvirtio_wmb(vq->weak_barriers);\n\tvq->split.avail_idx_shadow++;',
        replace: '\tvq->split.avail_idx_shadow++;',
      },
    ],
  },
  {
    scenario: 'ring-protocol',
    subject: 'virtio_ring: drop the read barrier in virtqueue_get_buf_ctx_split()',
    body: 'The used index read is a dependency already.',
    edits: [
      {
        file: RING,
        find: '\t/* Only get used array entries after they have been exposed by host. */\n\tvirtio_rmb(vq->weak_barriers);\n\n\tlast_used = (vq->last_used_idx & (vq->split.vring.num - 1));',
        replace: '\tlast_used = (vq->last_used_idx & (vq->split.vring.num - 1));',
      },
    ],
  },
  {
    scenario: 'notification-suppression',
    subject: 'virtio_ring: drop the full barrier in the split kick decision',
    also61: true,
    instances: ['VRING_USED_F_NO_NOTIFY', 'avail event index'],
    body: 'A write barrier is cheaper.',
    edits: [
      {
        file: RING,
        find: '\t/* We need to expose available array entries before checking avail\n\t * event. */\n\tvirtio_mb(vq->weak_barriers);\n\n\told = vq->split.avail_idx_shadow - vq->num_added;',
        replace: '\told = vq->split.avail_idx_shadow - vq->num_added;',
      },
    ],
  },
];

/** More mutations (acceptance asks for 12 that report). */
MUTATIONS.push(
  {
    scenario: 'remove-vs-config-change',
    subject: 'virtio: deliver config changes whenever the driver has not disabled them',
    body: 'Only the driver decides.',
    edits: [{ file: CORE, find: '\tif (!dev->config_core_enabled || dev->config_driver_disabled)\n\t\tdev->config_change_pending = true;', replace: '\tif (dev->config_driver_disabled)\n\t\tdev->config_change_pending = true;' }],
  },
  {
    scenario: 'reset-vs-vring-irq',
    harden: true,
    subject: 'virtio: synchronize callbacks before breaking the device on reset',
    body: 'Flush first, then break.',
    edits: [{ file: CORE, find: '\tvirtio_break_device(dev);\n\tvirtio_synchronize_cbs(dev);\n#endif\n\n\tdev->config->reset(dev);', replace: '\tvirtio_synchronize_cbs(dev);\n\tvirtio_break_device(dev);\n#endif\n\n\tdev->config->reset(dev);' }],
  },
  {
    scenario: 'notification-suppression',
    subject: 'virtio_ring: plain store of the used event index in enable_cb_delayed',
    body: 'The barrier is not needed on x86.',
    edits: [
      {
        file: RING,
        find: '\tvirtio_store_mb(vq->weak_barriers,\n\t\t\t&vring_used_event(&vq->split.vring),\n\t\t\tcpu_to_virtio16(_vq->vdev, vq->last_used_idx + bufs));',
        replace: '\tvring_used_event(&vq->split.vring) =\n\t\t\tcpu_to_virtio16(_vq->vdev, vq->last_used_idx + bufs);',
      },
    ],
  },
  {
    scenario: 'device-ready-ordering',
    harden: true,
    subject: 'virtio: leave unbreaking the vqs to the transport',
    body: 'virtio_device_ready() no longer unbreaks the vqs.',
    edits: [{ file: CFG, find: '\tvirtio_synchronize_cbs(dev);\n\t__virtio_unbreak_device(dev);\n#endif', replace: '\tvirtio_synchronize_cbs(dev);\n#endif' }],
  },
);

/** Patches that change nothing a scenario can observe. */
export const HARMLESS: PatchSpec[] = [
  {
    subject: 'virtio_ring: clarify a comment in vring_interrupt()',
    body: 'Comment only.',
    edits: [{ file: RING, find: '\t/* Just a hint for performance: so it\'s ok that this can be racy! */', replace: '\t/* Only a performance hint, so a racy update is fine. */' }],
  },
  {
    subject: 'virtio: rename a local in virtio_device_ready()',
    body: 'Rename status to st.',
    edits: [
      { file: CFG, find: '\tunsigned status = dev->config->get_status(dev);\n\n\tWARN_ON(status & VIRTIO_CONFIG_S_DRIVER_OK);', replace: '\tunsigned st = dev->config->get_status(dev);\n\n\tWARN_ON(st & VIRTIO_CONFIG_S_DRIVER_OK);' },
      { file: CFG, find: '\tdev->config->set_status(dev, status | VIRTIO_CONFIG_S_DRIVER_OK);\n}', replace: '\tdev->config->set_status(dev, st | VIRTIO_CONFIG_S_DRIVER_OK);\n}' },
    ],
  },
  {
    subject: 'virtio_ring: update the free list before the free count',
    body: 'Reorder two independent stores to the vq before the avail index is published.',
    edits: [
      {
        file: RING,
        find: '\t/* We\'re using some buffers from the free list. */\n\tvq->vq.num_free -= descs_used;\n\n\t/* Update free pointer */\n\tif (indirect)\n\t\tvq->free_head = vq->split.desc_extra[head].next;\n\telse\n\t\tvq->free_head = i;\n',
        replace: '\t/* Update free pointer */\n\tif (indirect)\n\t\tvq->free_head = vq->split.desc_extra[head].next;\n\telse\n\t\tvq->free_head = i;\n\n\t/* We\'re using some buffers from the free list. */\n\tvq->vq.num_free -= descs_used;\n',
      },
    ],
  },
  {
    subject: 'virtio: add a debug message to virtio_reset_device()',
    body: 'pr_debug only.',
    edits: [{ file: CORE, find: '#endif\n\n\tdev->config->reset(dev);\n}', replace: '#endif\n\n\tpr_debug("virtio: resetting device %d\\n", dev->index);\n\tdev->config->reset(dev);\n}' }],
  },
  {
    subject: 'virtio: blank line cleanup in virtio_config_changed()',
    body: 'Whitespace.',
    edits: [{ file: CORE, find: '\tunsigned long flags;\n\n\tspin_lock_irqsave(&dev->config_lock, flags);\n\t__virtio_config_changed(dev);', replace: '\tunsigned long flags;\n\tspin_lock_irqsave(&dev->config_lock, flags);\n\t__virtio_config_changed(dev);' }],
  },
  {
    subject: 'virtio_ring: comment the broken check in virtqueue_get_buf_ctx_split()',
    body: 'Comment only.',
    edits: [
      {
        file: RING,
        find: '\t/* Only get used array entries after they have been exposed by host. */\n\tvirtio_rmb(vq->weak_barriers);\n\n\tlast_used',
        replace: '\t/* Only get used array entries after they have been exposed by host:\n\t * pairs with the device\'s write barrier before used->idx. */\n\tvirtio_rmb(vq->weak_barriers);\n\n\tlast_used',
      },
    ],
  },
];
