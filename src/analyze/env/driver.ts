// Driver models: a generic test driver and a virtio_scsi-event-queue-like one, as the callbacks and probe/remove steps scenarios call.
import type { LLine } from '../scenarios/litmus-builder.js';
import { envLine, type DriverName, type EnvSnippet } from './types.js';

/**
 * Driver state is one shared location. Its values tell the story the property checks:
 *   2 = not set up yet (probe) / freed (remove), 1 = set up and live.
 * A callback that reads 2 used state that is not yet set up, or already torn down.
 */
export const STATE_UNSET = 2;
export const STATE_LIVE = 1;

export interface DriverModel {
  name: DriverName;
  description: string;
  /** The shared location holding the state the callback depends on. */
  stateLoc: string;
  /** Setup done by probe between find_vqs (request_irq) and virtio_device_ready. */
  setup: () => EnvSnippet;
  /** Teardown after virtio_reset_device in remove (kfree of what the callbacks use). */
  teardown: () => EnvSnippet;
  /** The vq callback (vq->vq.callback): reads the state into register `reg`. */
  vqCallback: (reg: string) => EnvSnippet;
  /** drv->config_changed. */
  configChanged: (reg: string) => EnvSnippet;
}

export function driverModel(name: DriverName): DriverModel {
  if (name === 'scsi-event') {
    const model = 'driver:virtio_scsi-like';
    const loc = 'scsi_event_vq';
    return {
      name,
      description:
        'virtio_scsi-like driver: virtscsi_init() calls virtio_find_vqs(), then virtscsi_init_vq(&vscsi->event_vq, vqs[1]) before virtio_device_ready(); virtscsi_event_done() dereferences vscsi->event_vq',
      stateLoc: loc,
      setup: () => ({
        lines: [envLine(model, 'virtscsi_init_vq', `*${loc} = ${STATE_LIVE};`, 0, 'virtscsi_vq->vq = vq (event queue set up after find_vqs)')],
        locs: { [loc]: 'int' },
        init: { [loc]: STATE_UNSET },
      }),
      teardown: () => ({
        lines: [envLine(model, 'virtscsi_remove: kfree', `*${loc} = ${STATE_UNSET};`, 0, 'virtscsi_remove_vqs / scsi_host_put frees the event queue state')],
        locs: { [loc]: 'int' },
      }),
      vqCallback: (reg) => ({
        lines: [envLine(model, 'virtscsi_event_done', `${reg} = *${loc};`, 0, 'virtscsi_vq_done(vscsi, &vscsi->event_vq, …) reads event_vq')],
        locs: { [loc]: 'int' },
      }),
      configChanged: (reg) => ({
        lines: [envLine(model, 'virtscsi_config_changed', `${reg} = *${loc};`, 0, 'reads the host/queue state')],
        locs: { [loc]: 'int' },
      }),
    };
  }
  const model = 'driver:generic';
  const loc = 'drv_state';
  return {
    name,
    description: 'generic test driver: probe stores a private state pointer the callbacks dereference; remove frees it after virtio_reset_device()',
    stateLoc: loc,
    setup: () => ({
      lines: [envLine(model, 'probe: setup', `*${loc} = ${STATE_LIVE};`, 0, 'vdev->priv = state')],
      locs: { [loc]: 'int' },
      init: { [loc]: STATE_UNSET },
    }),
    teardown: () => ({
      lines: [envLine(model, 'remove: kfree', `*${loc} = ${STATE_UNSET};`, 0, 'kfree(vdev->priv)')],
      locs: { [loc]: 'int' },
    }),
    vqCallback: (reg) => ({
      lines: [envLine(model, 'vq callback', `${reg} = *${loc};`, 0, 'callback dereferences vdev->priv')],
      locs: { [loc]: 'int' },
    }),
    configChanged: (reg) => ({
      lines: [envLine(model, 'config_changed', `${reg} = *${loc};`, 0, 'config_changed dereferences vdev->priv')],
      locs: { [loc]: 'int' },
    }),
  };
}

export type { LLine };
