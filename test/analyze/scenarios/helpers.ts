// Test helpers: real kernel trees, series mails generated at test time and read through the normal ingest path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIRTIO_CORE_FILES } from '../../../src/ingest/types.js';
import { readSeriesFromPath } from '../../../src/ingest/read.js';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { openTree, type BaseTree } from '../../../src/analyze/tree.js';
import { reviewSeries, type Review, type ReviewOptions } from '../../../src/analyze/review.js';
import { loadCore, seriesMbox, type SeriesSpec } from './patchgen.js';

export async function kernel(version: '6.12' | '6.1'): Promise<{ root: string; tree: BaseTree; base: Map<string, string> }> {
  const root = await ensureKernelSource(version);
  return { root, tree: await openTree(root), base: loadCore(root, [...VIRTIO_CORE_FILES]) };
}

let n = 0;
export async function reviewSpec(version: '6.12' | '6.1', specs: SeriesSpec[], opts: ReviewOptions & { pick?: number } = {}): Promise<Review> {
  const k = await kernel(version);
  const dir = mkdtempSync(join(tmpdir(), 'ringside-series-'));
  const file = join(dir, `series-${n++}.mbox`);
  writeFileSync(file, specs.map((s) => seriesMbox(k.base, s)).join('\n'));
  const read = await readSeriesFromPath(file, { version: opts.pick });
  let previous;
  if (specs.length > 1) {
    const earlier = read.series.versionsAvailable.filter((v) => v < read.series.version);
    if (earlier.length) previous = (await readSeriesFromPath(file, { version: earlier[earlier.length - 1] })).series;
  }
  return reviewSeries(read.series, k.tree, { previous, ...opts });
}
