// Exploration: per-thread paths × reads-from choices → candidate executions, judged by the cat model; herd-style counts.
import type { Event, Execution, Judgement, Value } from './execution.js';
import type { LitmusTest, Prop, RLoc } from './litmus/ast.js';
import { EventSet, Relation } from './relation.js';
import type { PartialInput, PartialVerdict } from './cat/partial.js';
import { reachForbids, type AtomicityRule, type RfReach } from './cat/rf-cycles.js';
import { CoSplitMismatch } from './cat/stdlib.js';
import { parseDef, type MacroTable } from './def.js';
import { compareValue, evalSym, shiftSym, showValue, symVars, truthy, valueEq, ValueError, type Sym } from './sym.js';
import { PathLimitError, SimError, testLocations, threadPaths, type Path } from './threads.js';
import type { Bounds, Observation, TestResult } from './types.js';
import { fromWire, type ParallelRunner, type Share, type ShareResult } from './parallel.js';
import { canonicalPaths, classIndex, groupImages, imagesOf, permuteRelation, permuteSet, threadSymmetry, type ThreadSymmetry, type WeightedImage } from './symmetry.js';

/** What exploration needs from a loaded model (src/sim/model.ts's Model satisfies it). */
export interface ModelLike {
  dir: string;
  name: string;
  defText: string;
  defFile?: string;
}

export type JudgeFn = (model: ModelLike, exec: Execution) => Iterable<Judgement>;

/**
 * Partial judging (cat/partial.ts): per skeleton, a judge of partial executions that answers `fails`/`none`
 * only when no completion of the partial execution can be consistent.
 */
export interface PartialJudge {
  judge(input: PartialInput): PartialVerdict;
  /** Reachability in the lower bounds of the model's checks that contain rf (cat/rf-cycles.ts), if it has any. */
  rfReach?(input: PartialInput): RfReach[] | undefined;
  /** The model's atomicity check, when it has the form cat/rf-cycles.ts recognises. */
  atomicity?: AtomicityRule;
}

/**
 * When exploration prunes with partial judging. 'auto': only path combinations whose search space (rf
 * candidates times lock orders) exceeds PRUNE_THRESHOLD, where the saving outweighs the cost of the extra
 * judging; 'on': always (tests use it to compare with 'off'); 'off': never.
 */
export type PruneMode = 'auto' | 'on' | 'off';
export const PRUNE_THRESHOLD = 2_000;

export interface ExploreOptions {
  prune?: PruneMode;
  /** A fresh partial judge for one skeleton (undefined: the model cannot be judged partially). */
  partial?: () => PartialJudge | undefined;
  /** Stop at the first rejected candidate with the condition's outcome (a search for a witness only). */
  untilForbidden?: boolean;
  /** Explore only this part of one path choice's lock orders (a worker's share; parallel.ts). */
  share?: Share;
  /** Workers for large lock-order searches (parallel.ts); without it, one thread searches everything. */
  parallel?: ParallelRunner;
}

/** Lock orders from which a path choice's search is split across workers (when there are any). */
export const PARALLEL_MIN_ORDERS = 720;

export const DEFAULT_BOUNDS: Required<Bounds> = { maxExecutions: 1_000_000, timeoutMs: 60_000, unroll: 2 };

/** One execution kept for output: the witness of the condition (or the first forbidden candidate). */
export interface KeptExecution {
  exec: Execution;
  judgement: Judgement;
  /** Final values of the displayed registers and locations, and of the condition's. */
  state: Map<string, Value>;
  consistent: boolean;
}

export interface Exploration {
  result: TestResult;
  /** A consistent execution satisfying exists (violating ~exists/forall), if any. */
  witness?: KeptExecution;
  /** When there is no such consistent execution: a candidate with the outcome that the model rejects. */
  forbidden?: KeptExecution;
  /** A consistent execution of the test (first found), for graphs when nothing else is kept. */
  sample?: KeptExecution;
  /** For each flag raised: the first consistent execution raising it. */
  flagged: Map<string, KeptExecution>;
  /** With a share: the final states with their values, and the unit each kept execution was found in. */
  part?: { states: Map<string, Value[]>; units: Map<string, number> };
}

const macroCache = new WeakMap<object, MacroTable>();
const coherenceCache = new Map<string, boolean>();

export function macrosOf(model: ModelLike): MacroTable {
  let m = macroCache.get(model);
  if (!m) {
    m = parseDef(model.defText, model.defFile ?? 'linux-kernel.def');
    macroCache.set(model, m);
  }
  return m;
}

/**
 * Whether the model states per-location coherence (`acyclic po-loc | com`), the axiom that justifies
 * dropping reads-from choices that contradict program order on one location before judging them.
 * Without it, nothing is pruned.
 */
export function modelHasCoherence(modelText: string): boolean {
  const stripped = modelText.replace(/\(\*[\s\S]*?\*\)/g, ' ');
  return /acyclic\s+\(?\s*po-loc\s*\|\s*com\s*\)?\s+as/.test(stripped) || /acyclic\s+\(?\s*com\s*\|\s*po-loc\s*\)?\s+as/.test(stripped);
}

export function coherenceOf(model: ModelLike, readCat: (model: ModelLike) => string | undefined): boolean {
  const key = `${model.dir}\0${model.name}`;
  let v = coherenceCache.get(key);
  if (v === undefined) {
    const text = readCat(model);
    v = text !== undefined && modelHasCoherence(text);
    coherenceCache.set(key, v);
  }
  return v;
}

export class TestError extends Error {}

function rlocKey(l: RLoc): string {
  return l.k === 'reg' ? `${l.thread}:${l.name}` : l.name;
}

function propLocs(p: Prop | undefined, out: RLoc[]): void {
  if (!p) return;
  switch (p.k) {
    case 'atom':
      out.push(p.lhs);
      break;
    case 'and':
    case 'or':
      for (const q of p.ps) propLocs(q, out);
      break;
    case 'not':
      propLocs(p.p, out);
      break;
    case 'implies':
      propLocs(p.a, out);
      propLocs(p.b, out);
      break;
  }
}

/** herd's display order: registers by thread then name, then shared locations by name. */
function compareRLoc(a: RLoc, b: RLoc): number {
  if (a.k === 'reg' && b.k === 'reg') return a.thread - b.thread || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  if (a.k === 'reg') return -1;
  if (b.k === 'reg') return 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function evalProp(p: Prop, get: (l: RLoc) => Value): boolean {
  switch (p.k) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'atom': {
      const v = get(p.lhs);
      const want: Value = 'num' in p.rhs ? p.rhs.num : { loc: p.rhs.loc };
      return valueEq(v, want);
    }
    case 'and':
      return p.ps.every((q) => evalProp(q, get));
    case 'or':
      return p.ps.some((q) => evalProp(q, get));
    case 'not':
      return !evalProp(p.p, get);
    case 'implies':
      return !evalProp(p.a, get) || evalProp(p.b, get);
  }
}

interface Frame {
  events: Event[];
  /** Symbolic value per event (writes, SRCU events), execution-wide variable ids. */
  sym: (Sym | undefined)[];
  /** Event id of each variable's read. */
  varEvent: number[];
  reads: { eid: number; v: number; cands: number[]; earlierSameLoc: number[] }[];
  constraints: { s: Sym; want: boolean; vars: number[] }[];
  regs: Map<string, Sym>[];
  po: Relation;
  rmw: Relation;
  addr: Relation;
  data: Relation;
  ctrl: Relation;
  IW: EventSet;
  cutoff?: { thread: number; line: number };
  nVars: number;
}

/**
 * Runs one test under a model: all candidate executions, their judgements, and herd's summary.
 *
 * With pruning (opts.prune, see PruneMode), the search over one path combination changes in three ways, none
 * of which changes the set of consistent executions or their count:
 *   - Each lock's writes (LKW events at one location) get an order chosen first, by the search itself, and
 *     the model's co generation is limited to co containing it (Execution.coSplit). Every order is tried, and
 *     every generated co orders those writes one way, so together the choices give exactly the executions
 *     the model gives without them. (If the model's co is not generated over those writes, the limit cannot
 *     apply: the stdlib throws CoSplitMismatch and the test is explored again without pruning.)
 *   - Reads are then bound in the order of the critical sections holding them, so that each read meets the
 *     writes it must see early.
 *   - After each choice, the partial execution is judged by bounds (cat/partial.ts); when every completion
 *     is certain to fail a check (or to have no co at all), the subtree is skipped. Skipped candidates are
 *     inconsistent ones, so they are not counted as candidates, and a rejected candidate with the
 *     condition's outcome (Exploration.forbidden) may then not be found.
 */
export function explore(
  test: LitmusTest,
  model: ModelLike,
  judge: JudgeFn,
  bounds: Bounds = {},
  coherence = false,
  opts: ExploreOptions = {},
): Exploration {
  const until = opts.untilForbidden ?? false;
  if ((opts.prune ?? 'auto') === 'off' || !opts.partial) return exploreWith(test, model, judge, bounds, coherence, undefined, 'off', until);
  const split = { share: opts.share, parallel: until ? undefined : opts.parallel };
  try {
    return exploreWith(test, model, judge, bounds, coherence, opts.partial, opts.prune ?? 'auto', until, split);
  } catch (e) {
    // a share is a part of a pruned search: without pruning it means nothing (the caller redoes the part)
    if (e instanceof CoSplitMismatch && !opts.share) return exploreWith(test, model, judge, bounds, coherence, undefined, 'off', until);
    throw e;
  }
}

function exploreWith(
  test: LitmusTest,
  model: ModelLike,
  judge: JudgeFn,
  bounds: Bounds,
  coherence: boolean,
  partial: (() => PartialJudge | undefined) | undefined,
  prune: PruneMode,
  untilForbidden: boolean,
  split: { share?: Share; parallel?: ParallelRunner } = {},
): Exploration {
  const { share, parallel } = split;
  const t0 = performance.now();
  const b = { ...DEFAULT_BOUNDS, ...bounds };
  const macros = macrosOf(model);
  const locations = testLocations(test);
  const initVal = new Map<string, Value>();
  const regInit = new Map<string, Value>();
  for (const i of test.init) {
    const v: Value | undefined = i.value ? ('num' in i.value ? i.value.num : { loc: i.value.loc }) : undefined;
    if (i.kind === 'loc') initVal.set(i.name, v ?? 0);
    else regInit.set(`${i.thread}:${i.name}`, v ?? 0);
  }
  const ctx = { file: test.file, macros, locations, unroll: b.unroll, lines: test.lines, regInit };
  let paths: Path[][];
  try {
    paths = test.threads.map((th) => threadPaths(th, ctx));
  } catch (e) {
    if (e instanceof PathLimitError) throw new TestError(`${test.file}: ${e.message}`);
    throw e;
  }

  // Displayed locations: the condition's and the `locations` clause's, in herd's order.
  const shownRaw: RLoc[] = [];
  propLocs(test.condition.prop, shownRaw);
  shownRaw.push(...test.locations);
  const shown: RLoc[] = [];
  const seen = new Set<string>();
  for (const l of [...shownRaw].sort(compareRLoc)) {
    const key = rlocKey(l);
    if (!seen.has(key)) {
      seen.add(key);
      shown.push(l);
    }
  }
  const observedLocs = shown.filter((l) => l.k === 'loc').map((l) => l.name);
  for (const l of shown) {
    if (l.k === 'reg' && l.thread >= test.threads.length) {
      throw new TestError(`${test.file}: the condition names ${rlocKey(l)}, but there is no thread P${l.thread}`);
    }
  }

  // Interchangeable threads (symmetry.ts): with pruning, one canonical prefix per orbit is explored and each
  // execution found stands for its images.  'auto' uses it only where pruning would apply.
  let symmetry: ThreadSymmetry = { classes: [], privates: [] };
  if (partial && prune !== 'off' && paths.every((p) => p.length > 0)) {
    const found = threadSymmetry(test, new Set(observedLocs));
    if (found.classes.length && (prune === 'on' || searchSize(buildFrame(paths.map((p) => p[0]), locations, initVal, coherence)) > PRUNE_THRESHOLD)) {
      symmetry = found;
    }
  }
  const classes = symmetry.classes;
  const sym = classes.length > 0;
  const privateLocs = new Set(symmetry.privates.flat(2));
  const cidx = classIndex(classes, test.threads.length);
  // threads whose registers the condition, the filter or the display read: images agreeing on them agree on the state
  const relevantLocs: RLoc[] = [...shown];
  propLocs(test.condition.prop, relevantLocs);
  propLocs(test.filter, relevantLocs);
  const relevant = [...new Set(relevantLocs.flatMap((l) => (l.k === 'reg' ? [l.thread] : [])))].sort((a, b) => a - b);
  /** Per canonical prefix: its distinct images, grouped by state (just the execution itself without symmetry). */
  let images: WeightedImage[] = IDENTITY;

  const states = new Map<string, Value[]>();
  let positive = 0;
  let negative = 0;
  let candidates = 0;
  let consistent = 0;
  const flags = new Set<string>();
  let inconclusive: { reason: string } | undefined;
  let loopCut = false;
  let witness: KeptExecution | undefined;
  let forbidden: KeptExecution | undefined;
  let sample: KeptExecution | undefined;
  const flagged = new Map<string, KeptExecution>();
  const quant = test.condition.quant;
  const deadline = Date.now() + b.timeoutMs;
  let stop = false;

  let pruned = 0;
  /** Threads that searched parts of this test (parallel.ts), 1 when no worker reported. */
  let threads = 1;
  /** Unit (first lock write's index in the first lock) being searched, and where each kept execution was found. */
  let curUnit = -1;
  const keptUnit = new Map<string, number>();
  /** Set by leaf() when the execution it judged (or one of its co choices) is consistent. */
  let leafConsistent = false;
  /**
   * The image of a kept execution in which thread t does what thread inv[t] did (see symmetry.ts): rebuilt on
   * the image's own path choice, so events carry their own threads and source lines, and every relation is
   * carried over by the event correspondence (same thread position, same place in program order).
   */
  const imageKept = (k: KeptExecution, inv: Int32Array, locFwd?: Map<string, string>): KeptExecution => {
    const nT = inv.length;
    const fwd = new Int32Array(nT);
    for (let t = 0; t < nT; t++) fwd[inv[t]] = t;
    const frI = buildFrame(
      Array.from({ length: nT }, (_, t) => paths[t][idx[inv[t]]]),
      locations,
      initVal,
      coherence,
    );
    const base = new Int32Array(nT).fill(-1);
    for (const e of frI.events) if (e.thread >= 0 && base[e.thread] < 0) base[e.thread] = e.id;
    const src = k.exec.events;
    const map = new Int32Array(src.length);
    // initial writes: one per location, in `locations` order; a renamed private location moves with its thread
    const initId = (loc: string): number => locations.indexOf(locFwd?.get(loc) ?? loc);
    for (const e of src) map[e.id] = e.thread < 0 ? initId(e.loc!) : base[fwd[e.thread]] + e.poIndex;
    const events = frI.events.map((e) => ({ ...e }));
    for (const e of src) {
      const ev = events[map[e.id]];
      ev.value = locFwd && typeof e.value === 'object' ? { loc: locFwd.get(e.value.loc) ?? e.value.loc } : e.value;
    }
    const perm = (r: Relation): Relation => permuteRelation(r, map);
    const exec: Execution = { events, po: frI.po, rf: perm(k.exec.rf), rmw: frI.rmw, addr: frI.addr, data: frI.data, ctrl: frI.ctrl, IW: frI.IW };
    if (k.exec.observedLocs) exec.observedLocs = k.exec.observedLocs;
    if (k.exec.coSplit) exec.coSplit = perm(k.exec.coSplit);
    const j = k.judgement;
    const judgement: Judgement = {
      consistent: j.consistent,
      flags: j.flags,
      co: perm(j.co),
      rf: perm(j.rf),
      lookup: (name) => {
        const v = j.lookup(name);
        return v === undefined ? undefined : v instanceof Relation ? perm(v) : permuteSet(v, map);
      },
    };
    if (j.failed !== undefined) judgement.failed = j.failed;
    return { exec, judgement, state: k.state, consistent: k.consistent };
  };

  const leaf = (fr: Frame, rfOf: Int32Array, vals: Value[], split?: Relation): void => {
    if (fr.cutoff) {
      // A loop is still running at the unrolling bound in a candidate whose values are possible: the
      // loop may need more iterations, and a prefix says nothing about the whole execution (herd
      // prints "Loop" and drops such candidates; we do too, and call the result inconclusive).
      candidates++;
      loopCut = true;
      inconclusive ??= {
        reason: `the loop at ${test.file}:${fr.cutoff.line} (P${fr.cutoff.thread}) may run more than ${b.unroll} iterations (--unroll)`,
      };
      return;
    }
    const n = fr.events.length;
    const events: Event[] = new Array(n);
    // every event one object shape (all fields present): the model reads these objects everywhere, and
    // varying shapes made each read slow (~12 hidden classes per execution)
    const value = new Array<Value | undefined>(n);
    for (let i = 0; i < n; i++) {
      const sy = fr.sym[i];
      value[i] = sy ? evalSym(sy, (id) => vals[id]) : fr.events[i].value;
    }
    for (let v = 0; v < fr.nVars; v++) value[fr.varEvent[v]] = vals[v];
    for (let i = 0; i < n; i++) {
      const e = fr.events[i];
      events[i] = {
        id: e.id,
        thread: e.thread,
        poIndex: e.poIndex,
        kind: e.kind,
        loc: e.loc,
        value: value[i],
        tags: e.tags,
        atomic: e.atomic,
        source: e.source,
      };
    }
    const rf = new Relation(n);
    for (let v = 0; v < fr.nVars; v++) rf.add(rfOf[v], fr.varEvent[v]);
    const exec: Execution = {
      events,
      po: fr.po,
      rf,
      rmw: fr.rmw,
      addr: fr.addr,
      data: fr.data,
      ctrl: fr.ctrl,
      IW: fr.IW,
      observedLocs,
    };
    if (split) exec.coSplit = split;
    for (const j of judge(model, exec)) {
      candidates++;
      if (candidates > b.maxExecutions) {
        inconclusive = { reason: `more than ${b.maxExecutions} candidate executions (--max-executions)` };
        stop = true;
        return;
      }
      if ((candidates & 63) === 0 && Date.now() > deadline) {
        inconclusive = { reason: `time limit of ${b.timeoutMs / 1000} s reached (--timeout)` };
        stop = true;
        return;
      }
      const wantState = j.consistent || (!witness && !forbidden);
      if (!wantState) continue;
      // shared memory is the same in every image: each location's final value is found once
      const finals = new Map<string, Value>();
      const finalLoc = (name: string): Value => {
        const known = finals.get(name);
        if (known !== undefined) return known;
        const co = j.co;
        let last: number | undefined;
        for (const e of events) {
          if (e.kind !== 'W' || e.loc !== name || e.value === undefined || e.tags.some((t) => t === 'LKW' || t === 'UL')) continue;
          if (last === undefined || co.has(last, e.id)) last = e.id;
        }
        const v = last === undefined ? (initVal.get(name) ?? 0) : (events[last].value as Value);
        finals.set(name, v);
        return v;
      };
      const reg = (thread: number, name: string): Value => {
        const s = fr.regs[thread]?.get(name);
        if (!s) return 0;
        return evalSym(s, (id) => vals[id]) ?? 0;
      };
      // Each image of this execution under the interchangeable threads (only itself without symmetry): the
      // same memory and judgement, with thread t holding the registers of thread inv[t] here.
      for (const { inv, weight, locInv, locFwd } of images) {
        // the image renames private locations: it reads location y where the execution has locInv(y), and a
        // pointer value to x becomes one to locFwd(x)
        const renamed = (v: Value): Value => (locFwd && typeof v === 'object' ? { loc: locFwd.get(v.loc) ?? v.loc } : v);
        const get = (l: RLoc): Value =>
          renamed(l.k === 'loc' ? finalLoc(locInv?.get(l.name) ?? l.name) : reg(inv ? inv[l.thread] : l.thread, l.name));
        const keep = (): KeptExecution => {
          const state = new Map<string, Value>();
          for (const l of shown) state.set(rlocKey(l), get(l));
          const k: KeptExecution = { exec, judgement: j, state, consistent: j.consistent };
          return inv ? imageKept(k, inv, locFwd) : k;
        };
        if (test.filter && !evalProp(test.filter, get)) continue;
        const sat = evalProp(test.condition.prop, get);
        const interesting = quant === 'forall' ? !sat : sat;
        if (!j.consistent) {
          if (interesting && !forbidden && !witness) {
            forbidden = keep();
            keptUnit.set('forbidden', curUnit);
            if (untilForbidden) {
              stop = true;
              return;
            }
          }
          continue;
        }
        consistent += weight;
        leafConsistent = true;
        for (const f of j.flags) {
          flags.add(f);
          if (!flagged.has(f)) {
            flagged.set(f, keep());
            keptUnit.set(`flag:${f}`, curUnit);
          }
        }
        const vs = shown.map(get);
        const key = vs.map((v, i) => `${rlocKey(shown[i])}=${showValue(v)};`).join(' ');
        if (!states.has(key)) states.set(key, vs);
        if (sat) positive += weight;
        else negative += weight;
        if (interesting && !witness) {
          witness = keep();
          keptUnit.set('witness', curUnit);
        }
        if (!sample) {
          sample = keep();
          keptUnit.set('sample', curUnit);
        }
      }
    }
  };

  /**
   * Adds the workers' parts to this search's figures (parallel.ts): counts, states and flags add up; a kept
   * execution not found before the split comes from the earliest unit that has one.
   */
  const mergeParts = (
    parts: (ShareResult | undefined)[],
    before: { witness: boolean; forbidden: boolean; sample: boolean; flags: Set<string> },
  ): void => {
    const best = new Map<string, { unit: number; k: KeptExecution }>();
    const offer = (kind: string, unit: number, k: () => KeptExecution): void => {
      const cur = best.get(kind);
      if (!cur || unit < cur.unit) best.set(kind, { unit, k: k() });
    };
    if (!before.witness && witness) offer('witness', keptUnit.get('witness')!, () => witness!);
    if (!before.forbidden && forbidden) offer('forbidden', keptUnit.get('forbidden')!, () => forbidden!);
    if (!before.sample && sample) offer('sample', keptUnit.get('sample')!, () => sample!);
    for (const [f, k] of flagged) if (!before.flags.has(f)) offer(`flag:${f}`, keptUnit.get(`flag:${f}`)!, () => k);
    for (const r of parts) {
      if (!r) continue;
      threads = Math.max(threads, 1 + parts.filter(Boolean).length);
      positive += r.positive;
      negative += r.negative;
      candidates += r.candidates;
      consistent += r.consistent;
      pruned += r.pruned;
      for (const f of r.flags) flags.add(f);
      for (const [key, vs] of r.states) if (!states.has(key)) states.set(key, vs);
      if (r.inconclusive) inconclusive ??= r.inconclusive;
      if (r.loop) loopCut = true;
      for (const x of r.kept) offer(x.kind, x.unit, () => fromWire(x.k));
    }
    if (candidates > b.maxExecutions) inconclusive ??= { reason: `more than ${b.maxExecutions} candidate executions (--max-executions)` };
    witness = best.get('witness')?.k ?? witness;
    // a rejected candidate is kept only while no execution has the outcome
    forbidden = witness ? (before.forbidden ? forbidden : undefined) : (best.get('forbidden')?.k ?? forbidden);
    sample = best.get('sample')?.k ?? sample;
    for (const [kind, { k }] of best) if (kind.startsWith('flag:')) flagged.set(kind.slice(5), k);
  };

  // Odometer over the per-thread path choices.
  const idx = paths.map(() => 0);
  if (paths.some((p) => p.length === 0)) stop = true;
  let leaves = 0;
  let steps = 0;
  const nT = test.threads.length;
  /** Moves the odometer to the next path combination; false after the last. */
  const nextCombination = (): boolean => {
    let t = 0;
    while (t < idx.length) {
      idx[t]++;
      if (idx[t] < paths[t].length) return true;
      idx[t] = 0;
      t++;
    }
    return false;
  };
  while (!stop) {
    if ((sym && !canonicalPaths(classes, idx)) || (share && idx.join(',') !== share.combo)) {
      if (!nextCombination()) break;
      continue;
    }
    // images of this path choice (a lock-order choice below refines them)
    images = sym ? groupImages(imagesOf(classes, idx, nT), relevant, symmetry) : IDENTITY;
    const choice = idx.map((k, t) => paths[t][k]);
    const fr = buildFrame(choice, locations, initVal, coherence);
    const rfOf = new Int32Array(fr.nVars).fill(-1);
    const vals: Value[] = new Array(fr.nVars);
    // Value of a read variable under the current rf choices; CYCLE when values depend on each other
    // in a circle (herd leaves such equations unsolved and drops the candidate).
    const visiting = new Uint8Array(fr.nVars);
    const resolve = (v: number): Value | undefined => {
      const w = rfOf[v];
      if (w < 0) return undefined;
      const s = fr.sym[w];
      if (!s) return fr.events[w].value ?? 0;
      if (s.k === 'c') return s.v;
      if (visiting[v]) throw CYCLE;
      visiting[v] = 1;
      try {
        return evalSym(s, resolve);
      } finally {
        visiting[v] = 0;
      }
    };
    const check = (c: { s: Sym; want: boolean }): boolean | undefined => {
      let v: Value | undefined;
      try {
        v = evalSym(c.s, resolve);
      } catch (e) {
        if (e === CYCLE) return false;
        if (e instanceof ValueError) return false;
        throw e;
      }
      if (v === undefined) return undefined;
      return truthy(v) === c.want;
    };
    // Pruning for this path combination (see explore's comment): lock orders first, then reads by section.
    const pj =
      partial && !fr.cutoff && (prune === 'on' || (prune === 'auto' && searchSize(fr) > PRUNE_THRESHOLD)) ? partial() : undefined;
    let order = fr.reads;
    let split: Relation | undefined;
    // rf bounds: every candidate edge of every read (the upper bound before any choice)
    const nEv = fr.events.length;
    const allCands = new Relation(nEv);
    if (pj) for (const rd of fr.reads) for (const c of rd.cands) allCands.add(c, rd.eid);
    // event values (read and written) under the current choices: only different-values asks for them
    const values = (): { events: Event[]; known: EventSet } => {
      const known = new EventSet(nEv);
      const events: Event[] = new Array(nEv);
      for (let i = 0; i < nEv; i++) {
        const e = fr.events[i];
        const sy = fr.sym[i];
        let v: Value | undefined = e.value;
        if (sy) {
          try {
            v = evalSym(sy, resolve);
          } catch (err) {
            if (err !== CYCLE && !(err instanceof ValueError)) throw err;
            v = undefined;
          }
        }
        events[i] = v === e.value ? e : { ...e, value: v };
        if (v !== undefined || (e.kind !== 'R' && !sy)) known.add(i);
      }
      for (let v = 0; v < fr.nVars; v++) {
        const eid = fr.varEvent[v];
        let x: Value | undefined;
        try {
          x = resolve(v);
        } catch (err) {
          if (err !== CYCLE && !(err instanceof ValueError)) throw err;
        }
        if (x === undefined) known.delete(eid);
        else {
          events[eid] = { ...events[eid], value: x };
          known.add(eid);
        }
      }
      return { events, known };
    };
    const partialInput = (): PartialInput => {
      const lo = new Relation(nEv);
      const hi = allCands.clone();
      for (const rd of fr.reads) {
        const w = rfOf[rd.v];
        if (w < 0) continue;
        for (const c of rd.cands) hi.delete(c, rd.eid);
        hi.add(w, rd.eid);
        lo.add(w, rd.eid);
      }
      const exec: Execution = { events: fr.events, po: fr.po, rf: lo, rmw: fr.rmw, addr: fr.addr, data: fr.data, ctrl: fr.ctrl, IW: fr.IW, observedLocs };
      return { exec, rfHi: hi, known: values, ...(split ? { split } : {}) };
    };
    const partialVerdict = (): PartialVerdict => pj!.judge(partialInput());
    // per lock order: what the checks containing rf already order (reads cannot read from writes they reach)
    let reach: RfReach[] | undefined;
    // Placed write orders (lock orders and RMW locations): each placed write's group and position, and each
    // RMW read's write; an RMW read cannot read past a write placed between its source and its own write
    // (AtomicityRule), so such candidates are dropped without judging.
    const groupOf = new Int32Array(nEv).fill(-1);
    const placedAt = new Int32Array(nEv).fill(-1);
    const rmwWriteOf = new Int32Array(nEv).fill(-1);
    for (const [r, w] of fr.rmw.pairs()) rmwWriteOf[r] = w;
    let placedSeqs: number[][] = [];
    // writes the library's generated co puts after w in every completion: after an initial write, every other
    // write of its location; after a write whose order is placed, the writes placed after it
    const memWrites = new Map<string, number[]>();
    for (const e of fr.events) {
      if (e.kind !== 'W' || e.thread < 0 || e.loc === undefined || e.tags.some(isLockTag)) continue;
      (memWrites.get(e.loc) ?? memWrites.set(e.loc, []).get(e.loc)!).push(e.id);
    }
    const coAfter = (w: number): number[] => {
      if (fr.IW.has(w)) return memWrites.get(fr.events[w].loc!) ?? [];
      const g = groupOf[w];
      return g >= 0 && !fr.events[w].tags.includes('LKW') ? placedSeqs[g].slice(placedAt[w] + 1) : [];
    };
    const atomicForbids = (r: number, w: number): boolean => {
      const own = rmwWriteOf[r];
      if (own < 0 || placedAt[own] < 0) return false;
      const g = groupOf[own];
      const from = fr.IW.has(w) ? -1 : groupOf[w] === g ? placedAt[w] : NaN;
      if (!(from < placedAt[own] - 1)) return false;
      const seq = placedSeqs[g];
      const anyThread = pj!.atomicity!.anyThread;
      for (let j = from + 1; j < placedAt[own]; j++) if (anyThread || fr.events[seq[j]].thread !== fr.events[r].thread) return true;
      return false;
    };
    // leaves reached under chosen lock orders, and how many of them were inconsistent (see lastStanding)
    let unjudgedLeaves = 0;
    let badLeaves = 0;
    const dfs = (k: number): void => {
      if (stop) return;
      if ((++steps & 4095) === 0 && Date.now() > deadline) {
        inconclusive = { reason: `time limit of ${b.timeoutMs / 1000} s reached (--timeout)` };
        stop = true;
        return;
      }
      if (k === order.length) {
        // All reads bound: values must be determined and every branch decision must hold.
        try {
          for (let v = 0; v < fr.nVars; v++) {
            const x = resolve(v);
            if (x === undefined) return;
            vals[v] = x;
          }
        } catch (e) {
          if (e === CYCLE || e instanceof ValueError) return;
          throw e;
        }
        for (const c of fr.constraints) if (check(c) !== true) return;
        leaves++;
        if ((leaves & 63) === 0 && Date.now() > deadline) {
          inconclusive = { reason: `time limit of ${b.timeoutMs / 1000} s reached (--timeout)` };
          stop = true;
          return;
        }
        leafConsistent = false;
        leaf(fr, rfOf, vals, split);
        if (order !== fr.reads) {
          unjudgedLeaves++;
          if (!leafConsistent) badLeaves++;
        }
        return;
      }
      const rd = order[k];
      const reordered = order !== fr.reads;
      let survivors = 0;
      for (let ci = 0; ci < rd.cands.length; ci++) {
        const w = rd.cands[ci];
        if (coherence && fr.IW.has(w)) {
          // A read cannot see the initial value after a po-earlier read of the same location saw a later write.
          if (rd.earlierSameLoc.some((v) => rfOf[v] >= 0 && !fr.IW.has(rfOf[v]))) continue;
        }
        rfOf[rd.v] = w;
        let ok = true;
        for (const c of fr.constraints) {
          // in thread order a constraint is complete when its last variable is bound; otherwise try every one
          // it mentions (check answers undefined while a variable is open)
          const last = c.vars.length && (reordered ? c.vars.includes(rd.v) : c.vars[c.vars.length - 1] === rd.v);
          if (last && check(c) === false) {
            ok = false;
            break;
          }
        }
        // The last candidate, when every other one was rejected, is not judged: judging only prunes, and under a
        // lock order this is the one the sections' order makes the read see (sectionOrder puts it last).
        // (unless too many of the leaves reached so turn out inconsistent: then the lock orders themselves are
        // often impossible, and judging the last candidate stops such a path at once)
        const lastStanding =
          reordered && survivors === 0 && ci === rd.cands.length - 1 && (unjudgedLeaves < 64 || badLeaves * 8 < unjudgedLeaves);
        if (ok && split && pj?.atomicity && atomicForbids(rd.eid, w)) {
          ok = false;
          pruned++;
        }
        if (ok && reach && reachForbids(reach, rd.eid, fr.events[rd.eid].thread, w, fr.events[w].thread, coAfter)) {
          ok = false;
          pruned++;
        }
        if (ok && pj && !lastStanding && partialVerdict() !== undefined) {
          ok = false;
          pruned++;
        }
        if (ok) {
          survivors++;
          dfs(k + 1);
        }
        rfOf[rd.v] = -1;
        if (stop) return;
      }
    };
    if (pj) {
      const locks = placedGroups(fr, privateLocs);
      if (locks.length) {
        // every order of every lock's writes, each location's writes placed one after another
        const perLoc: number[][] = locks.map(() => []);
        // With interchangeable threads: where each thread's first lock write stands in the orders (-1: not yet)
        const firstPos = new Int32Array(nT).fill(-1);
        const nLockWrites = locks.reduce((a, g) => a + g.length, 0);
        let placed = 0;
        const place = (li: number): void => {
          if (stop) return;
          if (li === locks.length) {
            if (sym) {
              const key = Array.from({ length: nT }, (_, t) => idx[t] * (nLockWrites + 1) + (firstPos[t] < 0 ? nLockWrites : firstPos[t]));
              images = groupImages(imagesOf(classes, key, nT), relevant, symmetry);
            }
            split = new Relation(fr.events.length);
            for (const seq of perLoc) for (let i = 0; i < seq.length; i++) for (let j = i + 1; j < seq.length; j++) split.add(seq[i], seq[j]);
            placedSeqs = perLoc;
            perLoc.forEach((seq, g) =>
              seq.forEach((id, i) => {
                groupOf[id] = g;
                placedAt[id] = i;
              }),
            );
            order = sectionOrder(fr, perLoc);
            // One bounds evaluation gives what the checks containing rf already order; a cycle there rejects
            // the lock order (with no such check, or no bounds, the whole model judges it).
            reach = pj.rfReach?.(partialInput());
            if (reach ? reach.some((x) => x.reach !== undefined && hasLoop(x.reach)) : partialVerdict() !== undefined) pruned++;
            else dfs(0);
            reach = undefined;
            split = undefined;
            order = fr.reads;
            return;
          }
          const ids = locks[li];
          const seq = perLoc[li];
          if (seq.length === ids.length) return place(li + 1);
          const top = li === 0 && seq.length === 0;
          for (let u = 0; u < ids.length; u++) {
            const id = ids[u];
            if (seq.includes(id)) continue;
            // the first lock write of the first lock: the search's units (parallel.ts); only this part's
            if (top) {
              if (units && !units.has(u)) continue;
              curUnit = u;
            }
            // canonical orders only: among identical threads on the same path, first lock writes in thread order
            const t = fr.events[id].thread;
            const first = sym && cidx.classOf[t] >= 0 && firstPos[t] < 0;
            if (first && cidx.earlier[t].some((u) => idx[u] === idx[t] && firstPos[u] < 0)) continue;
            if (first) firstPos[t] = placed;
            placed++;
            seq.push(id);
            place(li);
            seq.pop();
            placed--;
            if (first) firstPos[t] = -1;
            if (stop) return;
          }
        };
        let units: Set<number> | undefined = share ? new Set(share.units) : undefined;
        const orders = locks.reduce((a, g) => a * factorial(g.length), 1);
        if (parallel && !share && !sym && orders >= PARALLEL_MIN_ORDERS && !stop) {
          // Split this path choice's lock orders: the units, round robin, to the workers and to this thread.
          const all = locks[0].map((_, u) => u);
          const w = Math.min(parallel.workers + 1, all.length);
          const shares: Share[] = [];
          for (let k = 1; k < w; k++) shares.push({ combo: idx.join(','), units: all.filter((u) => u % w === k) });
          const before = { witness: !!witness, forbidden: !!forbidden, sample: !!sample, flags: new Set(flagged.keys()) };
          keptUnit.clear();
          const pending = parallel.start(shares, Math.max(1, deadline - Date.now()), Math.max(1, b.maxExecutions - candidates));
          let results: (ShareResult | undefined)[] = [];
          try {
            units = new Set(all.filter((u) => u % w === 0));
            place(0);
          } finally {
            results = pending.collect(stop ? Date.now() : deadline);
          }
          // a part no worker reported: searched here
          results.forEach((r, k) => {
            if (r || stop) return;
            units = new Set(shares[k].units);
            place(0);
          });
          mergeParts(results, before);
        } else place(0);
      } else dfs(0);
    } else dfs(0);
    if (!nextCombination()) break;
  }

  const sortedStates = [...states.values()]
    .sort((a, b2) => {
      for (let i = 0; i < a.length; i++) {
        const c = compareValue(a[i], b2[i]);
        if (c) return c;
      }
      return 0;
    })
    .map((vs) => vs.map((v, i) => `${showRLoc(shown[i])}=${showValue(v)};`).join(' '));

  const ok = quant === 'exists' ? positive > 0 : quant === '~exists' ? positive === 0 : negative === 0;
  const observation: Observation = positive === 0 ? 'Never' : negative === 0 ? 'Always' : 'Sometimes';
  const verdict = quant === 'exists' ? 'Allowed' : quant === '~exists' ? 'Forbidden' : 'Required';
  const result: TestResult = {
    name: test.name,
    ok,
    verdict,
    observation,
    states: sortedStates,
    positive,
    negative,
    condition: conditionText(test),
    flags: [...flags].sort(),
    candidates,
    consistent,
    timeMs: performance.now() - t0,
  };
  if (pruned) result.pruned = pruned;
  if (sym) result.symmetry = classes.map((c) => [...c]);
  if (threads > 1) result.threads = threads;
  if (inconclusive) result.inconclusive = inconclusive;
  if (loopCut) (result as TestResult & { loop?: boolean }).loop = true;
  const out: Exploration = { result, witness, forbidden, sample, flagged };
  if (share) out.part = { states, units: keptUnit };
  return out;
}

const CYCLE = new Error('cyclic value dependency');

const IDENTITY: WeightedImage[] = [{ inv: null, weight: 1 }];

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Whether a transitive closure relates some event to itself (the relation has a cycle). */
function hasLoop(r: Relation): boolean {
  for (let i = 0; i < r.n; i++) if (r.has(i, i)) return true;
  return false;
}

function buildFrame(
  choice: Path[],
  locations: string[],
  initVal: Map<string, Value>,
  coherence: boolean,
): Frame {
  const events: Event[] = [];
  const sym: (Sym | undefined)[] = [];
  for (const loc of locations) {
    // (all events of one object shape, as in leaf())
    events.push({ id: events.length, thread: -1, poIndex: 0, kind: 'W', loc, value: initVal.get(loc) ?? 0, tags: [], atomic: undefined, source: undefined });
    sym.push(undefined);
  }
  const nInit = events.length;
  const varEvent: number[] = [];
  const constraints: Frame['constraints'] = [];
  const regs: Map<string, Sym>[] = [];
  const base: number[] = [];
  const varBase: number[] = [];
  let cutoff: Frame['cutoff'];
  for (const p of choice) {
    base.push(events.length);
    const vb = varEvent.length;
    varBase.push(vb);
    p.events.forEach((te, i) => {
      const id = events.length;
      const e: Event = {
        id,
        thread: p.thread,
        poIndex: i,
        kind: te.kind,
        loc: te.loc,
        value: undefined,
        tags: te.tags,
        atomic: te.atomic ? true : undefined,
        source: { line: te.line, text: te.text },
      };
      events.push(e);
      sym.push(te.value ? shiftSym(te.value, vb) : undefined);
      if (te.varId !== undefined) varEvent[vb + te.varId] = id;
    });
    for (const c of p.constraints) {
      const s = shiftSym(c.s, vb);
      constraints.push({ s, want: c.want, vars: [...symVars(s)].sort((a, b) => a - b) });
    }
    const r = new Map<string, Sym>();
    for (const [k, v] of p.regs) r.set(k, shiftSym(v, vb));
    regs.push(r);
    if (p.cutoff && !cutoff) cutoff = { thread: p.thread, line: p.cutoff.line };
  }
  const n = events.length;
  const po = new Relation(n);
  const rmw = new Relation(n);
  const addr = new Relation(n);
  const data = new Relation(n);
  const ctrl = new Relation(n);
  choice.forEach((p, t) => {
    const b0 = base[t];
    const m = p.events.length;
    // po: every event of an earlier instruction; within one instruction, herd's causal order only.
    const evs = p.events;
    const within: Set<number>[] = [];
    for (let j = 0; j < m; j++) {
      const before = new Set<number>();
      for (const q of evs[j].preds) {
        before.add(q);
        for (const x of within[q]) before.add(x);
      }
      within.push(before);
      for (let i = 0; i < j; i++) if (evs[i].instr < evs[j].instr || before.has(i)) po.add(b0 + i, b0 + j);
    }
    for (const [a, c] of p.rmw) rmw.add(b0 + a, b0 + c);
    for (const [a, c] of p.addr) addr.add(b0 + a, b0 + c);
    for (const [a, c] of p.data) data.add(b0 + a, b0 + c);
    for (const [a, c] of p.ctrl) ctrl.add(b0 + a, b0 + c);
  });
  const IW = EventSet.of(n, Array.from({ length: nInit }, (_, i) => i));

  // Memory writes by location (lock events and 6.1 SRCU events are not memory accesses).
  const isMemW = (e: Event) => e.kind === 'W' && e.loc !== undefined && !e.tags.some(isLockTag);
  const writesAt = new Map<string, number[]>();
  for (const e of events) if (isMemW(e)) (writesAt.get(e.loc!) ?? writesAt.set(e.loc!, []).get(e.loc!)!).push(e.id);

  const reads: Frame['reads'] = [];
  for (let v = 0; v < varEvent.length; v++) {
    const eid = varEvent[v];
    const r = events[eid];
    const all = writesAt.get(r.loc!) ?? [];
    let cands = all;
    const earlierSameLoc: number[] = [];
    if (coherence) {
      // Coherence (acyclic po-loc | com): a read sees neither a po-later write of its own thread, nor a
      // write of its own thread overwritten po-before the read, nor the initial value once its thread wrote.
      const before = all.filter((w) => po.has(w, eid));
      const hidden = new Set(before.filter((w) => before.some((w2) => po.has(w, w2))));
      cands = all.filter((w) => {
        if (po.has(eid, w)) return false;
        if (hidden.has(w)) return false;
        if (events[w].thread === -1) return before.length === 0;
        return true;
      });
      for (let u = 0; u < v; u++) {
        const o = varEvent[u];
        if (events[o].loc === r.loc && po.has(o, eid)) earlierSameLoc.push(u);
      }
    }
    reads.push({ eid, v, cands, earlierSameLoc });
  }
  return {
    events,
    sym,
    varEvent,
    reads,
    constraints,
    regs,
    po,
    rmw,
    addr,
    data,
    ctrl,
    IW,
    cutoff,
    nVars: varEvent.length,
  };
}

/** Product of the rf candidate counts and of the lock-order counts: the size of the unpruned search. */
function searchSize(fr: Frame): number {
  let size = 1;
  for (const rd of fr.reads) size *= Math.max(1, rd.cands.length);
  for (const g of placedGroups(fr)) for (let k = 2; k <= g.length; k++) size *= k;
  return size;
}

/** The writes whose order the search places first: per lock location with two or more lock writes (LKW), and per location with atomic RMW writes. */
function placedGroups(fr: Frame, exclude?: ReadonlySet<string>): number[][] {
  const by = new Map<string, number[]>();
  for (const e of fr.events) {
    if (e.loc === undefined || !e.tags.includes('LKW')) continue;
    let g = by.get(e.loc);
    if (!g) by.set(e.loc, (g = []));
    g.push(e.id);
  }
  // Memory locations written by atomic read-modify-writes (xchg, atomic_inc, cmpxchg, …): their writes' order is
  // chosen first too, so that each RMW's read meets the one write it can read from (its co-predecessor) early.
  // Not the locations symmetry renames (their names would order the groups differently in a renumbering).
  const rmwWrites = fr.rmw.range();
  const writes = new Map<string, number[]>();
  for (const e of fr.events) {
    if (e.kind !== 'W' || e.thread < 0 || e.loc === undefined || e.tags.some(isLockTag) || exclude?.has(e.loc)) continue;
    let g = writes.get(e.loc);
    if (!g) writes.set(e.loc, (g = []));
    g.push(e.id);
  }
  for (const [loc, g] of writes) if (g.length > 1 && g.some((w) => rmwWrites.has(w))) by.set(loc, g);
  // by location name, so that the order does not depend on thread numbers (symmetry.ts relies on it)
  return [...by.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((e) => e[1])
    .filter((g) => g.length > 1);
}

/**
 * Reads ordered by the critical section they are in: the position, in the chosen lock order, of the last
 * lock write po-before them in their thread (reads outside every section last), then thread order. Only
 * the search order changes; every read is still bound to every candidate.
 */
function sectionOrder(fr: Frame, orders: number[][]): Frame['reads'] {
  const rank = new Map<number, number>();
  for (const seq of orders) seq.forEach((id, i) => rank.set(id, i));
  /**
   * Rank of the section holding event e (the last placed write po-before it), -1 outside every section; a
   * placed write ranks as itself, and the read of an RMW as its write.
   */
  const section = (e: number): number => {
    const own = rank.get(e);
    if (own !== undefined) return own;
    for (const w of fr.rmw.rows[e]) {
      const r = rank.get(w);
      if (r !== undefined) return r;
    }
    let last = -1;
    for (const id of rank.keys()) {
      if (fr.po.has(id, e) && (last < 0 || fr.po.has(last, id))) last = id;
    }
    return last < 0 ? -1 : rank.get(last)!;
  };
  const keyed = fr.reads.map((rd, i) => {
    const s = section(rd.eid);
    return { rd: { ...rd, cands: seenLast(fr, rd, s, section) }, k: s < 0 ? Infinity : s, i };
  });
  keyed.sort((a, b) => (a.k === b.k ? a.i - b.i : a.k < b.k ? -1 : 1));
  return keyed.map((x) => x.rd);
}

/**
 * A read's candidates with the write that running the sections one after another would show it moved last:
 * its own thread's latest write po-before it, else the write of the latest earlier section, else the initial
 * write.  Only the search order changes (see the last-standing rule in the search).
 */
function seenLast(fr: Frame, rd: Frame['reads'][number], at: number, section: (e: number) => number): number[] {
  if (rd.cands.length < 2) return rd.cands;
  const score = (w: number): number => {
    if (fr.po.has(w, rd.eid)) return 3e6 + fr.events[w].poIndex;
    if (fr.IW.has(w)) return 0;
    const s = section(w);
    return s >= 0 && (at < 0 || s < at) ? 1e6 + s : -1;
  };
  let best = -1;
  let bestScore = -1;
  for (const w of rd.cands) {
    const sc = score(w);
    if (sc > bestScore) {
      best = w;
      bestScore = sc;
    }
  }
  if (best < 0) return rd.cands;
  return [...rd.cands.filter((w) => w !== best), best];
}

function isLockTag(t: string): boolean {
  return t === 'LKR' || t === 'LKW' || t === 'UL' || t === 'LF' || t === 'RL' || t === 'RU';
}

// ---------------------------------------------------------------- condition text (herd's printer)

/** As herd7 (7.58) prints them in States and Condition lines: registers `0:r0`, memory `[x]`. */
function showRLoc(l: RLoc): string {
  return l.k === 'reg' ? `${l.thread}:${l.name}` : `[${l.name}]`;
}

type Level = 'top' | 'and' | 'or' | 'implies';

function needParen(above: Level, here: Level): boolean {
  if (above === 'top') return false;
  if (above === 'implies') return here !== 'implies';
  if (above === 'and') return here !== 'and';
  return here === 'implies';
}

export function propText(p: Prop, above: Level = 'top'): string {
  const paren = (here: Level, s: string) => (needParen(above, here) ? `(${s})` : s);
  switch (p.k) {
    case 'atom':
      return `${showRLoc(p.lhs)}=${'num' in p.rhs ? p.rhs.num : p.rhs.loc}`;
    case 'not':
      return `not (${propText(p.p)})`;
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'and':
      return paren('and', p.ps.map((q) => propText(q, 'and')).join(' /\\ '));
    case 'or':
      return paren('or', p.ps.map((q) => propText(q, 'or')).join(' \\/ '));
    case 'implies':
      return paren('implies', `${propText(p.a, 'implies')} => ${propText(p.b, 'implies')}`);
  }
}

export function conditionText(test: LitmusTest): string {
  return `${test.condition.quant} (${propText(test.condition.prop)})`;
}

export { SimError };
