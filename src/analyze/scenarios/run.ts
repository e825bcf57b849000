// Runs one scenario instance on one tree state: build, lower to litmus, explore under the tree's LKMM, map the witness back to C.
import { createHash } from 'node:crypto';
import type { Bounds, TestResult } from '../../sim/types.js';
import { buildLitmus, siteLabel, type BuiltLitmus, type SourceSite } from './litmus-builder.js';
import { runLitmus } from './sim-adapter.js';
import type { BuiltScenario, CoreLowerer, InstanceChoice, Scenario, ScenarioRun, TraceStep } from './types.js';

export const DEFAULT_BOUNDS: Required<Bounds> = { maxExecutions: 200_000, timeoutMs: 20_000, unroll: 1 };

/** Results keyed by litmus text: bisection points that leave a scenario's code alone cost nothing. */
const cache = new Map<string, Promise<TestResult>>();

/** Forgets cached results (benchmarks measure cold runs). */
export function clearRunCache(): void {
  cache.clear();
}

export interface Prepared {
  scenario: Scenario;
  choice: InstanceChoice;
  built?: BuiltScenario;
  litmus?: BuiltLitmus;
  /** Set when building failed (unsupported construct, missing function). */
  error?: string;
}

export function prepare(scenario: Scenario, choice: InstanceChoice, lower: CoreLowerer): Prepared {
  try {
    const built = scenario.build(choice, lower);
    if (built.unsupported.length > 0) return { scenario, choice, built, error: `cannot lower: ${built.unsupported.join('; ')}` };
    return { scenario, choice, built, litmus: buildLitmus(built.spec) };
  } catch (e) {
    return { scenario, choice, error: (e as Error).message };
  }
}

export async function execute(p: Prepared, modelDir: string, bounds: Bounds = DEFAULT_BOUNDS): Promise<ScenarioRun> {
  const base: ScenarioRun = {
    scenario: p.scenario.id,
    instance: p.choice.label,
    harden: p.choice.env.harden,
    verdict: 'inconclusive',
    reason: p.error ?? '',
    sites: [],
    assumptions: p.built?.assumptions ?? [],
    executions: 0,
    timeMs: 0,
  };
  if (!p.litmus || !p.built) return base;
  base.litmus = p.litmus.text;
  base.litmusName = p.built.spec.name;
  const key = createHash('sha1').update(modelDir).update('\0').update(JSON.stringify(bounds)).update('\0').update(p.litmus.text).digest('hex');
  let pending = cache.get(key);
  if (!pending) {
    pending = runLitmus(p.litmus.text, `${p.built.spec.name}.litmus`, modelDir, bounds);
    cache.set(key, pending);
  }
  let r: TestResult;
  const t0 = Date.now();
  try {
    r = await pending;
  } catch (e) {
    cache.delete(key);
    return { ...base, reason: `the sim rejected the lowered test: ${(e as Error).message.split('\n')[0]}` };
  }
  base.timeMs = Date.now() - t0;
  base.result = r;
  base.executions = r.candidates;
  if (r.inconclusive) return { ...base, reason: `sim bound hit: ${r.inconclusive.reason}` };
  const flag = p.built.flagProperty;
  const violated = flag ? r.flags.includes(flag) : r.positive > 0;
  if (!violated) {
    return {
      ...base,
      verdict: 'holds',
      reason: flag
        ? `no consistent execution raises ${flag} (${r.consistent} consistent of ${r.candidates} candidates)`
        : `no consistent execution satisfies the bad outcome (${r.consistent} consistent of ${r.candidates} candidates)`,
    };
  }
  const trace = r.witness ? mapWitness(r, p.litmus, p.built) : undefined;
  return {
    ...base,
    verdict: 'violated',
    reason: flag ? `an execution raises ${flag}: ${p.built.violation}` : p.built.violation,
    trace,
    sites: involvedSites(trace ?? []),
  };
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && 'loc' in v) return `&${(v as { loc: string }).loc}`;
  return String(v);
}

/** "P0:line 20" → "P0 virtio_config.h:296 virtio_device_ready" (the write's source). */
function describeSource(rf: string | undefined, lit: BuiltLitmus): string | undefined {
  const m = rf ? /^P(\d+):line (\d+)$/.exec(rf) : null;
  if (!m) return rf;
  const site = lit.sites.get(Number(m[2]));
  return site ? `P${m[1]}'s ${site.origin === 'core' ? siteLabel(site) : site.fn}` : rf;
}

function mapWitness(r: TestResult, lit: BuiltLitmus, built: BuiltScenario): TraceStep[] {
  return r.witness!.steps.map((s) => ({
    thread: s.thread,
    threadTitle: built.spec.threads[s.thread]?.title ?? `P${s.thread}`,
    text: s.text,
    site: s.line !== undefined ? lit.sites.get(s.line) : undefined,
    readsFrom: describeSource(s.readsFrom, lit),
    stale: s.stale,
    value: show(s.value),
  }));
}

/** Core sites of the memory accesses in the violating execution, deduplicated (locks and env excluded). */
function involvedSites(trace: TraceStep[]): SourceSite[] {
  const out: SourceSite[] = [];
  for (const t of trace) {
    if (!t.site || t.site.origin !== 'core') continue;
    if (/spin_(un)?lock|rcu_read_(un)?lock/.test(t.text)) continue;
    if (!out.some((o) => o.file === t.site!.file && o.line === t.site!.line)) out.push(t.site);
  }
  return out;
}
