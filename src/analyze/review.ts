// Findings → Review: applies the series, runs the scenarios its hunks touch at base, every bisection point and patched, and classifies.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Series, Patch } from '../ingest/types.js';
import type { Bounds } from '../sim/types.js';
import { applySeries, type BisectionPoint } from './apply.js';
import { classify, lineProvenance, type Finding, type PatchRef, type PointRun, type QuotedHunk } from './findings.js';
import { checkTransportFacts } from './env/transport.js';
import type { BaseTree } from './tree.js';
import { SCENARIOS } from './scenarios/index.js';
import { locateByText, makeLowerer, type HeaderReader } from './scenarios/lowering.js';
import { DEFAULT_BOUNDS, execute, prepare, type Prepared } from './scenarios/run.js';
import type { SourceSite } from './scenarios/litmus-builder.js';
import type { CoreLowerer, FunctionRange, InstanceChoice, Scenario, ScenarioRun } from './scenarios/types.js';

export interface ReviewOptions {
  /** Run every scenario, not only those whose code the series touches. */
  all?: boolean;
  /** Write each scenario instance's litmus test (patched state) into this directory. */
  emitLitmus?: string;
  bounds?: Bounds;
  /** Only these scenarios (ids or numbers), for tests and benchmarks. */
  only?: string[];
  /** Hardening settings to run when the option matters (default both). */
  harden?: boolean[];
  /** An earlier version of the same series, to say which of its findings this version fixes. */
  previous?: Series;
}

export interface ScenarioSummary {
  id: string;
  number: number;
  title: string;
  /** Why it ran: 'touched by 2/3 (virtio_device_ready)', '--all', or why it was skipped. */
  why: string;
  ran: boolean;
  instances: number;
  executions: number;
  timeMs: number;
}

export interface Review {
  series: {
    title: string;
    version: number;
    total: number;
    author: string;
    rootMessageId: string;
    patches: { index: number; subject: string; messageId: string }[];
  };
  tree: string;
  model: string;
  findings: Finding[];
  scenarios: ScenarioSummary[];
  applyProblems: { patch: number; file: string; hunk?: string; message: string }[];
  notAnalysed: string[];
  notes: string[];
  /** Findings of the previous version that this version no longer has. */
  fixedSincePrevious?: { version: number; findings: Finding[] };
  explored: {
    scenarios: number;
    instances: number;
    executions: number;
    timeMs: number;
    /** Of timeMs: parsing the core at the base, the patched state and the points in between (the C front-end). */
    parseMs: number;
    assumptions: string[];
  };
}

function patchRefFor(series: Series, point: number): PatchRef | undefined {
  const p = series.patches[point - 1];
  return p ? { index: point, total: series.patches.length, subject: p.subject.title } : undefined;
}

/** Lowerers per bisection point, built on first use and shared by points whose core files are identical. */
class PointLowerers {
  private cache = new Map<number, Promise<CoreLowerer>>();
  private byContent = new Map<string, Promise<CoreLowerer>>();
  private prepared = new Map<string, Prepared>();
  constructor(
    private points: BisectionPoint[],
    private readHeader?: HeaderReader,
  ) {}
  get(point: number): Promise<CoreLowerer> {
    let l = this.cache.get(point);
    if (!l) {
      const files = this.points[point].files;
      const h = createHash('sha1');
      for (const [k, v] of [...files].sort(([a], [b]) => a.localeCompare(b))) h.update(k).update('\0').update(v).update('\0');
      const key = h.digest('hex');
      l = this.byContent.get(key);
      if (!l) {
        l = makeLowerer(files, this.readHeader);
        this.byContent.set(key, l);
      }
      this.cache.set(point, l);
    }
    return l;
  }
  /** A scenario instance built at a point, once. */
  async prepare(point: number, sc: Scenario, choice: InstanceChoice): Promise<Prepared> {
    const key = `${point}|${sc.id}|${choice.label}`;
    let p = this.prepared.get(key);
    if (!p) {
      p = prepare(sc, choice, await this.get(point));
      this.prepared.set(key, p);
    }
    return p;
  }
  /**
   * The code a scenario's lowering can depend on at a point, comments and blank space removed: the
   * given functions, every core function they call (transitively), and every macro definition of the
   * core files. Equal keys mean the same lowered test, so the previous verdict carries over.
   */
  codeOf(point: number, fns: Iterable<string>): string {
    const files = this.points[point].files;
    const norm = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, ' ').replace(/\s+/g, ' ');
    const seen = new Map<string, string>();
    const queue = [...fns];
    while (queue.length && seen.size < 200) {
      const fn = queue.shift()!;
      if (seen.has(fn)) continue;
      const r = locateByText(files, fn);
      if (!r) {
        seen.set(fn, 'absent');
        continue;
      }
      const text = norm((files.get(r.file) ?? '').split('\n').slice(r.start - 1, r.end).join('\n'));
      seen.set(fn, text);
      for (const m of text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) if (!seen.has(m[1]) && !/^(if|while|for|switch|return|sizeof)$/.test(m[1])) queue.push(m[1]);
    }
    const macros: string[] = [];
    for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      const defs = text.match(/^\s*#\s*define\b(?:.*\\\n)*.*$/gm) ?? [];
      macros.push(`${file}:${norm(defs.join('\n'))}`);
    }
    return [...[...seen].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}:${v}`), ...macros].join('\n');
  }
  /** Where a function is at a point, from the text (no parse needed). */
  locate(point: number, fn: string): FunctionRange | undefined {
    return locateByText(this.points[point].files, fn);
  }
}

function overlaps(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/** Which patches' hunks touch the functions this scenario lowers (ranges located at that patch's before/after state). */
async function touchingPatches(
  scenario: Scenario,
  series: Series,
  points: BisectionPoint[],
  lowerers: PointLowerers,
  inlined: Set<string>,
): Promise<{ patch: number; fn: string }[]> {
  const out: { patch: number; fn: string }[] = [];
  const fns = new Set([...scenario.functions, ...inlined]);
  for (let i = 1; i < points.length; i++) {
    const patch: Patch | undefined = series.patches[i - 1];
    if (!patch) continue;
    for (const f of patch.files) {
      if (!f.analysed) continue;
      for (const h of f.hunks) {
        for (const fn of fns) {
          const b = lowerers.locate(i - 1, fn);
          const a = lowerers.locate(i, fn);
          const hitOld = b && b.file === f.oldPath && overlaps([h.oldStart, h.oldStart + Math.max(h.oldLines, 1) - 1], [b.start, b.end]);
          const hitNew = a && a.file === f.newPath && overlaps([h.newStart, h.newStart + Math.max(h.newLines, 1) - 1], [a.start, a.end]);
          // A function the series adds (absent before) counts when the scenario ends up inlining it.
          if (hitOld || hitNew) out.push({ patch: i, fn });
        }
      }
    }
  }
  return out;
}

/** Attaches "added by patch k" to core sites, using line provenance at the state the witness came from. */
function attributeSites(sites: SourceSite[], provenance: Map<string, number[]>, series: Series): void {
  for (const s of sites) {
    if (s.origin !== 'core') continue;
    const origin = provenance.get(s.file)?.[s.line - 1];
    if (!origin) continue;
    const patch = series.patches[origin - 1];
    let patchLine = 0;
    for (const f of patch?.files ?? []) {
      if (f.newPath !== s.file) continue;
      for (const h of f.hunks)
        for (const l of h.lines) if (l.type === 'add' && l.content.trim() === s.code.trim() && !patchLine) patchLine = l.patchLine;
    }
    s.patch = { index: origin, total: series.patches.length, patchLine };
  }
}

/**
 * The hunk lines worth quoting for a finding: hunks of patches that added a site of the witness, or
 * else hunks that touch the scenario's functions; context trimmed to two lines around changes.
 */
function quoteFor(f: Finding, series: Series, points: BisectionPoint[], touches: { patch: number; fn: string }[]): QuotedHunk[] {
  const out: QuotedHunk[] = [];
  const sitePatches = new Set(f.sites.filter((s) => s.patch).map((s) => s.patch!.index));
  const wanted = sitePatches.size ? sitePatches : new Set(touches.map((t) => t.patch));
  for (const idx of [...wanted].sort((a, b) => a - b)) {
    const patch = series.patches[idx - 1];
    if (!patch) continue;
    for (const file of patch.files) {
      if (!file.analysed) continue;
      for (const h of file.hunks) {
        const fnsHere = touches.filter((t) => t.patch === idx).map((t) => t.fn);
        const mentions = h.lines.some((l) => l.type !== 'context' && f.sites.some((s) => s.code.trim() && l.content.trim() === s.code.trim()));
        const inFn = fnsHere.some((fn) => h.header.includes(fn) || h.lines.some((l) => l.content.includes(fn + '(')));
        if (!mentions && !inFn && sitePatches.size) continue;
        if (!mentions && !inFn && !h.lines.some((l) => l.type !== 'context')) continue;
        const keep = new Set<number>();
        h.lines.forEach((l, i) => {
          if (l.type !== 'context') for (let k = i - 2; k <= i + 2; k++) keep.add(k);
        });
        const lines: string[] = [];
        let gap = false;
        h.lines.forEach((l, i) => {
          if (!keep.has(i)) {
            gap = true;
            return;
          }
          if (gap && lines.length) lines.push('[...]');
          gap = false;
          lines.push((l.type === 'add' ? '+' : l.type === 'del' ? '-' : ' ') + l.content);
        });
        out.push({ patch: idx, total: series.patches.length, file: file.newPath === '/dev/null' ? file.oldPath : file.newPath, header: h.header, lines });
        if (out.length >= 4) return out;
      }
    }
  }
  void points;
  return out;
}

export async function reviewSeries(series: Series, tree: BaseTree, opts: ReviewOptions = {}): Promise<Review> {
  const t0 = Date.now();
  const bounds = { ...DEFAULT_BOUNDS, ...(opts.bounds ?? {}) };
  const applied = applySeries(tree, series);
  const points = applied.points;
  // The uapi ring headers are parsed from the base tree (a series' analysed files are the four core files).
  const lowerers = new PointLowerers(points, (p) => tree.read(p));
  const provenance = lineProvenance(points);
  const modelDir = tree.memoryModelDir;
  const notes = [...applied.notes];
  for (const issue of checkTransportFacts((p) => tree.read(p))) notes.push(`environment model: ${issue}`);
  const findings: Finding[] = [];
  const summaries: ScenarioSummary[] = [];
  const allAssumptions: string[] = [];
  let executions = 0;
  let instances = 0;
  const last = points.length - 1;
  const scenarios = SCENARIOS.filter((s) => !opts.only || opts.only.includes(s.id) || opts.only.includes(String(s.number)));
  if (opts.emitLitmus) mkdirSync(opts.emitLitmus, { recursive: true });
  // Parse the base, the patched tree and every point a patch changed the core at, up front and timed
  // on their own: scenarios then share them.
  const p0 = Date.now();
  for (const pt of points) if (pt.afterPatch === 0 || pt.afterPatch === last || series.patches[pt.afterPatch - 1]?.files.some((f) => f.analysed)) await lowerers.get(pt.afterPatch);
  const parseMs = Date.now() - p0;

  for (const sc of scenarios) {
    const st0 = Date.now();
    const hardens = sc.hardenMatters ? (opts.harden ?? [true, false]) : [true];
    // Which functions the scenario inlines at base and at the end (a series may add helpers).
    const inlined = new Set<string>();
    for (const pt of [0, last]) {
      for (const h of hardens)
        for (const ch of sc.choices(h)) (await lowerers.prepare(pt, sc, ch)).built?.functions.forEach((f: FunctionRange) => inlined.add(f.fn));
    }
    const touches = await touchingPatches(sc, series, points, lowerers, inlined);
    const touchedBy = [...new Set(touches.map((t) => t.patch))];
    // A hunk that failed to apply inside (or across) a function the scenario lowers leaves the
    // code at that point unknown: the scenario is inconclusive from that patch on.
    const failedAt = new Map<number, string>();
    for (const pr of applied.problems) {
      const m = pr.hunk ? /@@ -(\d+)(?:,(\d+))? /.exec(pr.hunk) : null;
      const range: [number, number] | undefined = m ? [Number(m[1]), Number(m[1]) + Math.max(Number(m[2] ?? 1), 1) - 1] : undefined;
      const hit = [...new Set([...sc.functions, ...inlined])].find((fn) => {
        const at = lowerers.locate(pr.patch - 1, fn);
        return at && at.file === pr.file && (!range || overlaps(range, [at.start, at.end]));
      });
      if (hit && !failedAt.has(pr.patch)) failedAt.set(pr.patch, `${pr.patch}/${series.patches.length}: ${pr.hunk ?? pr.file} failed to apply (${hit})`);
    }
    for (const p of failedAt.keys()) if (!touchedBy.includes(p)) touchedBy.push(p);
    touchedBy.sort((a, b) => a - b);
    if (!opts.all && touchedBy.length === 0) {
      summaries.push({ id: sc.id, number: sc.number, title: sc.title, why: 'not touched by the series', ran: false, instances: 0, executions: 0, timeMs: 0 });
      continue;
    }
    // Points to run: base, each patch that touches the scenario, and the final state.
    const runPoints = opts.all ? points.map((p) => p.afterPatch) : [...new Set([0, ...touchedBy, last])].sort((a, b) => a - b);
    runPoints.splice(0, runPoints.length, ...runPoints.filter((p) => p <= last));
    let scExec = 0;
    let scInst = 0;
    for (const h of hardens) {
      for (const choice of sc.choices(h)) {
        const runs: PointRun[] = [];
        let prevText: string | undefined;
        let prevRun: ScenarioRun | undefined;
        let prevCode: string | undefined;
        for (const pt of runPoints) {
          // Code of the inlined functions unchanged (comments and spacing aside): same test, same verdict.
          const code = lowerers.codeOf(pt, inlined);
          let run: ScenarioRun;
          if (prevRun && code === prevCode && pt !== last) {
            run = { ...prevRun, executions: 0, timeMs: 0 };
          } else {
            const prepared = await lowerers.prepare(pt, sc, choice);
            if (prepared.litmus && prevRun && prevText === prepared.litmus.text) run = { ...prevRun, executions: 0, timeMs: 0 };
            else run = await execute(prepared, modelDir, bounds);
            prevText = prepared.litmus?.text;
          }
          const failed = [...failedAt].filter(([p]) => p <= pt).map(([, why]) => why);
          if (failed.length) run = { ...run, verdict: 'inconclusive', reason: `hunk failed: ${failed.join('; ')}`, trace: undefined, sites: [] };
          prevCode = code;
          prevRun = run;
          attributeSites(run.sites, provenance[pt], series);
          for (const t of run.trace ?? []) if (t.site) attributeSites([t.site], provenance[pt], series);
          runs.push({ point: pt, label: pt === 0 ? 'base' : pt === last ? 'patched' : `after ${pt}/${series.patches.length}`, run });
          if (pt === last && opts.emitLitmus && run.litmus) {
            writeFileSync(join(opts.emitLitmus, `${run.litmusName}.litmus`), run.litmus);
          }
        }
        if (runs.length === 1) runs.push({ ...runs[0], label: 'patched' });
        const f = classify({ scenario: sc.id, number: sc.number, title: sc.title, property: sc.property }, runs, (p) => patchRefFor(series, p), modelDir);
        if (f.status !== 'safe') f.quoted = quoteFor(f, series, points, touches);
        findings.push(f);
        for (const a of f.assumptions) if (!allAssumptions.includes(a)) allAssumptions.push(a);
        scExec += f.executions;
        scInst++;
        instances++;
      }
    }
    executions += scExec;
    const why = touchedBy.length
      ? `touched by ${touchedBy.map((p) => `${p}/${series.patches.length}`).join(', ')} (${[...new Set(touches.map((t) => t.fn))].join(', ')})`
      : '--all';
    summaries.push({ id: sc.id, number: sc.number, title: sc.title, why, ran: true, instances: scInst, executions: scExec, timeMs: Date.now() - st0 });
  }

  let fixedSincePrevious: Review['fixedSincePrevious'];
  if (opts.previous) {
    const prev = await reviewSeries(opts.previous, tree, { ...opts, previous: undefined, emitLitmus: undefined });
    const now = new Set(findings.filter((f) => f.status === 'introduced' || f.status === 'still-present').map((f) => f.fingerprint));
    const gone = prev.findings.filter((f) => (f.status === 'introduced' || f.status === 'still-present') && !now.has(f.fingerprint));
    fixedSincePrevious = { version: opts.previous.version, findings: gone };
  }

  const first = series.patches[0];
  return {
    series: {
      title: series.title,
      version: series.version,
      total: series.total,
      author: series.cover?.author ?? first?.author ?? '',
      rootMessageId: series.rootMessageId,
      patches: series.patches.map((p, i) => ({ index: i + 1, subject: p.subject.title, messageId: p.messageId })),
    },
    tree: tree.describe(),
    model: join(modelDir, 'linux-kernel.cat'),
    findings,
    scenarios: summaries,
    applyProblems: applied.problems.map((p) => ({ patch: p.patch, file: p.file, hunk: p.hunk, message: p.message })),
    notAnalysed: applied.notAnalysed,
    notes,
    fixedSincePrevious,
    explored: { scenarios: summaries.filter((s) => s.ran).length, instances, executions, timeMs: Date.now() - t0, parseMs, assumptions: allAssumptions },
  };
}

/** Runs every scenario instance on one set of core files (no series): what `--all` reports for the base. */
export async function analyzeFiles(
  files: Map<string, string>,
  modelDir: string,
  opts: { only?: string[]; harden?: boolean[]; bounds?: Bounds; readHeader?: HeaderReader } = {},
): Promise<{ scenario: Scenario; harden: boolean; run: ScenarioRun }[]> {
  const lw = await makeLowerer(files, opts.readHeader);
  const out: { scenario: Scenario; harden: boolean; run: ScenarioRun }[] = [];
  for (const sc of SCENARIOS) {
    if (opts.only && !opts.only.includes(sc.id) && !opts.only.includes(String(sc.number))) continue;
    for (const h of sc.hardenMatters ? (opts.harden ?? [true, false]) : [true]) {
      for (const ch of sc.choices(h)) out.push({ scenario: sc, harden: h, run: await execute(prepare(sc, ch, lw), modelDir, { ...DEFAULT_BOUNDS, ...(opts.bounds ?? {}) }) });
    }
  }
  return out;
}
