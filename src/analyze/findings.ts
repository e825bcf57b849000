// Base vs bisection points vs patched → Findings: classification, the patch that introduced/fixed each race, stable fingerprints.
import { createHash } from 'node:crypto';
import { diffArrays } from 'diff';
import type { SourceSite } from './scenarios/litmus-builder.js';
import type { ScenarioRun, TraceStep } from './scenarios/types.js';

export type FindingStatus = 'introduced' | 'fixed' | 'still-present' | 'safe' | 'inconclusive';

export interface PatchRef {
  index: number;
  total: number;
  subject: string;
}

export interface FindingWitness {
  litmusName: string;
  litmus: string;
  /** How to reproduce with herd7 from the tree's tools/memory-model directory. */
  herdCommand: string;
  trace: TraceStep[];
  verdictReason: string;
  flags: string[];
  states: string[];
  /** Which tree state the witness comes from: 'patched', 'base' or 'after 3/9'. */
  from: string;
}

export interface Finding {
  fingerprint: string;
  scenario: string;
  scenarioNumber: number;
  scenarioTitle: string;
  instance: string;
  harden: boolean;
  property: string;
  status: FindingStatus;
  /** One line: why this status (the property violated, or the inconclusive reason). */
  reason: string;
  introducedBy?: PatchRef;
  fixedBy?: PatchRef;
  /** Verdict at every tree state that was run, base first. */
  history: { point: number; label: string; verdict: ScenarioRun['verdict'] }[];
  sites: SourceSite[];
  witness?: FindingWitness;
  assumptions: string[];
  executions: number;
  timeMs: number;
  /** Hunk lines of the series the finding is about, for quoting (`> `) in replies. */
  quoted?: QuotedHunk[];
}

export interface QuotedHunk {
  patch: number;
  total: number;
  file: string;
  header: string;
  /** Diff lines with their +/-/space marker; '[...]' where lines were trimmed. */
  lines: string[];
}

/** Scenario + property + the source sites involved (function and statement text, not line numbers). */
export function fingerprint(scenario: string, property: string, instance: string, sites: SourceSite[]): string {
  const parts = sites
    .map((s) => `${s.fn}|${s.code.replace(/\s+/g, ' ').trim()}`)
    .sort()
    .filter((x, i, a) => a.indexOf(x) === i);
  const h = createHash('sha256').update([scenario, property, instance.replace(/hardening (on|off)/, 'h:$1'), ...parts].join('\n')).digest('hex');
  return `${scenario}:${h.slice(0, 12)}`;
}

export interface PointRun {
  point: number;
  label: string;
  run: ScenarioRun;
}

/**
 * Classifies one scenario instance over the series. `runs` holds the base (point 0), the
 * bisection points and the final state, in order; points a scenario was not rerun at are absent
 * (their code is unchanged, so they share the previous verdict).
 */
export function classify(
  meta: { scenario: string; number: number; title: string; property: string },
  runs: PointRun[],
  patchRef: (point: number) => PatchRef | undefined,
  modelDir: string,
): Finding {
  const base = runs[0];
  const last = runs[runs.length - 1];
  const history = runs.map((r) => ({ point: r.point, label: r.label, verdict: r.run.verdict }));
  const executions = runs.reduce((n, r) => n + r.run.executions, 0);
  const timeMs = runs.reduce((n, r) => n + r.run.timeMs, 0);
  let status: FindingStatus;
  let reason: string;
  let introducedBy: PatchRef | undefined;
  let fixedBy: PatchRef | undefined;
  const inconclusive = runs.find((r) => r.run.verdict === 'inconclusive');
  // The last transitions decide which patch introduced or fixed the race.
  for (let i = 1; i < runs.length; i++) {
    const a = runs[i - 1].run.verdict;
    const b = runs[i].run.verdict;
    if (a === 'holds' && b === 'violated') introducedBy = patchRef(runs[i].point);
    if (a === 'violated' && b === 'holds') fixedBy = patchRef(runs[i].point);
  }
  if (base.run.verdict === 'inconclusive' || last.run.verdict === 'inconclusive') {
    status = 'inconclusive';
    const r = base.run.verdict === 'inconclusive' ? base : last;
    reason = `${r.label}: ${r.run.reason}`;
  } else if (base.run.verdict === 'holds' && last.run.verdict === 'violated') {
    status = 'introduced';
    reason = last.run.reason;
  } else if (base.run.verdict === 'violated' && last.run.verdict === 'holds') {
    status = 'fixed';
    reason = `the base violates it (${base.run.reason}); the patched code does not`;
  } else if (base.run.verdict === 'violated') {
    status = 'still-present';
    reason = last.run.reason;
  } else {
    status = introducedBy && fixedBy ? 'fixed' : 'safe';
    reason = introducedBy && fixedBy ? `violated at an intermediate patch only: ${runs.find((r) => r.run.verdict === 'violated')!.run.reason}` : last.run.reason;
    if (inconclusive) reason += ` (inconclusive at ${inconclusive.label}: ${inconclusive.run.reason})`;
  }
  // The witness shown: the patched one when violated there, else the latest violating state.
  const w = [...runs].reverse().find((r) => r.run.verdict === 'violated');
  const sites = w?.run.sites ?? [];
  const fp = fingerprint(meta.scenario, meta.property, last.run.instance, sites);
  let witness: FindingWitness | undefined;
  if (w && w.run.litmus && w.run.result) {
    const file = `${w.run.litmusName}.litmus`;
    witness = {
      litmusName: w.run.litmusName!,
      litmus: w.run.litmus,
      herdCommand: `cd ${modelDir} && herd7 -conf linux-kernel.cfg ${file}`,
      trace: w.run.trace ?? [],
      verdictReason: w.run.result.witness?.verdictReason ?? '',
      flags: w.run.result.flags,
      states: w.run.result.states,
      from: w.label,
    };
  }
  return {
    fingerprint: fp,
    scenario: meta.scenario,
    scenarioNumber: meta.number,
    scenarioTitle: meta.title,
    instance: last.run.instance,
    harden: last.run.harden,
    property: meta.property,
    status,
    reason,
    introducedBy,
    fixedBy,
    history,
    sites,
    witness,
    assumptions: last.run.assumptions,
    executions,
    timeMs,
  };
}

/**
 * Line provenance: for each bisection point, which patch added each line of each file (0 = base).
 * Built by diffing consecutive points' files line by line.
 */
export function lineProvenance(points: { files: Map<string, string> }[]): Map<string, number[]>[] {
  const out: Map<string, number[]>[] = [];
  points.forEach((pt, n) => {
    const m = new Map<string, number[]>();
    for (const [file, text] of pt.files) {
      const lines = text.split('\n');
      if (n === 0) {
        m.set(file, lines.map(() => 0));
        continue;
      }
      const prevText = points[n - 1].files.get(file);
      const prevOrigin = out[n - 1].get(file);
      if (prevText === undefined || !prevOrigin) {
        m.set(file, lines.map(() => n));
        continue;
      }
      if (prevText === text) {
        m.set(file, prevOrigin);
        continue;
      }
      const prevLines = prevText.split('\n');
      const origin: number[] = [];
      let oi = 0;
      for (const part of diffArrays(prevLines, lines)) {
        const k = part.value.length;
        if (part.added) for (let i = 0; i < k; i++) origin.push(n);
        else if (part.removed) oi += k;
        else {
          for (let i = 0; i < k; i++) origin.push(prevOrigin[oi + i] ?? 0);
          oi += k;
        }
      }
      m.set(file, origin);
    }
    out.push(m);
  });
  return out;
}
