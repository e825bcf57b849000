// Acceptance 2 and 3: mutation patches of the real 6.12 core each introduce a race with a witness; harmless ones add none.
import { describe, expect, it } from 'vitest';
import { HARMLESS, MUTATIONS } from './mutations.js';
import { reviewSpec } from './helpers.js';
import { seedSeries } from './seed.js';

describe('mutation patches of the 6.12 virtio core', () => {
  it('has at least 12 mutations that can be checked now', () => {
    expect(MUTATIONS.filter((m) => !m.pending).length).toBeGreaterThanOrEqual(12);
  });
  for (const m of MUTATIONS) {
    for (const version of m.also61 ? (['6.12', '6.1'] as const) : (['6.12'] as const)) {
      (m.pending ? it.skip : it)(`reports "${m.subject}" as introducing a race in ${m.scenario}${version === '6.12' ? '' : ` (${version})`}`, async () => {
        const review = await reviewSpec(version, [{ title: m.subject, version: 1, tag: 'mut', patches: [m] }], {
          harden: m.harden === undefined ? undefined : [m.harden],
        });
        const f = review.findings.find((x) => x.scenario === m.scenario && x.status === 'introduced');
        expect(f, JSON.stringify(review.findings.map((x) => [x.scenario, x.instance, x.status, x.reason]), null, 1)).toBeDefined();
        expect(f!.introducedBy?.index).toBe(1);
        expect(f!.witness?.trace.length).toBeGreaterThan(0);
        expect(f!.witness?.litmus).toMatch(/^C /);
        for (const inst of m.instances ?? []) {
          const g = review.findings.find((x) => x.scenario === m.scenario && x.status === 'introduced' && x.instance.startsWith(inst));
          expect(g, `${inst}: ${JSON.stringify(review.findings.map((x) => [x.instance, x.status]))}`).toBeDefined();
          expect(g!.witness?.trace.length).toBeGreaterThan(0);
        }
      });
    }
  }

  it('reports weakening the seed v2 acquire load to READ_ONCE as introduced by the last patch', async () => {
    const v2 = seedSeries(2);
    const weaken = {
      subject: 'virtio: a READ_ONCE is enough for irq_soft_enabled',
      body: 'The store side is a release already.',
      edits: [
        {
          file: 'include/linux/virtio_config.h',
          find: '\t/* Pairs with smp_store_release() in virtio_device_ready(). */\n\treturn smp_load_acquire(&vdev->irq_soft_enabled);',
          replace: '\treturn READ_ONCE(vdev->irq_soft_enabled);',
        },
      ],
    };
    const review = await reviewSpec('6.12', [{ ...v2, version: 1, patches: [...v2.patches, weaken] }], { harden: [true] });
    const f = review.findings.find((x) => x.scenario === 'probe-vs-vring-irq' && x.status === 'introduced');
    expect(f).toBeDefined();
    expect(f!.introducedBy?.index).toBe(3);
  });
});

describe('harmless patches of the 6.12 virtio core', () => {
  for (const h of HARMLESS) {
    it(`finds nothing new in "${h.subject}"`, async () => {
      const review = await reviewSpec('6.12', [{ title: h.subject, version: 1, tag: 'ok', patches: [h] }], { harden: [true] });
      expect(review.findings.filter((f) => f.status === 'introduced').map((f) => f.scenario)).toEqual([]);
      // Inconclusive only where the base itself cannot be analysed (a known front-end gap), never because of the patch.
      const causedByPatch = review.findings.filter((f) => f.status === 'inconclusive' && f.history[0].verdict !== 'inconclusive');
      expect(causedByPatch.map((f) => `${f.scenario}: ${f.reason}`)).toEqual([]);
    });
  }
});
