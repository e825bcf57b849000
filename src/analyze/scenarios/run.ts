// Runs one scenario instance on one tree state: build, lower to litmus, explore under the tree's LKMM, map the witness back to C.
import { createHash } from 'node:crypto';
import type { Bounds, TestResult, Witness } from '../../sim/types.js';
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
    // One test name per instance, so emitted files and herd7 commands never collide.
    if (scenario.hardenMatters && !choice.env.harden) built.spec.name += '-noharden';
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
  // A flag property's trace must be an execution that raises the flag, not the condition's witness.
  const witness = flag ? (r.flagWitnesses?.[flag] ?? r.witness) : r.witness;
  const trace = witness ? mapWitness(witness, p.litmus, p.built) : undefined;
  return {
    ...base,
    verdict: 'violated',
    reason: flag ? `an execution raises ${flag}: ${p.built.violation}` : p.built.violation,
    trace,
    sites: involvedSites(trace ?? [], p.litmus, !!flag),
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

function mapWitness(w: Witness, lit: BuiltLitmus, built: BuiltScenario): TraceStep[] {
  return w.steps.map((s) => ({
    thread: s.thread,
    kind: s.kind,
    loc: s.loc,
    rf: s.readsFrom,
    threadTitle: built.spec.threads[s.thread]?.title ?? `P${s.thread}`,
    text: s.text,
    site: s.line !== undefined ? lit.sites.get(s.line) : undefined,
    readsFrom: describeSource(s.readsFrom, lit),
    stale: s.stale,
    value: show(s.value),
    racesWith: s.racesWith?.map((o) => describeSource(o, lit) ?? o),
  }));
}

const PLAIN = /(^|[^A-Za-z_])\*[A-Za-z_][A-Za-z0-9_]*\s*(=[^=]|;)|=\s*\*[A-Za-z_]/;

/**
 * The core sites a violation is about, for its fingerprint (stable when unrelated code changes):
 * reads that saw another thread's write and that write; writes to a location some read saw stale;
 * for a data-race property, the plain and marked accesses of locations several threads touch.
 * Locks and RCU markers are left out.
 */
function involvedSites(trace: TraceStep[], lit: BuiltLitmus, race: boolean): SourceSite[] {
  const out: SourceSite[] = [];
  const add = (s: SourceSite | undefined) => {
    if (s && s.origin === 'core' && !out.some((o) => o.fn === s.fn && o.code === s.code)) out.push(s);
  };
  const isSync = (t: TraceStep) => /spin_(un)?lock|rcu_read_(un)?lock|synchronize_rcu/.test(t.text);
  const staleLocs = new Set(trace.filter((t) => t.stale && t.loc).map((t) => t.loc!));
  for (const t of race ? [] : trace) {
    if (isSync(t)) continue;
    const m = t.rf ? /^P(\d+):line (\d+)$/.exec(t.rf) : null;
    if (t.kind === 'R' && m && Number(m[1]) !== t.thread) {
      add(t.site);
      add(lit.sites.get(Number(m[2])));
    }
    if (t.kind === 'W' && t.loc && staleLocs.has(t.loc)) add(t.site);
  }
  if (race && trace.some((t) => t.racesWith?.length)) {
    // The sim names the racing pairs itself: use exactly those accesses.
    for (const t of trace) if (t.racesWith?.length) add(t.site);
  } else if (race) {
    const byLoc = new Map<string, TraceStep[]>();
    for (const t of trace) if (t.loc && !isSync(t)) byLoc.set(t.loc, [...(byLoc.get(t.loc) ?? []), t]);
    for (const steps of byLoc.values()) {
      const threads = new Set(steps.map((t) => t.thread));
      if (threads.size > 1 && steps.some((t) => t.kind === 'W') && steps.some((t) => PLAIN.test(t.text))) steps.forEach((t) => add(t.site));
    }
  }
  return out;
}
