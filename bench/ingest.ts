// Ingest benchmark: split + header parsing rate, full parse + assembly rate, and peak RSS on a synthetic
// 20,000-message mbox.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticMbox } from '../test/fixtures/mail/synthetic.js';
import { ingest, scanHeads } from '../src/ingest/read.js';
import { buildSeries, selectFamily } from '../src/ingest/series.js';

const MESSAGES = Number(process.env.RINGSIDE_BENCH_INGEST_MESSAGES ?? 20_000);
const RUNS = Number(process.env.RINGSIDE_BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

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
    const baseRss = process.memoryUsage().rss;
    for (let i = 0; i < RUNS; i++) {
      let n = 0;
      let t0 = performance.now();
      for await (const h of scanHeads(file)) if (h.messageId) n++;
      splitRates.push(n / ((performance.now() - t0) / 1000));

      const rss = new RssPeak();
      t0 = performance.now();
      const r = await ingest(file, {}, () => rss.sample());
      try {
        const { family, version } = selectFamily(r.families, {});
        await buildSeries(family, version, (id) => r.spool.get(id));
      } finally {
        r.spool.close();
      }
      fullRates.push(r.messages / ((performance.now() - t0) / 1000));
      peaks.push(rss.stop());
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
      start_rss_mb: Math.round(baseRss / 1e6),
      runs_mb: peaks.map((p) => Math.round(p / 1e6)),
      target: '< 300 MB',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: `npx tsx bench/ingest.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  await run((r) => console.log(JSON.stringify(r)));
}
