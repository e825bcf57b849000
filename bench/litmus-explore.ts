// Benchmark of exploration itself: the upstream suites in one process (cold and warm), and the same with the judge stubbed out.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureKernelSource } from '../src/analyze/kernel-source.js';
import type { Execution, Judgement } from '../src/sim/execution.js';
import { explore, type JudgeFn } from '../src/sim/explore.js';
import { loadModel, parseLitmus, runTest } from '../src/sim/index.js';
import { Relation } from '../src/sim/relation.js';
import { median, round } from './stats.js';

const RUNS = 7;

/** A judge that accepts every candidate without evaluating anything: what is left is exploration's own cost. */
const stubJudge: JudgeFn = (_m, x: Execution): Iterable<Judgement> => [
  { consistent: true, flags: [], co: new Relation(x.events.length), rf: x.rf, lookup: () => undefined },
];

export default async function run(emit: (record: object) => void): Promise<void> {
  for (const version of ['6.12', '6.1'] as const) {
    const dir = join(await ensureKernelSource(version), 'tools', 'memory-model');
    const files = readdirSync(join(dir, 'litmus-tests'))
      .filter((f) => f.endsWith('.litmus'))
      .sort()
      .map((f) => ({ f, text: readFileSync(join(dir, 'litmus-tests', f), 'utf8') }));
    const whole: number[] = [];
    const stubbed: number[] = [];
    let candidates = 0;
    let consistent = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const model = await loadModel(dir);
      candidates = 0;
      consistent = 0;
      for (const { f, text } of files) {
        const r = runTest(parseLitmus(text, f), model);
        candidates += r.candidates;
        consistent += r.consistent;
      }
      whole.push(performance.now() - t0);
      const t1 = performance.now();
      for (const { f, text } of files) explore(parseLitmus(text, f), model, stubJudge, {}, true);
      stubbed.push(performance.now() - t1);
    }
    emit({
      suite: `${version}-upstream`,
      tests: files.length,
      firstRunMs: round(whole[0]),
      medianMs: round(median(whole)),
      explorationOnlyMedianMs: round(median(stubbed)),
      candidates,
      consistent,
      consistentRatio: round(consistent / candidates),
      runs: RUNS,
    });
  }
}
