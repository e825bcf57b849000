// The environment model under real lowered code: transports' synchronize_cbs and device behaviours change verdicts as they should.
import { describe, expect, it } from 'vitest';
import type { EnvChoice, TransportName } from '../../../src/analyze/env/types.js';
import { checkTransportFacts } from '../../../src/analyze/env/transport.js';
import { makeLowerer } from '../../../src/analyze/scenarios/lowering.js';
import { scenarioById } from '../../../src/analyze/scenarios/index.js';
import { execute, prepare } from '../../../src/analyze/scenarios/run.js';
import { applyEdits } from './patchgen.js';
import { MUTATIONS } from './mutations.js';
import { kernel } from './helpers.js';

async function verdict(files: Map<string, string>, modelDir: string, id: string, env: EnvChoice) {
  const sc = scenarioById(id)!;
  const run = await execute(prepare(sc, { label: `${env.device}, ${env.transport}, ${env.driver}`, env }, await makeLowerer(files)), modelDir);
  return run;
}

describe('environment model', () => {
  it('the pci and mmio facts it rests on hold in the 6.12 and 6.1 trees', async () => {
    for (const v of ['6.12', '6.1'] as const) {
      const k = await kernel(v);
      expect(checkTransportFacts((p) => k.tree.read(p))).toEqual([]);
    }
  });

  const transports: TransportName[] = ['pci', 'mmio', 'ccw', 'rcu-fallback'];
  it('reset vs interrupt holds on every transport with hardening, and fails on each once reset stops synchronizing', async () => {
    const k = await kernel('6.12');
    const noSync = applyEdits(k.base, MUTATIONS.find((m) => m.subject.startsWith('virtio: drop virtio_synchronize_cbs() from virtio_reset_device'))!.edits);
    for (const transport of transports) {
      const env: EnvChoice = { device: 'buggy', transport, driver: 'generic', harden: true };
      expect(`${transport}: ${(await verdict(k.base, k.tree.memoryModelDir, 'reset-vs-vring-irq', env)).verdict}`).toBe(`${transport}: holds`);
      const bad = await verdict(noSync, k.tree.memoryModelDir, 'reset-vs-vring-irq', env);
      // pci's own reset synchronizes the vectors after writing status 0, but the vq stays broken only
      // if virtio_break_device ran; here it did, so pci still holds while the others fail.
      expect(`${transport}: ${bad.verdict}`).toBe(`${transport}: ${transport === 'pci' ? 'holds' : 'violated'}`);
    }
  });

  it('a trusted device never reaches the callback before DRIVER_OK; a buggy one does without hardening', async () => {
    const k = await kernel('6.12');
    const trusted = await verdict(k.base, k.tree.memoryModelDir, 'probe-vs-vring-irq', { device: 'trusted', transport: 'pci', driver: 'scsi-event', harden: false });
    const buggy = await verdict(k.base, k.tree.memoryModelDir, 'probe-vs-vring-irq', { device: 'buggy', transport: 'pci', driver: 'scsi-event', harden: false });
    expect(trusted.verdict).toBe('holds');
    expect(buggy.verdict).toBe('violated');
    expect(buggy.trace?.some((s) => s.stale)).toBe(true);
  });
});
