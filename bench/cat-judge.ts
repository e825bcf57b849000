// Benchmark of the cat model side: model loading, and judging candidate executions (upstream suites and larger hand-built ones).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { judgeReference } from '../src/sim/cat/evaluator.js';
import type { Execution } from '../src/sim/execution.js';
import { explore } from '../src/sim/explore.js';
import { parseLitmus } from '../src/sim/index.js';
import { judge, loadModel, type Model } from '../src/sim/model.js';
import { ExecBuilder, listLitmus, litmusDir, modelDir } from '../test/sim/cat/build.js';
import { median, round } from './stats.js';

const RUNS = 7;

/** CPU time of this process in ms (the machine is shared, so wall time alone overstates our cost). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Judge every execution, consuming every judgement; returns [wall ms, cpu ms, judgements]. */
function judgeAll(m: Model, execs: Execution[], fn = judge): [number, number, number] {
  const t0 = performance.now();
  const c0 = cpuMs();
  let n = 0;
  for (const e of execs) for (const j of fn(m, e)) if (j.consistent || !j.consistent) n++;
  return [performance.now() - t0, cpuMs() - c0, n];
}

/** k threads, each taking lock s, bumping x and releasing it: k! lock orders times the x orders rf allows. */
function lockedIncrements(k: number): Execution {
  const b = new ExecBuilder();
  b.init('s', 0);
  let prev = b.init('x', 0);
  for (let t = 0; t < k; t++) {
    b.ev(t, 'R', 's', 0, ['LKR']);
    b.ev(t, 'W', 's', 1, ['LKW']);
    const r = b.R(t, 'x', t);
    b.rf(prev, r);
    prev = b.W(t, 'x', t + 1);
    b.ev(t, 'W', 's', 0, ['UL']);
  }
  return b.build();
}

/** 8 threads: four writers of x and y (two with smp_mb), four readers: many co orders, most consistent. */
function eightThreads(): Execution {
  const b = new ExecBuilder();
  const w1 = b.W(0, 'x', 1);
  b.F(0, 'mb');
  b.W(0, 'y', 1);
  b.W(1, 'y', 2);
  b.F(1, 'mb');
  const w2 = b.W(1, 'x', 2);
  b.rf(w1, b.R(2, 'x', 1)).rfInit(b.R(2, 'y', 0));
  b.rf(w2, b.R(3, 'x', 2)).rfInit(b.R(3, 'y', 0));
  b.W(4, 'x', 3);
  b.W(5, 'y', 3);
  b.rfInit(b.R(6, 'x', 0));
  b.rfInit(b.R(7, 'y', 0));
  return b.build();
}

export default async function run(emit: (record: object) => void): Promise<void> {
  for (const version of ['6.12', '6.1'] as const) {
    const dir = await modelDir(version);
    const loads: number[] = [];
    let model: Model | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      model = await loadModel(dir);
      loads.push(performance.now() - t0);
    }
    const m = model!;
    emit({ version, what: 'loadModel', medianMs: round(median(loads)), slots: m.plan.slots.length });

    // the candidate executions exploration hands to the judge for the whole upstream suite
    const execs: Execution[] = [];
    for (const f of listLitmus(dir)) {
      const test = parseLitmus(readFileSync(join(litmusDir(dir), f), 'utf8'), f);
      explore(test, m, (mm, e) => {
        execs.push(e);
        return judge(mm as Model, e);
      });
    }
    const fresh = await loadModel(dir);
    const [coldMs, coldCpuMs, judgements] = judgeAll(fresh, execs);
    const warm: number[] = [];
    const warmCpu: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < 3; i++) judgeAll(fresh, execs); // let the JIT settle before timing
    for (let i = 0; i < RUNS; i++) {
      fresh.plan.cache = undefined;
      const [w, c] = judgeAll(fresh, execs);
      warm.push(w);
      warmCpu.push(c);
      reference.push(judgeAll(fresh, execs, judgeReference)[1]);
    }
    emit({
      version,
      what: 'upstream-suite-judge',
      executions: execs.length,
      judgements,
      coldMs: round(coldMs),
      coldCpuMs: round(coldCpuMs),
      warmMedianMs: round(median(warm)),
      warmMedianCpuMs: round(median(warmCpu)),
      cpuUsPerJudgement: round((median(warmCpu) * 1000) / judgements),
      fromScratchMedianCpuMs: round(median(reference)),
    });

    for (const [name, exec] of [
      ['locked-increments-4', lockedIncrements(4)],
      ['eight-threads', eightThreads()],
    ] as const) {
      const times: number[] = [];
      const cpu: number[] = [];
      let n = 0;
      let consistent = 0;
      for (let i = 0; i < RUNS; i++) {
        m.plan.cache = undefined;
        const t0 = performance.now();
        const c0 = cpuMs();
        n = 0;
        consistent = 0;
        for (const j of judge(m, exec)) {
          n++;
          if (j.consistent) consistent++;
        }
        times.push(performance.now() - t0);
        cpu.push(cpuMs() - c0);
      }
      emit({
        version,
        what: name,
        events: exec.events.length,
        judgements: n,
        consistent,
        medianMs: round(median(times)),
        medianCpuMs: round(median(cpu)),
        cpuUsPerJudgement: round((median(cpu) * 1000) / n),
      });
    }
  }
}
