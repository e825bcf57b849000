// Acceptance 4: the seed series — v1 (READ_ONCE of the ready flag) introduces the probe race, v2 (acquire) fixes it.
import { describe, expect, it } from 'vitest';
import { reviewSpec } from './helpers.js';
import { seedSeries } from './seed.js';
import { renderReview } from '../../../src/reply/text.js';

describe('seed series: irq soft-enable flag', () => {
  it('v1 introduces a probe-vs-interrupt race with a witness, named after patch 3/3', async () => {
    const r = await reviewSpec('6.12', [seedSeries(1)], { harden: [true] });
    const f = r.findings.find((x) => x.scenario === 'probe-vs-vring-irq' && x.status === 'introduced');
    expect(f).toBeDefined();
    expect(f!.introducedBy?.index).toBe(3);
    expect(f!.witness!.trace.some((s) => s.site?.fn === 'virtio_irq_soft_enabled')).toBe(true);
    const text = renderReview(r);
    expect(text).toContain('herd7 -conf linux-kernel.cfg');
    expect(text).toMatch(/^> \+.*READ_ONCE\(vdev->irq_soft_enabled\)/m);
  });

  it('v2 reports the v1 race fixed and introduces none', async () => {
    const r = await reviewSpec('6.12', [seedSeries(1), seedSeries(2)], { harden: [true] });
    expect(r.series.version).toBe(2);
    expect(r.findings.filter((f) => f.status === 'introduced')).toEqual([]);
    expect(r.fixedSincePrevious?.findings.map((f) => f.scenario)).toContain('probe-vs-vring-irq');
  });
});
