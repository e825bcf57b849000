// herd's implicit environment and library files (stdlib.cat, cross.cat, cos-opt.cat, cos.cat), written natively.
/*
 * What herd provides before a model runs, and what we provide instead (facts learnt from herd's sources,
 * implemented here in our own code):
 *
 * Predefined by herd for C/LKMM tests (machModelChecker + CAction):
 *   - sets: M (memory accesses), R, W (reads/writes among them: ordinary, marked and atomic accesses, initial
 *     writes; NOT lock events and NOT 6.1's __srcu events), F (fences; not __srcu events), IW (initial writes),
 *     FW (final writes, see below), RMW and its alias X (accesses of atomic primitives: Event.atomic or in
 *     domain/range of rmw), the lock classes LKR LKW UL LF RL RU (events carrying those upper-case tags),
 *     and one set per annotation tag declared in the bell file (tag 'rcu-lock → set Rcu-lock: first letter
 *     capitalised; empty when no event carries it).
 *   - relations: id, po, loc (same location, reflexive, any event with a location), int (same thread;
 *     initial writes are in no int pair), ext (different thread; initial writes form one group of their own),
 *     rf, rmw, addr, data, ctrl.
 *   - primitives: domain, range, different-values (pairs of r whose events carry different values),
 *     classes-loc (alias partition: the set of per-location event sets).
 * With a cat model that generates co itself (the kernel's does, via cos-opt.cat), herd predefines no co/fr;
 * the model's include binds them.
 *
 * stdlib.cat (herd includes it implicitly before the bell file): emptyset, po-loc = po & loc, rfe, rfi,
 *   co0 = loc & (IW * (W \ IW)), fencerel(S) = po ; [S] ; po, singlestep(r) = r \ (r ; r), toid(S) = [S],
 *   udr(r) = domain(r) | range(r), map f S (apply f to each element; results collected with ++).
 *   Shortcut: herd's co0 also orders every write before the final write FW that herd enumerates per
 *   observed location before running the model. We drop that term and enumerate all co orders instead:
 *   every co has exactly one last write per location, so the set of (co, final write) pairs is the same.
 *   FW is therefore bound, before co exists, to the writes at observed locations (Execution.observedLocs)
 *   that have no po-later write to the same location (the candidates for being final). The kernel's files
 *   use FW only in lock.cat's lock-final flag, whose value depends only on FW's locations.
 *
 * cross.cat: cross(S) = the set of all unions obtained by choosing one element from each set in S
 *   (cross of no sets is {0}; a member set that is empty makes the result empty); also generate_orders(S, pco)
 *   (all co over S's events per location containing pco), generate_cos(pco) (the same over the W in scope
 *   at the include) and linearisations(S, r) (all total orders of S containing r).
 *
 * cos-opt.cat: cobase = obsco | rmwco | co0, where obsco holds the write-to-write orders that po-loc and rf
 *   force (W→W in po-loc; rf ; po-loc to a write; po-loc write-to-read then rf^-1; rf ; po-loc read-to-read
 *   ; rf^-1, without identity) and rmwco = rf & (W * (R & W)); the check `acyclic cobase as ConsCo`; then
 *   `with co from` all strict total orders of the current W per location that contain cobase (their cross
 *   product over locations); then coi, coe, fr = (rf^-1 ; co) \ id, fri, fre. Orders are generated lazily.
 * cos.cat: the same (herd's optimised variant is the default), plus ca = fr | co.
 *
 * Not provided: herd's other library files, match/procedures and the other functional-layer constructs
 * the kernel's files do not use (the parser rejects them by name).
 *
 * Names starting with '%' (%classes, %cos-po-loc-parts, %cos-by-loc) are internal slots no model text can name:
 * one pass classifying the events, the rf-independent parts of cobase, and the writes co orders grouped by
 * location, all computed once per skeleton. When cobase (with the lock orders exploration imposed) leaves a single
 * order at every location, `with co from` builds that co directly instead of enumerating (see coChoices).
 */
import type { Event, Execution } from '../execution.js';
import { EventSet, Relation } from '../relation.js';
import type { Loc } from './ast.js';
import {
  CatRuntimeError,
  EMPTY,
  VNative,
  VPrim,
  VSet,
  VTuple,
  addElement,
  asRel,
  asSet,
  elements,
  typeName,
  union,
  type Value,
} from './values.js';

/** What native definitions may use from the evaluation context. */
export interface NativeCtx {
  readonly n: number;
  readonly exec: Execution;
  apply(f: Value, arg: Value, loc: Loc): Value;
}

/** A natively computed binding; deps are names resolved in the environment at the point of definition. */
export interface NativeDef {
  name: string;
  deps: string[];
  compute(ctx: NativeCtx, deps: Value[]): Value;
  /**
   * True when the value (or, for a function, its result) depends on the execution's rf or on event values,
   * not only on its skeleton (events' kinds, locations, tags, threads; po, rmw, addr, data, ctrl, IW,
   * observed locations). Skeleton-only values are shared between executions with the same skeleton.
   */
  dynamic?: boolean;
  /**
   * Computing it from lower bounds of its deps gives a lower bound of its value, and from upper bounds an
   * upper bound (partial judging relies on it, see partial.ts). True of unions, intersections with fixed
   * relations, compositions and inverses; also of `x \\ (x & fixed)` shapes like coe = co \\ coi, since the
   * bounds of coi are computed from the same bounds of co.
   */
  monotone?: boolean;
}

/** Instructions that natively provided library files contribute to a model. */
export type NativeInstr =
  | { k: 'let'; def: NativeDef }
  | { k: 'check'; name: string; op: 'acyclic'; dep: string }
  | { k: 'with'; name: string; deps: string[]; choices(ctx: NativeCtx, deps: Value[]): Iterable<Value> };

/** Lock-class tags (upper case in Event.tags); their events are not in herd's M/R/W. */
export const LOCK_CLASSES = ['LKR', 'LKW', 'UL', 'LF', 'RL', 'RU'] as const;

/** herd's set name for an annotation tag: first letter capitalised. */
export function tagSetName(tag: string): string {
  return tag.charAt(0).toUpperCase() + tag.slice(1);
}

function isLockEvent(e: Event): boolean {
  return e.tags.some((t) => (LOCK_CLASSES as readonly string[]).includes(t));
}

/** herd's predefined event sets of one execution, and its events by annotation tag. */
interface EventClasses {
  M: EventSet;
  R: EventSet;
  W: EventSet;
  F: EventSet;
  IW: EventSet;
  FW: EventSet;
  tag(t: string): EventSet;
}

function classify(x: Execution, n: number): EventClasses {
  const M = new EventSet(n),
    R = new EventSet(n),
    W = new EventSet(n),
    F = new EventSet(n),
    FW = new EventSet(n);
  const byTag = new Map<string, EventSet>();
  const obs = new Set(x.observedLocs ?? []);
  const ev = x.events;
  for (const e of ev) {
    const lock = isLockEvent(e);
    if (!lock && e.kind === 'R') {
      R.add(e.id);
      M.add(e.id);
    }
    else if (!lock && e.kind === 'W') {
      W.add(e.id);
      M.add(e.id);
      // FW before co exists: writes at observed locations with no po-later write there (see above)
      if (e.loc !== undefined && obs.has(e.loc)) {
        let last = true;
        for (const f of ev) if (f.kind === 'W' && f.loc === e.loc && x.po.has(e.id, f.id) && !isLockEvent(f)) last = false;
        if (last) FW.add(e.id);
      }
    } else if (e.kind === 'F' && e.loc === undefined) F.add(e.id);
    for (const t of e.tags) {
      let s = byTag.get(t);
      if (!s) byTag.set(t, (s = new EventSet(n)));
      s.add(e.id);
    }
  }
  const none = new EventSet(n);
  return { M, R, W, F, IW: x.IW, FW, tag: (t) => byTag.get(t) ?? none };
}

function sameValue(a: Event, b: Event): boolean {
  const x = a.value,
    y = b.value;
  if (x === undefined || y === undefined) return false;
  if (typeof x === 'number' || typeof y === 'number') return x === y;
  return x.loc === y.loc;
}

/** Events grouped by location (events without one are left out), groups in order of first event id. */
function byLocation(events: Event[], within?: EventSet): number[][] {
  const groups = new Map<string, number[]>();
  for (const e of events) {
    if (e.loc === undefined || (within && !within.has(e.id))) continue;
    let g = groups.get(e.loc);
    if (!g) groups.set(e.loc, (g = []));
    g.push(e.id);
  }
  return [...groups.values()];
}

const prim = (name: string, fn: (arg: Value, ctx: NativeCtx, loc: Loc) => Value): NativeDef => ({
  name,
  deps: [],
  compute: () => new VPrim(name, fn),
});

/**
 * The initial environment: herd's predefined sets, relations and primitives plus stdlib.cat.
 * tags: the annotation tags the bell file declares (each gets its set).
 */
export function builtinDefs(tags: Iterable<string>): NativeDef[] {
  const defs: NativeDef[] = [];
  const rel = (name: string, f: (x: Execution, n: number) => Relation) =>
    defs.push({ name, deps: [], compute: (c) => f(c.exec, c.n) });

  // one pass over the events classifies them all (a hidden slot the named sets read)
  defs.push({ name: '%classes', deps: [], compute: (c) => new VNative(classify(c.exec, c.n)) });
  const cls = (name: string, pick: (k: EventClasses) => EventSet) =>
    defs.push({ name, deps: ['%classes'], compute: (_c, [k]) => pick((k as VNative<EventClasses>).v) });
  cls('M', (k) => k.M);
  cls('R', (k) => k.R);
  cls('W', (k) => k.W);
  cls('F', (k) => k.F);
  cls('IW', (k) => k.IW);
  cls('FW', (k) => k.FW);
  for (const lc of LOCK_CLASSES) cls(lc, (k) => k.tag(lc));
  cls('LK', (k) => k.tag('LKR').union(k.tag('LKW')));
  const declared = new Set<string>();
  for (const t of tags) {
    const name = tagSetName(t);
    if (declared.has(name) || (LOCK_CLASSES as readonly string[]).includes(name)) continue;
    declared.add(name);
    cls(name, (k) => k.tag(t));
  }
  defs.push({ name: 'emptyset', deps: [], compute: () => EMPTY });

  rel('id', (_x, n) => Relation.identity(EventSet.full(n)));
  rel('po', (x) => x.po);
  rel('loc', (x, n) => {
    const r = new Relation(n);
    for (const g of byLocation(x.events)) {
      const s = EventSet.of(n, g);
      for (const i of g) r.data.set(s.bits, i * r.w);
    }
    return r;
  });
  rel('int', (x, n) => {
    const r = new Relation(n);
    const byThread = new Map<number, number[]>();
    for (const e of x.events) {
      if (e.thread < 0) continue;
      let g = byThread.get(e.thread);
      if (!g) byThread.set(e.thread, (g = []));
      g.push(e.id);
    }
    for (const g of byThread.values()) {
      const s = EventSet.of(n, g);
      for (const i of g) r.data.set(s.bits, i * r.w);
    }
    return r;
  });
  rel('ext', (x, n) => {
    const r = new Relation(n);
    const groups = new Map<number, number[]>();
    for (const e of x.events) {
      const key = e.thread < 0 ? -1 : e.thread;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(e.id);
    }
    const all = EventSet.full(n);
    for (const g of groups.values()) {
      const others = all.diff(EventSet.of(n, g));
      for (const i of g) r.data.set(others.bits, i * r.w);
    }
    return r;
  });
  rel('rf', (x) => x.rf);
  defs[defs.length - 1].dynamic = true;
  rel('rmw', (x) => x.rmw);
  rel('addr', (x) => x.addr);
  rel('data', (x) => x.data);
  rel('ctrl', (x) => x.ctrl);

  defs.push({
    name: 'RMW',
    deps: ['rmw'],
    compute: (c, [rmw]) => {
      const r = asRel(rmw, c.n);
      const s = r.domain().union(r.range());
      for (const e of c.exec.events) if (e.atomic) s.add(e.id);
      for (const e of c.exec.events) if (isLockEvent(e)) s.delete(e.id);
      return s;
    },
  });
  defs.push({ name: 'X', deps: ['RMW'], compute: (_c, [s]) => s });

  // stdlib.cat
  defs.push({ name: 'po-loc', monotone: true, deps: ['po', 'loc'], compute: (c, [po, loc]) => asRel(po, c.n).inter(asRel(loc, c.n)) });
  defs.push({ name: 'rfe', monotone: true, deps: ['rf', 'ext'], compute: (c, [rf, ext]) => asRel(rf, c.n).inter(asRel(ext, c.n)) });
  defs.push({ name: 'rfi', monotone: true, deps: ['rf', 'int'], compute: (c, [rf, int]) => asRel(rf, c.n).inter(asRel(int, c.n)) });
  defs.push({
    name: 'co0',
    deps: ['loc', 'IW', 'W'],
    compute: (c, [loc, iw, w]) => {
      const IW = asSet(iw, c.n);
      return Relation.product(IW, asSet(w, c.n).diff(IW)).inter(asRel(loc, c.n));
    },
  });
  defs.push({
    name: 'fencerel',
    deps: ['po'],
    compute: (c, [po]) =>
      new VPrim('fencerel', (arg, cx, loc) => {
        const p = asRel(po, cx.n);
        return p.restrictRange(asSet(arg, cx.n, loc)).seq(p);
      }),
  });
  defs.push(
    prim('domain', (arg, c, loc) => {
      if (arg === EMPTY) return EMPTY;
      return asRel(arg, c.n, loc).domain();
    }),
    prim('range', (arg, c, loc) => {
      if (arg === EMPTY) return EMPTY;
      return asRel(arg, c.n, loc).range();
    }),
    prim('udr', (arg, c, loc) => {
      if (arg === EMPTY) return EMPTY;
      const r = asRel(arg, c.n, loc);
      return r.domain().union(r.range());
    }),
    prim('toid', (arg, c, loc) => (arg === EMPTY ? EMPTY : Relation.identity(asSet(arg, c.n, loc)))),
    prim('singlestep', (arg, c, loc) => {
      if (arg === EMPTY) return EMPTY;
      const r = asRel(arg, c.n, loc);
      return r.diff(r.seq(r));
    }),
    { ...prim('different-values', (arg, c, loc) => {
      if (arg === EMPTY) return EMPTY;
      const r = asRel(arg, c.n, loc);
      const out = new Relation(c.n);
      const ev = c.exec.events;
      for (const [a, b] of r.pairs()) if (!sameValue(ev[a], ev[b])) out.add(a, b);
      return out;
    }), dynamic: true },
    prim('classes-loc', (arg, c, loc) => partition(arg, c, loc)),
    prim('partition', (arg, c, loc) => partition(arg, c, loc)),
    prim('map', (f, _c, _loc) =>
      new VPrim('map', (s, c, loc) => {
        let acc: Value = EMPTY;
        for (const x of elements(s, loc)) acc = addElement(c.apply(f, x, loc), acc, c.n, loc);
        return acc;
      }),
    ),
  );
  return defs;
}

function partition(arg: Value, c: NativeCtx, loc: Loc): Value {
  const s = asSet(arg, c.n, loc);
  return new VSet(byLocation(c.exec.events, s).map((g) => EventSet.of(c.n, g)));
}

/** cross(S): all unions of one element chosen from each member of S. */
export function cross(arg: Value, n: number, loc: Loc): Value {
  const members = elements(arg, loc).map((m) => elements(m, loc));
  let acc: Value[] = [EMPTY];
  for (const choices of members) {
    const next: Value[] = [];
    for (const u of acc) for (const ch of choices) next.push(union(u, ch, loc));
    acc = next;
    if (acc.length === 0) break;
  }
  let out: Value = new VSet([]);
  for (const v of acc) out = addElement(v, out, n, loc);
  return out;
}

const crossDef: NativeDef = {
  name: 'cross',
  deps: [],
  compute: () => new VPrim('cross', (arg, c, loc) => cross(arg, c.n, loc)),
};

/** The parts of cos-opt.cat's obsco that do not depend on rf: po-loc restricted to W*W, W*R, R*W, R*R. */
export interface PoLocParts {
  ww: Relation;
  wr: Relation;
  rw: Relation;
  rr: Relation;
  rmwTargets: EventSet;
}

export function poLocParts(poLoc: Relation, R: EventSet, W: EventSet): PoLocParts {
  const fromW = poLoc.restrictDomain(W),
    fromR = poLoc.restrictDomain(R);
  return { ww: fromW.restrictRange(W), wr: fromW.restrictRange(R), rw: fromR.restrictRange(W), rr: fromR.restrictRange(R), rmwTargets: R.inter(W) };
}

/** Write-to-write orders that po-loc and rf force on co (cos-opt.cat's obsco and rmwco) plus co0. */
export function coBase(n: number, rf: Relation, p: PoLocParts, W: EventSet, co0: Relation): Relation {
  const invrf = rf.inverse();
  const out = p.ww.union(co0);
  const d = out.data;
  const add = (r: Relation) => {
    const x = r.data;
    for (let k = 0; k < d.length; k++) d[k] |= x[k];
  };
  add(rf.seq(p.rw));
  const wr = p.wr.seq(invrf);
  const rr = rf.seq(p.rr).seq(invrf);
  for (let i = 0; i < n; i++) {
    wr.delete(i, i);
    rr.delete(i, i);
  }
  add(wr);
  add(rr);
  if (!p.rmwTargets.isEmpty()) add(rf.restrictDomain(W).restrictRange(p.rmwTargets));
  return out;
}

/** Per location: its writes and, for each, the mask (over the group) of writes that must precede it. */
interface LocGroup {
  ids: number[];
  preds: number[];
}

function locGroups(events: Event[], W: EventSet, base: Relation): LocGroup[] {
  const closure = base.plus();
  return byLocation(events, W).map((ids) => groupOf(ids, closure));
}

function groupOf(ids: number[], closure: Relation): LocGroup {
  if (ids.length > 30) throw new CatRuntimeError(undefined, `too many writes (${ids.length}) to one location for co generation`);
  return { ids, preds: ids.map((a) => ids.reduce((m, b, j) => (b !== a && closure.has(b, a) ? m | (1 << j) : m), 0)) };
}

/** One location's total orders (as lists of group indices), generated depth first on demand and kept. */
class LazyOrders {
  private readonly orders: number[][] = [];
  private readonly gen: Generator<number[]>;
  private done = false;

  constructor(g: LocGroup) {
    this.gen = LazyOrders.enumerate(g);
  }
  private static *enumerate({ ids, preds }: LocGroup): Generator<number[]> {
    const k = ids.length;
    const order: number[] = [];
    function* place(placed: number): Generator<number[]> {
      if (order.length === k) {
        yield order.slice();
        return;
      }
      for (let j = 0; j < k; j++) {
        if (placed & (1 << j) || (preds[j] & ~placed) !== 0) continue;
        order.push(j);
        yield* place(placed | (1 << j));
        order.pop();
      }
    }
    yield* place(0);
  }
  /** The i-th order, or undefined when there are at most i. */
  at(i: number): number[] | undefined {
    while (!this.done && this.orders.length <= i) {
      const nx = this.gen.next();
      if (nx.done) this.done = true;
      else this.orders.push(nx.value);
    }
    return this.orders[i];
  }
}

/**
 * All co relations: per location, every strict total order of its writes containing base, combined across
 * locations (their cross product). Generated lazily, so a caller that stops early (a bound) never pays for
 * the rest, however many orders there are; each location's orders are enumerated once.
 */
export function coOrders(n: number, events: Event[], W: EventSet, base: Relation): Generator<Relation> {
  return ordersOf(n, locGroups(events, W, base));
}

function* ordersOf(n: number, groups: LocGroup[]): Generator<Relation> {
  const lists = groups.map((g) => new LazyOrders(g));
  if (lists.some((l) => l.at(0) === undefined)) return;
  const w = (n + 31) >>> 5;
  const idx = new Array<number>(groups.length).fill(0);
  for (;;) {
    const r = new Relation(n);
    const d = r.data;
    for (let l = 0; l < groups.length; l++) {
      const order = lists[l].at(idx[l])!;
      const ids = groups[l].ids;
      for (let i = 0; i < order.length; i++) {
        const row = ids[order[i]] * w;
        for (let j = i + 1; j < order.length; j++) {
          const e = ids[order[j]];
          d[row + (e >>> 5)] |= 1 << (e & 31);
        }
      }
    }
    yield r;
    let l = 0;
    while (l < groups.length) {
      idx[l]++;
      if (lists[l].at(idx[l]) !== undefined) break;
      idx[l] = 0;
      l++;
    }
    if (l === groups.length) return;
  }
}

/** W's events grouped by location, and every pair of writes at one location (identity included). */
interface CoGroups {
  byLoc: number[][];
  sameLoc: Relation;
}

function coGroups(n: number, byLoc: number[][]): CoGroups {
  const sameLoc = new Relation(n);
  for (const g of byLoc) {
    const s = EventSet.of(n, g);
    for (const i of g) sameLoc.data.set(s.bits, i * sameLoc.w);
  }
  return { byLoc, sameLoc };
}

function subRel(a: Relation, b: Relation): boolean {
  const x = a.data,
    y = b.data;
  if (a.n !== b.n) return false;
  for (let k = 0; k < x.length; k++) if ((x[k] & ~y[k]) !== 0) return false;
  return true;
}

/**
 * The choices of cos-opt.cat's `with co from`: coOrders(n, events, W, base), with W's events already grouped by
 * location (byLoc, a per-skeleton slot). When base forces a single order on every location (each has at most one
 * write, or its writes are totally ordered by base's closure, as when exploration fixed the lock writes' order
 * and rf fixes the rest), that one co is built directly: it is what the enumeration would yield, without it.
 */
function coChoices(n: number, base: Relation, byLoc: number[][]): Iterable<Relation> {
  const closure = base.plus();
  const co = new Relation(n);
  const d = co.data,
    w = co.w,
    c = closure.data;
  for (const ids of byLoc) {
    const k = ids.length;
    if (k < 2) continue;
    if (k > 30) throw new CatRuntimeError(undefined, `too many writes (${k}) to one location for co generation`);
    // a single order: every two writes are ordered one way by the closure (self-loops are ignored, as by locGroups)
    for (let i = 0; i < k; i++) {
      const a = ids[i],
        ab = a * w;
      for (let j = i + 1; j < k; j++) {
        const b = ids[j],
          bb = b * w;
        const ab1 = (c[ab + (b >>> 5)] >>> (b & 31)) & 1,
          ba1 = (c[bb + (a >>> 5)] >>> (a & 31)) & 1;
        if (ab1 === ba1) return ordersOf(n, byLoc.map((g) => groupOf(g, closure)));
        if (ab1) d[ab + (b >>> 5)] |= 1 << (b & 31);
        else d[bb + (a >>> 5)] |= 1 << (a & 31);
      }
    }
  }
  return [co];
}

/**
 * Thrown when exploration imposes co pairs (Execution.coSplit) that are not pairs of same-location writes
 * among those co is generated over: the imposed orders would then not split the generated set exactly, and
 * exploration must run without them.
 */
export class CoSplitMismatch extends Error {}

/** cobase plus the co pairs exploration imposes (see Execution.coSplit), checked to be same-location writes. */
function withSplit(base: Relation, split: Relation | undefined, events: Event[], W: EventSet): Relation {
  if (!split) return base;
  for (const [a, b] of split.pairs()) {
    if (!W.has(a) || !W.has(b) || events[a].loc === undefined || events[a].loc !== events[b].loc) {
      throw new CoSplitMismatch(`imposed co pair ${a}->${b} is not a pair of same-location writes in W`);
    }
  }
  return base.union(split);
}

const sameLocCache = new WeakMap<EventSet, Relation>();

/**
 * Bounds of every co that coOrders(n, events, W, base ∪ split) can produce for any base containing baseLo
 * (partial judging, see partial.ts): lo = the transitive closure of baseLo ∪ split on same-location writes,
 * hi = every same-location write pair whose inverse is not in lo. Undefined when lo is cyclic (no order exists).
 */
export function coHull(n: number, events: Event[], W: EventSet, baseLo: Relation, split?: Relation): { lo: Relation; hi: Relation } | undefined {
  // W is one skeleton's (partial judging caches it per skeleton), so its same-location pairs are too
  let sameLoc = sameLocCache.get(W);
  if (!sameLoc) {
    sameLoc = new Relation(n);
    for (const g of byLocation(events, W)) {
      const s = EventSet.of(n, g);
      for (const i of g) sameLoc.data.set(s.bits, i * sameLoc.w);
    }
    sameLocCache.set(W, sameLoc);
  }
  const lo = withSplit(baseLo, split, events, W).inter(sameLoc).plus();
  if (!lo.isIrreflexive()) return undefined;
  const hi = sameLoc.diff(Relation.identity(W)).diff(lo.inverse());
  return { lo, hi };
}

function coGeneration(extra: NativeInstr[]): NativeInstr[] {
  return [
    { k: 'let', def: crossDef },
    { k: 'let', def: { name: 'invrf', monotone: true, deps: ['rf'], compute: (c, [rf]) => asRel(rf, c.n).inverse() } },
    {
      k: 'let',
      def: {
        name: '%cos-po-loc-parts',
        deps: ['po-loc', 'R', 'W'],
        compute: (c, [poLoc, R, W]) => new VNative(poLocParts(asRel(poLoc, c.n), asSet(R, c.n), asSet(W, c.n))),
      },
    },
    {
      k: 'let',
      def: {
        name: 'cobase',
        monotone: true,
        deps: ['rf', '%cos-po-loc-parts', 'W', 'co0'],
        compute: (c, [rf, parts, W, co0]) =>
          coBase(c.n, asRel(rf, c.n), (parts as VNative<PoLocParts>).v, asSet(W, c.n), asRel(co0, c.n)),
      },
    },
    { k: 'check', name: 'ConsCo', op: 'acyclic', dep: 'cobase' },
    // W's events by location, and the pairs of them: they depend only on the skeleton, so are computed once per skeleton
    { k: 'let', def: { name: '%cos-by-loc', deps: ['W'], compute: (c, [W]) => new VNative(coGroups(c.n, byLocation(c.exec.events, asSet(W, c.n)))) } },
    {
      k: 'with',
      name: 'co',
      // partial judging (partial.ts) reads the first two: W and cobase
      deps: ['W', 'cobase', '%cos-by-loc'],
      choices: (c, [W, cobase, groups]) => {
        const g = (groups as VNative<CoGroups>).v;
        const split = c.exec.coSplit;
        const base = asRel(cobase, c.n);
        // imposed pairs all among same-location writes (checked word by word; withSplit says which pair is not)
        const ok = split !== undefined && subRel(split, g.sameLoc);
        return coChoices(c.n, ok ? base.union(split) : withSplit(base, split, c.exec.events, asSet(W, c.n)), g.byLoc);
      },
    },
    { k: 'let', def: { name: 'coi', monotone: true, deps: ['co', 'int'], compute: (c, [co, int]) => asRel(co, c.n).inter(asRel(int, c.n)) } },
    { k: 'let', def: { name: 'coe', monotone: true, deps: ['co', 'coi'], compute: (c, [co, coi]) => asRel(co, c.n).diff(asRel(coi, c.n)) } },
    {
      k: 'let',
      def: {
        name: 'fr',
        monotone: true,
        deps: ['invrf', 'co', 'id'],
        compute: (c, [invrf, co, id]) => asRel(invrf, c.n).seq(asRel(co, c.n)).diff(asRel(id, c.n)),
      },
    },
    { k: 'let', def: { name: 'fri', monotone: true, deps: ['fr', 'int'], compute: (c, [fr, int]) => asRel(fr, c.n).inter(asRel(int, c.n)) } },
    { k: 'let', def: { name: 'fre', monotone: true, deps: ['fr', 'fri'], compute: (c, [fr, fri]) => asRel(fr, c.n).diff(asRel(fri, c.n)) } },
    ...extra,
  ];
}

/** generate_orders(S, pco): every co over the events of S (per location) that contains pco, as a set. */
function generateOrders(c: NativeCtx, S: EventSet, pco: Relation, loc: Loc): Value {
  const out: Value[] = [];
  for (const co of coOrders(c.n, c.exec.events, S, pco)) {
    out.push(co);
    if (out.length > 1_000_000) throw new CatRuntimeError(loc, 'generate_orders: more than 1000000 orders');
  }
  return new VSet(out);
}

function pairArgs(arg: Value, name: string, n: number, loc: Loc): [EventSet, Relation] {
  if (!(arg instanceof VTuple) || arg.items.length !== 2) throw new CatRuntimeError(loc, `${name} expects (set, relation)`);
  return [asSet(arg.items[0], n, loc), asRel(arg.items[1], n, loc)];
}

/** cross.cat's other definitions: generate_orders(S, pco), generate_cos(pco) over the W in scope, linearisations. */
const crossExtras: NativeInstr[] = [
  {
    k: 'let',
    def: {
      name: 'generate_orders',
      deps: [],
      compute: () =>
        new VPrim('generate_orders', (arg, c, loc) => {
          const [S, pco] = pairArgs(arg, 'generate_orders', c.n, loc);
          return generateOrders(c, S, pco, loc);
        }),
    },
  },
  {
    k: 'let',
    def: {
      name: 'generate_cos',
      deps: ['W'],
      compute: (_c, [W]) => new VPrim('generate_cos', (arg, c, loc) => generateOrders(c, asSet(W, c.n), asRel(arg, c.n, loc), loc)),
    },
  },
  {
    k: 'let',
    def: {
      name: 'linearisations',
      deps: [],
      compute: () =>
        new VPrim('linearisations', (arg, c, loc) => {
          // all total orders of the set's events (whatever their locations) containing the relation
          const [S, r] = pairArgs(arg, 'linearisations', c.n, loc);
          const single = (c as NativeCtx).exec.events.map((e: Event) => ({ ...e, loc: '' }));
          return new VSet([...coOrders(c.n, single, S, r)]);
        }),
    },
  },
];

/** Library files provided natively: an include of one of these names never reads a file. */
export const NATIVE_INCLUDES: Record<string, NativeInstr[]> = {
  // herd includes stdlib.cat implicitly; an explicit include adds nothing
  'stdlib.cat': [],
  'cross.cat': [{ k: 'let', def: crossDef }, ...crossExtras],
  'cos-opt.cat': coGeneration([]),
  'cos.cat': coGeneration([
    { k: 'let', def: { name: 'ca', monotone: true, deps: ['fr', 'co'], compute: (c, [fr, co]) => asRel(fr, c.n).union(asRel(co, c.n)) } },
  ]),
};

export function notAFunction(v: Value, loc: Loc): never {
  throw new CatRuntimeError(loc, `cannot apply ${typeName(v)}: not a function`);
}
