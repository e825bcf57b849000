// The seed series (modelled on the 2022 vring-IRQ hardening review): v1 reads the ready flag with READ_ONCE, v2 with acquire.
import type { SeriesSpec } from './patchgen.js';

const H = 'include/linux/virtio.h';
const CFG = 'include/linux/virtio_config.h';
const CORE = 'drivers/virtio/virtio.c';
const RING = 'drivers/virtio/virtio_ring.c';

function flagPatch(acquire: boolean) {
  return {
    subject: 'virtio: introduce a per-device callback soft-enable flag',
    body: `Add irq_soft_enabled to struct virtio_device and a helper that tells
whether vq callbacks may run. It is set when the driver is ready and
cleared on reset, so a buggy or malicious device that raises an
interrupt before DRIVER_OK (or after reset) cannot reach the driver.${
      acquire
        ? `

The helper reads the flag with smp_load_acquire(), pairing with the
smp_store_release() in virtio_device_ready(), so a callback that sees
the flag set also sees the driver's setup.`
        : ''
    }`,
    edits: [
      {
        file: H,
        find: ' * @config_lock: protects configuration change reporting\n',
        replace: ' * @irq_soft_enabled: vq callbacks may run (set by virtio_device_ready)\n * @config_lock: protects configuration change reporting\n',
      },
      {
        file: H,
        find: '\tbool config_change_pending;\n\tspinlock_t config_lock;\n',
        replace: '\tbool config_change_pending;\n\tbool irq_soft_enabled;\n\tspinlock_t config_lock;\n',
      },
      {
        file: CFG,
        find: '/**\n * virtio_has_dma_quirk - determine whether this device has the DMA quirk\n',
        replace:
          `/*\n * virtio_irq_soft_enabled - whether vq callbacks may run\n * @vdev: the device\n */\nstatic inline bool virtio_irq_soft_enabled(const struct virtio_device *vdev)\n{\n` +
          (acquire
            ? `\t/* Pairs with smp_store_release() in virtio_device_ready(). */\n\treturn smp_load_acquire(&vdev->irq_soft_enabled);\n`
            : `\treturn READ_ONCE(vdev->irq_soft_enabled);\n`) +
          `}\n\n/**\n * virtio_has_dma_quirk - determine whether this device has the DMA quirk\n`,
      },
    ],
  };
}

const checkPatch = {
  subject: 'virtio_ring: ignore vring interrupts until the driver is ready',
  body: `Check virtio_irq_soft_enabled() first thing in vring_interrupt(), and
return IRQ_NONE for an interrupt that arrives before the driver called
virtio_device_ready() or after virtio_reset_device().`,
  edits: [
    {
      file: RING,
      find: '\tstruct vring_virtqueue *vq = to_vvq(_vq);\n\n\tif (!more_used(vq)) {\n\t\tpr_debug("virtqueue interrupt with no work for %p\\n", vq);',
      replace:
        '\tstruct vring_virtqueue *vq = to_vvq(_vq);\n\n\tif (!virtio_irq_soft_enabled(vq->vq.vdev)) {\n\t\tdev_warn_once(&vq->vq.vdev->dev, "vring IRQ raised before the driver is ready");\n\t\treturn IRQ_NONE;\n\t}\n\n\tif (!more_used(vq)) {\n\t\tpr_debug("virtqueue interrupt with no work for %p\\n", vq);',
    },
  ],
};

const readyEdits = [
  {
    file: CFG,
    find: '\tvirtio_synchronize_cbs(dev);\n\t__virtio_unbreak_device(dev);\n#endif\n',
    replace:
      '\t__virtio_unbreak_device(dev);\n#endif\n\t/* Commit the driver setup before enabling the vq callbacks. */\n\tsmp_store_release(&dev->irq_soft_enabled, true);\n\n',
  },
  {
    file: CORE,
    find: 'void virtio_reset_device(struct virtio_device *dev)\n{\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION\n',
    replace:
      'void virtio_reset_device(struct virtio_device *dev)\n{\n\t/* No callback may run once this returns. */\n\tWRITE_ONCE(dev->irq_soft_enabled, false);\n\tvirtio_synchronize_cbs(dev);\n\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION\n',
  },
];

const readyPatch = {
  subject: 'virtio: publish driver readiness with a release store',
  body: `Set irq_soft_enabled with smp_store_release() in virtio_device_ready(),
which commits the driver's setup before callbacks are enabled, so the
synchronize_cbs() there is no longer needed. virtio_reset_device()
clears the flag and synchronizes, so no callback runs after reset.
This works whether or not CONFIG_VIRTIO_HARDEN_NOTIFICATION is set.`,
  edits: readyEdits,
};

/** v2 squashes the check and the publication: v1's 2/3 alone dropped every vring interrupt. */
const useFlagPatch = {
  subject: 'virtio: gate vring callbacks on the soft-enable flag',
  body: `Check virtio_irq_soft_enabled() first thing in vring_interrupt() and
return IRQ_NONE for an interrupt that arrives before the driver called
virtio_device_ready() or after virtio_reset_device(). The flag is set
with smp_store_release() in virtio_device_ready(), which commits the
driver's setup, so the synchronize_cbs() there is no longer needed;
virtio_reset_device() clears it and synchronizes.`,
  edits: [...checkPatch.edits, ...readyEdits],
};

export function seedSeries(version: 1 | 2): SeriesSpec {
  return {
    title: 'virtio: soft-enable vring callbacks with a per-device flag',
    version,
    tag: 'irq-hardening',
    author: 'Ringside Example <example@ringside.invalid>',
    date: new Date(Date.UTC(2026, 0, version === 1 ? 5 : 12, 10, 0, 0)),
    cover: `Vring interrupts from a buggy or malicious device may arrive before
the driver is ready or after it was reset. This series adds a
per-device soft-enable flag that vring_interrupt() tests, set with a
release store in virtio_device_ready() and cleared in
virtio_reset_device(); virtio_device_ready() then no longer needs to
synchronize with the callbacks.${
      version === 2
        ? `

Changes since v1:
- read the flag with smp_load_acquire(): a READ_ONCE() does not order
  the callback's reads of the driver state after it (review of v1)
- squash v1 2/3 and 3/3: v1 2/3 alone dropped every vring interrupt,
  so the series was not bisectable`
        : ''
    }`,
    patches: version === 1 ? [flagPatch(false), checkPatch, readyPatch] : [flagPatch(true), useFlagPatch],
  };
}
