// Benchmark of the sim engine on the lock family (counters and message passing under one spinlock) for N = 2..8 threads.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureKernelSource } from '../src/analyze/kernel-source.js';
import { loadModel, parseLitmus, runTest, type Bounds, type Model, type TestResult } from '../src/sim/index.js';
import { lockFamily, type LockTest } from '../test/sim/suite/lock-family.js';
import { median, round } from './stats.js';

/** Per-test limit: enough to see pruning pay off, small enough that the whole bench ends in minutes. */
const BOUNDS: Bounds = { timeoutMs: 20_000 };
const RUNS = 3;
/** A first run slower than this is not repeated: one sample of a multi-second run is good enough. */
const SLOW_MS = 5_000;
const MAX_N = 8;
/** The unlocked counter (P0 outside the lock; the other threads alike) up to 8 threads too. */
const MAX_N_UNLOCKED = 8;

/** Runs a test once, and twice more if it was quick; an inconclusive run is never repeated. */
function timeTest(t: LockTest, model: Model): { medianMs: number; runs: number; result: TestResult } {
  const test = parseLitmus(t.text, `${t.name}.litmus`);
  const times: number[] = [];
  let result: TestResult | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = runTest(test, model, BOUNDS);
    times.push(performance.now() - t0);
    if (result.inconclusive || times[0] > SLOW_MS) break;
  }
  return { medianMs: round(median(times)), runs: times.length, result: result! };
}

/** The family member's shape without its thread count, e.g. "lock-counter+plain+counted". */
const shapeOf = (t: LockTest): string => t.name.replace(`-${t.n}`, '');

export default async function run(emit: (record: object) => void): Promise<void> {
  const modelDir = join(await ensureKernelSource('6.12'), 'tools', 'memory-model');
  const model = await loadModel(modelDir);
  // A shape that ran out of time at n is skipped for larger n: it can only take longer.
  const gaveUp = new Map<string, number>();
  const perN: object[] = [];
  for (let n = 2; n <= MAX_N; n++) {
    for (const t of lockFamily(n)) {
      const shape = shapeOf(t);
      if (n > MAX_N_UNLOCKED && shape.includes('+unlocked')) continue;
      const base = { bench: 'lock', test: t.name, shape, n };
      const failedAt = gaveUp.get(shape);
      if (failedAt !== undefined) {
        emit({ ...base, skipped: `inconclusive at n=${failedAt}` });
        continue;
      }
      try {
        const { medianMs, runs, result } = timeTest(t, model);
        const e = t.expected;
        // Counts are only compared when the run finished; an inconclusive result carries no verdict.
        const match = !result.inconclusive
          ? result.observation === e.observation &&
            result.consistent === e.consistent &&
            result.positive === e.positive &&
            JSON.stringify([...result.flags].sort()) === JSON.stringify(e.flags)
          : undefined;
        if (result.inconclusive) gaveUp.set(shape, n);
        emit({
          ...base,
          medianMs,
          runs,
          candidates: result.candidates,
          // partial executions cut by the explorer's pruning (absent: none)
          pruned: result.pruned ?? 0,
          consistent: result.consistent,
          observation: result.observation,
          expected: e.observation,
          expectedConsistent: e.consistent,
          match,
          ...(result.inconclusive ? { inconclusive: result.inconclusive.reason } : {}),
        });
        perN.push({ n, shape, medianMs, candidates: result.candidates, pruned: result.pruned ?? 0, ...(result.inconclusive ? { inconclusive: true } : { match }) });
      } catch (err) {
        gaveUp.set(shape, n);
        emit({ ...base, error: (err as Error).message });
      }
    }
  }
  emit({ bench: 'lock', summary: true, timeoutMs: BOUNDS.timeoutMs, perN });
}
