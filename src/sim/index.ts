// Public API of the sim engine for the analyze stage: load a model, parse a litmus test, run it, format results.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LitmusTest } from './litmus/ast.js';
import { parseLitmus as parseLitmusText } from './litmus/parser.js';
import { coherenceOf, explore, type Exploration, type ExploreOptions, type JudgeFn, type ModelLike, type PruneMode } from './explore.js';
import { PartialSkeleton, partialModelOf, type PartialInput } from './cat/partial.js';
import { atomicityRule, rfCycleRules, rfReach } from './cat/rf-cycles.js';
import { judge, loadModel as loadModelFromDir, ModelError, type Model } from './model.js';
import { parallelRunner } from './parallel.js';
import { buildWitness } from './witness.js';
import type { Bounds, TestResult } from './types.js';

export { judge, ModelError, type Model };
export { LitmusSyntaxError, type LitmusTest } from './litmus/ast.js';
export { SimError } from './threads.js';
export { TestError, type Exploration, DEFAULT_BOUNDS } from './explore.js';
export { formatHerd, formatJson } from './report.js';
export { formatTimeline, toDot } from './witness.js';
export type { Bounds, TestResult, Witness, WitnessStep, Observation } from './types.js';
export type { Execution, Event, Judgement, Value } from './execution.js';

/** Parses a C litmus test; syntax errors are LitmusSyntaxError with file:line:col. */
export function parseLitmus(text: string, fileName: string): LitmusTest {
  return parseLitmusText(text, fileName);
}

function catText(model: ModelLike): string | undefined {
  const m = model as Partial<Model> & ModelLike;
  const file = m.cfg?.model ?? `${model.name}.cat`;
  try {
    return readFileSync(join(model.dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** Models loaded from a directory by loadModel below, unchanged: a worker can load the same one again. */
const fromDisk = new WeakSet<Model>();

/** Loads the model of a kernel tree's tools/memory-model (see model.ts). */
export async function loadModel(dir: string): Promise<Model> {
  const m = await loadModelFromDir(dir);
  fromDisk.add(m);
  return m;
}

/** How exploration judges partial executions under a model (pruning; docs/pruning.md). */
export function explorationOptions(model: Model, prune: PruneMode): ExploreOptions {
  return {
    prune,
    // prepared only when a search is big enough to prune (most tests never need it)
    partial: () => {
      const pm = partialModelOf(model);
      if (!pm) return undefined;
      const sk = new PartialSkeleton(pm);
      const rules = rfCycleRules(model);
      const atomicity = atomicityRule(model);
      return {
        judge: (input) => sk.judge(input),
        ...(rules.length ? { rfReach: (input: PartialInput) => rfReach(sk, input, rules) } : {}),
        ...(atomicity ? { atomicity } : {}),
      };
    },
  };
}

/** Candidates judged, at most, when looking for a rejected witness that pruning skipped. */
const WITNESS_SEARCH = 200_000;

/** Which witnesses exploreTest renders into the result (rendering costs a little per test). */
export type WitnessMode = 'none' | 'allowed' | 'any';

/**
 * Explores a test under a model and returns the full exploration (result plus kept executions).
 * With mode 'allowed' (the default), result.witness is an execution with the condition's outcome that
 * the model allows, and result.flagWitnesses holds, per flag raised, a consistent execution raising it;
 * 'any' adds, when no allowed one exists, a candidate with that outcome that the model rejects; 'none'
 * renders nothing (the kept executions are still in the returned Exploration).
 */
export function exploreTest(
  test: LitmusTest,
  model: Model,
  bounds: Bounds = {},
  mode: WitnessMode | boolean = 'allowed',
  prune?: PruneMode,
): Exploration {
  const m: WitnessMode = mode === true ? 'any' : mode === false ? 'allowed' : mode;
  const coherence = coherenceOf(model, catText);
  const pruneMode = prune ?? 'auto';
  const opts: ExploreOptions = explorationOptions(model, pruneMode);
  // workers only for a model read from its directory as it stands (a worker reads it again from there)
  if (fromDisk.has(model)) {
    const runner = parallelRunner({ modelDir: model.dir, testText: test.lines.join('\n'), file: test.file, bounds, prune: pruneMode, coherence });
    if (runner) opts.parallel = runner;
  }
  const ex = explore(test, model, judge as JudgeFn, bounds, coherence, opts);
  if (m === 'none') return ex;
  if (m === 'any' && !ex.witness && !ex.forbidden && ex.result.pruned) {
    // pruning skipped the rejected candidates: look for one with the outcome without pruning, stopping at
    // the first (bounded: the counts and verdict above do not depend on it)
    const b = { ...bounds, maxExecutions: Math.min(bounds.maxExecutions ?? WITNESS_SEARCH, WITNESS_SEARCH) };
    const found = explore(test, model, judge as JudgeFn, b, coherence, { prune: 'off', untilForbidden: true }).forbidden;
    if (found) ex.forbidden = found;
  }
  const kept = ex.witness ?? (m === 'any' ? ex.forbidden : undefined);
  if (kept) ex.result.witness = buildWitness(test, kept, model);
  if (ex.flagged.size) {
    ex.result.flagWitnesses = {};
    for (const [f, k] of ex.flagged) {
      ex.result.flagWitnesses[f] = k === kept && ex.result.witness ? ex.result.witness : buildWitness(test, k, model);
    }
  }
  return ex;
}

/** Runs a test: herd's counts and verdict, flags, and a witness execution when there is one. */
export function runTest(test: LitmusTest, model: Model, bounds: Bounds = {}): TestResult {
  return exploreTest(test, model, bounds).result;
}
