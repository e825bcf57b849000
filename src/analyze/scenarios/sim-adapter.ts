// The one place scenarios call the sim: load a tree's memory model once, run a litmus text, format a timeline.
import type { Bounds, TestResult, Witness } from '../../sim/types.js';

/** The sim's entry points (src/sim/index.ts), loaded on first use. */
interface SimApi {
  loadModel(dir: string): unknown;
  parseLitmus(text: string, fileName: string): unknown;
  runTest(test: unknown, model: unknown, bounds: Bounds): TestResult | Promise<TestResult>;
  formatTimeline(w: Witness): string;
}

let api: Promise<SimApi> | undefined;
function sim(): Promise<SimApi> {
  const spec = '../../sim/index.js';
  api ??= import(spec) as Promise<SimApi>;
  return api;
}

const models = new Map<string, Promise<unknown>>();

/** The LKMM of a tree (tools/memory-model), loaded once per directory. */
export function modelFor(dir: string): Promise<unknown> {
  let m = models.get(dir);
  if (!m) {
    m = sim().then((s) => s.loadModel(dir));
    models.set(dir, m);
  }
  return m;
}

export async function runLitmus(text: string, fileName: string, modelDir: string, bounds: Bounds): Promise<TestResult> {
  const s = await sim();
  const model = await modelFor(modelDir);
  const test = s.parseLitmus(text, fileName);
  return await s.runTest(test, model, bounds);
}

export async function timeline(w: Witness): Promise<string> {
  return (await sim()).formatTimeline(w);
}
