// Real list mail: every series of the corpus that touches the virtio core is reviewed against 6.12 without a crash.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAllSeries } from '../../src/ingest/read.js';
import { ensureKernelSource } from '../../src/analyze/kernel-source.js';
import { openTree } from '../../src/analyze/tree.js';
import { reviewSeries } from '../../src/analyze/review.js';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/virtualization-list-2021-06.mbox');

describe('reviewing the June 2021 virtualization list against linux-source-6.12', () => {
  it('names every hunk that does not apply, and never calls a scenario safe whose code failed to apply', async () => {
    expect(existsSync(CORPUS), `corpus missing: ${CORPUS}`).toBe(true);
    const { series } = await readAllSeries(CORPUS);
    const core = series.filter((s) => s.patches.some((p) => p.files.some((f) => f.analysed)));
    // The month holds several series against the ring and the core (measured: see the issue note).
    expect(core.length).toBeGreaterThanOrEqual(3);
    const tree = await openTree(await ensureKernelSource('6.12'));
    let failedToApply = 0;
    let applied = 0;
    for (const s of core) {
      const review = await reviewSeries(s, tree, {});
      if (review.applyProblems.length > 0) failedToApply++;
      else applied++;
      for (const p of review.applyProblems) {
        expect(p.file, s.title).toMatch(/^(drivers\/virtio|include\/linux)\//);
        expect(p.message, s.title).toMatch(/hunk|patch/);
      }
      if (review.applyProblems.length > 0) {
        // 2021 patches mostly do not apply to 6.12: what ran on a half-applied tree is inconclusive.
        const rerun = review.findings.filter((f) => f.status !== 'inconclusive' && f.status !== 'safe');
        for (const f of rerun) expect(f.witness, `${s.title}: ${f.scenarioTitle}`).toBeDefined();
        expect(review.findings.filter((f) => f.status === 'safe')).toEqual([]);
      }
      for (const f of review.findings.filter((x) => x.status === 'inconclusive')) expect(f.reason.length).toBeGreaterThan(0);
    }
    // Both paths are exercised: series that no longer apply, and one that does.
    expect(failedToApply).toBeGreaterThanOrEqual(1);
    expect(applied).toBeGreaterThanOrEqual(1);
  });
});
