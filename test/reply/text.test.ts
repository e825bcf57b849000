// The review text's summary: counts are per scenario instance, and each instance is named by its hardening setting.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeriesFromPath } from '../../src/ingest/read.js';
import { ensureKernelSource } from '../../src/analyze/kernel-source.js';
import { openTree } from '../../src/analyze/tree.js';
import { reviewSeries } from '../../src/analyze/review.js';
import { renderReview } from '../../src/reply/text.js';

describe('review summary on the bundled v1 example', () => {
  it('lists as many instances as it counts, with their hardening settings', async () => {
    const { series } = await readSeriesFromPath(join(import.meta.dirname, '../../examples/irq-hardening-v1.mbox'), {});
    const review = await reviewSeries(series, await openTree(await ensureKernelSource('6.12')), {});
    const text = renderReview(review, { width: 1000 });
    const summary = text.split('\n').find((l) => l.startsWith('Summary: '))!;
    for (const status of ['introduced', 'fixed'] as const) {
      const findings = review.findings.filter((f) => f.status === status);
      expect(findings.length).toBeGreaterThan(0);
      const m = new RegExp(`(\\d+) races? ${status}: ([^.]*)\\.`).exec(summary);
      expect(m, summary).not.toBeNull();
      expect(Number(m![1])).toBe(findings.length);
      for (const f of findings) expect(m![2]).toContain(`${f.scenarioNumber} (${f.scenarioTitle}: `);
      // Every distinct (scenario, hardening) pair found is named.
      const pairs = new Set(findings.map((f) => `${f.scenarioNumber}/${f.harden}`));
      expect((m![2].match(/hardening (on|off)/g) ?? []).length).toBe(pairs.size);
    }
  });
});
