// Benchmark: review of a 9-patch series touching all four virtio-core files on the real 6.12 core (wall time, per scenario, executions).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIRTIO_CORE_FILES } from '../src/ingest/types.js';
import { readSeriesFromPath } from '../src/ingest/read.js';
import { ensureKernelSource } from '../src/analyze/kernel-source.js';
import { openTree } from '../src/analyze/tree.js';
import { reviewSeries } from '../src/analyze/review.js';
import { clearRunCache } from '../src/analyze/scenarios/run.js';
import { loadCore, seriesMbox, type PatchSpec } from '../test/analyze/scenarios/patchgen.js';
import { HARMLESS, MUTATIONS } from '../test/analyze/scenarios/mutations.js';
import { seedSeries } from '../test/analyze/scenarios/seed.js';
import { median } from './stats.js';

const RUNS = 3;

/** Seed v2 (virtio.h, virtio_config.h, virtio_ring.c, virtio.c), six harmless patches and one real race. */
function ninePatches(): PatchSpec[] {
  const seed = seedSeries(2).patches;
  const race = MUTATIONS.find((m) => m.subject.startsWith('virtio: no need to lock in virtio_config_core_disable'))!;
  return [...seed, ...HARMLESS, race];
}

export default async function run(emit: (record: object) => void): Promise<void> {
  const root = await ensureKernelSource('6.12');
  const base = loadCore(root, [...VIRTIO_CORE_FILES]);
  const patches = ninePatches();
  const dir = mkdtempSync(join(tmpdir(), 'ringside-bench-'));
  const file = join(dir, 'nine.mbox');
  writeFileSync(file, seriesMbox(base, { title: 'virtio: benchmark series', version: 1, tag: 'bench', patches }));
  const series = (await readSeriesFromPath(file)).series;
  const tree = await openTree(root);
  const totals: number[] = [];
  const perScenario = new Map<string, number[]>();
  const parse: number[] = [];
  let executions = 0;
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    clearRunCache();
    const t0 = performance.now();
    const review = await reviewSeries(series, tree);
    totals.push(performance.now() - t0);
    executions = review.explored.executions;
    parse.push(review.explored.parseMs);
    findings = review.findings.filter((f) => f.status !== 'safe').length;
    for (const s of review.scenarios) {
      if (!s.ran) continue;
      const xs = perScenario.get(s.id) ?? [];
      xs.push(s.timeMs);
      perScenario.set(s.id, xs);
    }
  }
  emit({
    bench: 'review',
    series: `${patches.length} patches touching ${new Set(series.patches.flatMap((p) => p.files.map((f) => f.newPath))).size} files`,
    runs: RUNS,
    totalMsMedian: Math.round(median(totals)),
    totalTargetMs: 10_000,
    parsePointsMsMedian: Math.round(median(parse)),
    executions,
    nonSafeFindings: findings,
  });
  for (const [id, xs] of perScenario) emit({ bench: 'review', scenario: id, msMedian: Math.round(median(xs)), targetMs: 2_000 });
}

if (import.meta.url === `file://${process.argv[1]}`) await run((r) => console.log(JSON.stringify(r)));
