// Ingest benchmark: split + header parsing rate, full parse + assembly rate, and peak RSS on a synthetic
// 20,000-message mbox.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticMbox } from '../test/fixtures/mail/synthetic.js';
import { ingest, scanHeads } from '../src/ingest/read.js';
import { buildSeries, selectFamily } from '../src/ingest/series.js';
import { median } from './stats.js';

const MESSAGES = Number(process.env.RINGSIDE_BENCH_INGEST_MESSAGES ?? 20_000);
const RUNS = Number(process.env.RINGSIDE_BENCH_RUNS ?? 3);

/** Tracks the highest RSS seen, sampled on a timer and at every message. */
class RssPeak {
  peak = process.memoryUsage().rss;
  private timer = setInterval(() => this.sample(), 10);
  sample(): void {
    const r = process.memoryUsage().rss;
    if (r > this.peak) this.peak = r;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

export default async function run(emit: (record: object) => void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-bench-ingest-'));
  try {
    const file = path.join(dir, 'synthetic.mbox');
    const stats = writeSyntheticMbox(file, { messages: MESSAGES });
    const mb = stats.bytes / 1e6;

    const splitRates: number[] = [];
    const fullRates: number[] = [];
    const peaks: number[] = [];
    const bases: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let n = 0;
      const t0 = performance.now();
      for await (const h of scanHeads(file)) if (h.messageId) n++;
      splitRates.push(n / ((performance.now() - t0) / 1000));

      // Each full ingest runs in a fresh process, so its peak RSS is its own and not what earlier runs
      // left in this process's heap.
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        env: { ...process.env, RINGSIDE_BENCH_INGEST_CHILD: file },
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`ingest child failed: ${child.stderr}`);
      const res = JSON.parse(child.stdout.trim().split('\n').pop()!) as { rate: number; peak: number; base: number };
      fullRates.push(res.rate);
      peaks.push(res.peak);
      bases.push(res.base);
    }
    emit({
      bench: 'ingest',
      metric: 'split+headers',
      messages: stats.messages,
      mbox_mb: Number(mb.toFixed(1)),
      msgs_per_s: Math.round(median(splitRates)),
      runs: splitRates.map(Math.round),
      target: '>= 5000 msgs/s',
    });
    emit({
      bench: 'ingest',
      metric: 'full parse (mailparser) + series assembly',
      messages: stats.messages,
      series: stats.series,
      msgs_per_s: Math.round(median(fullRates)),
      runs: fullRates.map(Math.round),
    });
    emit({
      bench: 'ingest',
      metric: 'peak RSS during full ingest',
      peak_rss_mb: Math.round(median(peaks) / 1e6),
      start_rss_mb: Math.round(median(bases) / 1e6),
      note: 'fresh node+tsx process per run; start_rss is the process before reading',
      runs_mb: peaks.map((p) => Math.round(p / 1e6)),
      target: '< 300 MB',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One full ingest of `file` in this process: rate and peak RSS, printed as JSON for the parent. */
async function child(file: string): Promise<void> {
  const rss = new RssPeak();
  const base = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await ingest(file, {}, () => rss.sample());
  try {
    const { family, version } = selectFamily(r.families, {});
    await buildSeries(family, version, (id) => r.spool.get(id));
  } finally {
    r.spool.close();
  }
  const rate = r.messages / ((performance.now() - t0) / 1000);
  console.log(JSON.stringify({ rate, peak: rss.stop(), base }));
}

if (process.env.RINGSIDE_BENCH_INGEST_CHILD) {
  await child(process.env.RINGSIDE_BENCH_INGEST_CHILD);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  // Run directly: `npx tsx bench/ingest.ts`.
  await run((r) => console.log(JSON.stringify(r)));
}
