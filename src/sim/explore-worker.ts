// A worker thread's part of a large exploration (parallel.ts): rebuilds the model and the test, explores its share, posts the result.
import { workerData, type MessagePort } from 'node:worker_threads';
import type { Value } from './execution.js';
import { explore, type KeptExecution } from './explore.js';
import { explorationOptions, loadModel, parseLitmus } from './index.js';
import { toWire, type Share, type ShareResult, type WorkerSpec } from './parallel.js';
import { judge } from './model.js';
import type { JudgeFn } from './explore.js';

const { spec, share, index, signal, port } = workerData as { spec: WorkerSpec; share: Share; index: number; signal: Int32Array; port: MessagePort };

async function run(): Promise<ShareResult> {
  const model = await loadModel(spec.modelDir);
  const test = parseLitmus(spec.testText, spec.file);
  const ex = explore(test, model, judge as JudgeFn, spec.bounds, spec.coherence, { ...explorationOptions(model, spec.prune), share });
  const part = ex.part!;
  const kept: ShareResult['kept'] = [];
  const add = (kind: string, k: KeptExecution | undefined): void => {
    if (k) kept.push({ kind, unit: part.units.get(kind) ?? -1, k: toWire(k) });
  };
  add('witness', ex.witness);
  add('forbidden', ex.forbidden);
  add('sample', ex.sample);
  for (const [f, k] of ex.flagged) add(`flag:${f}`, k);
  const r = ex.result as typeof ex.result & { loop?: boolean };
  const out: ShareResult = {
    states: [...part.states] as [string, Value[]][],
    positive: r.positive,
    negative: r.negative,
    candidates: r.candidates,
    consistent: r.consistent,
    pruned: r.pruned ?? 0,
    flags: r.flags,
    kept,
  };
  if (r.inconclusive) out.inconclusive = r.inconclusive;
  if (r.loop) out.loop = true;
  return out;
}

Atomics.store(signal, index, 1);
Atomics.notify(signal, index);
run()
  .then(
    (out) => port.postMessage(out),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  )
  .finally(() => {
    Atomics.store(signal, index, 2);
    Atomics.notify(signal, index);
  });
