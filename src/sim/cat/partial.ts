// Judges a partial execution (some reads-from still open, some values unknown) by lower and upper bounds: does every completion fail a check?
/*
 * Exploration binds reads one at a time. Before descending into the executions that extend a partial choice,
 * it asks this module whether all of them are certain to be rejected; if so, the whole subtree is skipped.
 *
 * Method (abstract interpretation with intervals): every set or relation the model computes is represented by
 * a pair [lo, hi] such that, for EVERY completion of the partial execution and every `with … from` branch of
 * it, the exact value v satisfies lo ⊆ v ⊆ hi. The inputs are bounded directly:
 *   - rf: lo = the reads-from edges chosen so far, hi = those plus every candidate edge of the open reads;
 *   - event values: unknown for reads still open and for writes computed from them (only different-values
 *     reads values; it gets the bounds that hold whatever the unknown values are);
 *   - `with x from S`: x is bound to the hull of S (lo = intersection of its members, hi = their union),
 *     and the natively generated coherence orders to [the transitive closure of what cobase's lower bound and
 *     the exploration's imposed co pairs force, every same-location pair not contradicting that];
 *   - everything that depends only on the skeleton (events, po, dependencies) is exact (lo = hi, computed
 *     once per skeleton and cached).
 * Each operator maps bounds to bounds: monotone ones (| & ; * + ? ^-1 [S] domain range ++ …) apply to lo and
 * hi separately, `a \ b` gives [a.lo \ b.hi, a.hi \ b.lo], `~a` gives [~a.hi, ~a.lo], singlestep(r) = r \ (r;r)
 * gives [r.lo \ (r.hi;r.hi), r.hi \ (r.lo;r.lo)]. `let rec` iterates in herd's order on the bounds: at every
 * step the exact iterate lies between them, so once the bounds stop changing they enclose the exact fixpoint.
 * Natively computed library bindings that read rf or co are evaluated on the lower and on the upper bounds of
 * their inputs, which is sound for the ones stdlib.ts marks `monotone`; any other (and any construct needing
 * an exact value that is only bounded, e.g. a set of relations built from rf) makes the answer "unknown".
 *
 * A check then fails for certain when: `acyclic r` and r.lo has a cycle; `irreflexive r` and r.lo has a loop;
 * `empty r` and r.lo is not empty; for the negated forms, the same on r.hi. Since a check failing on every
 * completion (in every branch) makes every completion inconsistent, the subtree holds no consistent execution.
 * Flags are never evaluated: they do not decide consistency. A `with` whose set is empty, or coherence orders
 * that cannot exist, mean no completion has any branch at all: nothing to judge either.
 * Any evaluation error, and anything not covered above, answers "unknown": exploration then goes on exactly as
 * without pruning, and the exact evaluator (evaluator.ts) judges the complete executions as always.
 *
 * The two bounds are computed on demand, each by itself: `acyclic hb` needs only hb's lower bound, which needs
 * upper bounds only of what appears on the right of `\` or under `~` in its definition. Values that depend
 * only on the skeleton are one value for both bounds. A construct that needs an exact value (the set of a
 * `with`, a function, an argument of map or cross) computes both bounds and requires them equal.
 *
 * Exploration judges many sibling partial executions of one skeleton, which differ in a read or two, and most
 * bounds come out the same each time. The skeleton therefore keeps, per binding and bound, its last value
 * and the bounds its computation read; a binding whose inputs are unchanged takes that value back instead of
 * being computed again (Run.compute, Run.recGroupMemo). The value is the one the computation would give.
 */
import type { Event, Execution } from '../execution.js';
import type { Model } from '../model.js';
import { EventSet, Relation } from '../relation.js';
import type { Binding, CatFile, Expr, Instr, Loc, Params, TestOp } from './ast.js';
import { builtinDefs, coHull, NATIVE_INCLUDES, type NativeCtx, type NativeDef, type NativeInstr } from './stdlib.js';
import {
  addElement,
  asRel,
  asSet,
  cartesian,
  CatRuntimeError,
  diff,
  EMPTY,
  inter,
  isEmptyValue,
  union,
  valueEquals,
  VPrim,
  VSet,
  VTag,
  VTuple,
  type Value,
} from './values.js';

/** A partial execution: the skeleton, the reads-from bounds, which event values are known, imposed co pairs. */
export interface PartialInput {
  /** Events (values of unknown events are ignored), po, dependencies, IW; rf = the edges chosen so far. */
  exec: Execution;
  /** Every rf edge any completion may have (contains exec.rf). */
  rfHi: Relation;
  /** Events whose value is the same in every completion (with exec.events' values), or how to get them:
   * values matter only to different-values, so exploration computes them only if asked. */
  known: EventSet | (() => { events: Event[]; known: EventSet });
  /** Same-location write pairs every completion's co contains (exploration's imposed lock orders). */
  split?: Relation;
}

/** `fails`: every completion fails this check; `none`: no completion has any branch; undefined: unknown. */
export type PartialVerdict = { k: 'fails'; check: string } | { k: 'none' } | undefined;

/** Which bound: 0 the lower, 1 the upper. */
type Side = 0 | 1;

/** Bounds of one value: lo ⊆ exact ⊆ hi (boundsOf's result). */
export interface ValueBounds {
  lo: Value;
  hi: Value;
}

/** The answer cannot be given (a construct without a sound bound, or an evaluation error). */
class Unknown extends Error {}
const UNKNOWN = new Unknown('partial judging: unknown');

/** A bound computed on demand and kept: a local name, a function argument, a tuple item. */
class Lazy {
  private v0?: Value;
  private v1?: Value;
  /** Computed by f on demand, or given: one value for both bounds, or a lower and an upper one. */
  constructor(private readonly f: ((side: Side) => Value) | null, lo?: Value, hi: Value | undefined = lo) {
    this.v0 = lo;
    this.v1 = hi;
  }
  get(side: Side): Value {
    if (side === 0) return (this.v0 ??= this.f!(0));
    return (this.v1 ??= this.f!(1));
  }
}

/** A function value of the model (closures are exact values). */
class IClo {
  readonly t = 'iclo';
  constructor(
    readonly name: string,
    readonly params: Params,
    readonly body: Expr,
    readonly scope: Map<string, number>,
    readonly locals: Locals | null,
  ) {}
}
interface Locals {
  names: Map<string, Lazy>;
  up: Locals | null;
}

interface BindDef {
  name: string;
  /** Depends only on the skeleton: computed once per skeleton, one value for both bounds. */
  static: boolean;
  /**
   * Reads nothing of the partial execution but other bindings (through Run.get): its bound is a function of
   * theirs, so it may be reused from an earlier judgement when they are unchanged (see Run.compute).
   */
  memo: boolean;
  compute(run: Run, side: Side): Value;
}

/** A bound computed by an earlier judgement of the skeleton, with what it read: (slot, side, value) triples. */
interface Memo {
  deps: unknown[];
  out: Value;
}

/** The same for a `let rec` group: both bounds of every member, and what the iteration read outside the group. */
interface GroupMemo {
  deps: unknown[];
  lo: Value[];
  hi: Value[];
}

type Step =
  | { k: 'test'; name: string; op: TestOp; neg: boolean; e: Expr; scope: Map<string, number> }
  | { k: 'ncheck'; name: string; dep: number }
  | { k: 'with'; slot: number; e: Expr; scope: Map<string, number>; loc: Loc }
  | { k: 'nwith'; slot: number; deps: number[] };

/** Primitives monotone in their argument: bounds of the result are their values on the argument's bounds. */
const MONOTONE_PRIMS = new Set(['domain', 'range', 'udr', 'toid', 'fencerel']);

/** A model prepared for partial judging (built once per model). */
export class PartialModel {
  readonly binds: BindDef[] = [];
  readonly steps: Step[] = [];
  private env = new Map<string, number>();
  private readonly isStatic: boolean[] = [];
  private including: string[] = [];

  /** The last binding of each name (what bounds() reports). */
  readonly final: Map<string, number>;

  constructor(readonly model: Model) {
    const files = model.bell ? [model.bell, model.cat] : [model.cat];
    const tags = new Set<string>();
    for (const f of files) for (const i of f.instrs) if (i.k === 'enum') for (const t of i.tags) tags.add(t);
    for (const d of builtinDefs(tags)) this.native({ k: 'let', def: d });
    for (const f of files) this.file(f);
    this.final = this.env;
  }

  private bind(name: string, st: boolean, compute: (run: Run, side: Side) => Value, memo = false): number {
    this.binds.push({ name, static: st, memo, compute });
    this.isStatic.push(st);
    return this.binds.length - 1;
  }

  private file(f: CatFile): void {
    for (const ins of f.instrs) this.instr(ins);
  }

  private native(ins: NativeInstr): void {
    const dep = (d: string) => {
      const s = this.env.get(d);
      if (s === undefined) throw new CatRuntimeError(undefined, `library needs '${d}'`);
      return s;
    };
    if (ins.k === 'let') {
      const def = ins.def;
      const deps = def.deps.map(dep);
      const st = !def.dynamic && deps.every((d) => this.isStatic[d]);
      this.env.set(def.name, this.bind(def.name, st, (run, side) => run.nativeLet(def, deps, side), !def.dynamic));
    } else if (ins.k === 'check') {
      this.steps.push({ k: 'ncheck', name: ins.name, dep: dep(ins.dep) });
    } else {
      const deps = ins.deps.map(dep);
      const slot = this.bind(ins.name, false, () => {
        throw UNKNOWN;
      });
      this.env.set(ins.name, slot);
      this.steps.push({ k: 'nwith', slot, deps });
    }
  }

  private instr(ins: Instr): void {
    switch (ins.k) {
      case 'let':
        return ins.rec ? this.letRec(ins.binds) : this.let(ins.binds);
      case 'test':
        if (ins.kind === 'check')
          this.steps.push({ k: 'test', name: ins.name ?? `${ins.neg ? '~' : ''}${ins.op}@${ins.loc.line}`, op: ins.op, neg: ins.neg, e: ins.e, scope: new Map(this.env) });
        return;
      case 'include': {
        if (this.including.includes(ins.file)) throw new CatRuntimeError(ins.loc, 'recursive include');
        const nat = NATIVE_INCLUDES[ins.file];
        if (nat) {
          for (const ni of nat) this.native(ni);
          return;
        }
        const f = this.model.included.get(ins.file);
        if (!f) throw new CatRuntimeError(ins.loc, `cannot include ${ins.file}`);
        this.including.push(ins.file);
        this.file(f);
        this.including.pop();
        return;
      }
      case 'enum': {
        const v = new VSet(ins.tags.map((t) => new VTag(t)));
        this.env.set(ins.name, this.bind(ins.name, true, () => v));
        return;
      }
      case 'instructions':
      case 'show':
        return;
      case 'with': {
        const scope = new Map(this.env);
        const slot = this.bind(ins.name, false, () => {
          throw UNKNOWN;
        });
        this.env.set(ins.name, slot);
        this.steps.push({ k: 'with', slot, e: ins.e, scope, loc: ins.loc });
        return;
      }
    }
  }

  private readonly nodeStatic = new WeakMap<Expr, boolean>();

  /**
   * Whether a sub-expression reads only static top-level bindings and no local name (decided once per node:
   * its lexical context, hence which of its free names are locals, never changes).
   */
  staticNode(e: Expr, scope: Map<string, number>, locals: Locals | null): boolean {
    let st = this.nodeStatic.get(e);
    if (st === undefined) {
      // trivial nodes are not worth a cache entry
      st = e.k !== 'empty' && e.k !== 'univ' && e.k !== 'tag' && this.readsOnlyStatic(e, scope, locals);
      this.nodeStatic.set(e, st);
    }
    return st;
  }

  /**
   * Whether e's free names are all static top-level bindings of scope: none local, none in `except` (the
   * members of a let rec group, static or not with the group).
   */
  private readsOnlyStatic(e: Expr, scope: Map<string, number>, locals: Locals | null, except: string[] = []): boolean {
    const free = new Set<string>();
    freeVars(e, new Set(except), free);
    for (const nm of free) {
      for (let l = locals; l; l = l.up) if (l.names.has(nm)) return false;
      const s = scope.get(nm);
      if (s === undefined || !this.isStatic[s]) return false;
    }
    return true;
  }

  private let(binds: Binding[]): void {
    const scope = new Map(this.env);
    for (const b of binds) {
      const st = this.readsOnlyStatic(b.e, scope, null);
      const e = b.e;
      const hidden = this.bind(b.pat.kind === 'one' ? (b.pat.name ?? '_') : '(tuple)', st, (run, side) => run.eval(e, scope, null, side), true);
      if (b.pat.kind === 'one') {
        if (b.pat.name !== null) this.env.set(b.pat.name, hidden);
      } else {
        const names = b.pat.names;
        const loc = b.loc;
        names.forEach((nm, i) => {
          if (nm === null) return;
          this.env.set(nm, this.bind(nm, st, (run, side) => tupleItem(run.get(hidden, side), i, names.length, loc), true));
        });
      }
    }
  }

  private letRec(binds: Binding[]): void {
    const names = binds.map((b) => (b.pat.kind === 'one' && b.pat.name !== null ? b.pat.name : '_'));
    const first = this.binds.length;
    const slots = names.map((_, i) => first + i);
    const inner = new Map(this.env);
    names.forEach((nm, i) => inner.set(nm, slots[i]));
    // static when the bodies read nothing dynamic besides the group itself
    const st = binds.every((b) => this.readsOnlyStatic(b.e, inner, null, names));
    const exprs = binds.map((b) => b.e);
    names.forEach((nm, i) => {
      this.bind(nm, st, (run, side) => {
        if (st) run.recGroup(slots, exprs, inner, st);
        else run.recGroupMemo(slots, exprs, inner);
        return run.vals[side][slots[i]]!;
      });
    });
    names.forEach((nm, i) => this.env.set(nm, slots[i]));
  }
}

/** Per-skeleton state: the cached static bindings. */
export class PartialSkeleton {
  readonly cache: (Value | undefined)[];
  /** Per bound, the last computed value of each memoisable binding and what it read (Run.get). */
  readonly memo: [(Memo | undefined)[], (Memo | undefined)[]];
  /** The same for dynamic `let rec` groups, by their first slot (Run.recGroupMemo). */
  readonly groupMemo = new Map<number, GroupMemo>();
  /** Values of static sub-expressions (PartialModel.staticNode). */
  readonly exprCache = new Map<Expr, Value>();
  constructor(readonly pm: PartialModel) {
    this.cache = new Array(pm.binds.length);
    this.memo = [new Array(pm.binds.length), new Array(pm.binds.length)];
  }

  /** Index (in the model's steps) of the check that failed last: tried first next time (see Run.steps). */
  hot = -1;

  /** Judges one partial execution of this skeleton. */
  judge(input: PartialInput): PartialVerdict {
    const run = new Run(this, input);
    try {
      return run.steps();
    } catch (e) {
      if (e instanceof Unknown || e instanceof CatRuntimeError) return undefined;
      throw e;
    }
  }
}

/** Bounds of the model's named sets and relations on a partial execution (tests check them against exact values). */
export function boundsOf(
  sk: PartialSkeleton,
  input: PartialInput,
  names: Iterable<string>,
  lowerOnly = false,
): Map<string, ValueBounds> | undefined {
  const run = new Run(sk, input);
  try {
    if (!run.steps(false)) return undefined;
    const out = new Map<string, ValueBounds>();
    for (const nm of names) {
      const slot = sk.pm.final.get(nm);
      if (slot === undefined) continue;
      try {
        // lowerOnly: callers that read only lo skip the upper bounds' evaluation (hi is then lo, not a bound)
        const lo = run.get(slot, 0);
        const b = { lo, hi: lowerOnly ? lo : run.get(slot, 1) };
        if (b.lo === EMPTY || b.lo instanceof Relation || b.lo instanceof EventSet) out.set(nm, b);
      } catch (e) {
        if (!(e instanceof Unknown || e instanceof CatRuntimeError)) throw e;
      }
    }
    return out;
  } catch (e) {
    if (e instanceof Unknown || e instanceof CatRuntimeError) return undefined;
    throw e;
  }
}

class Run implements NativeCtx {
  readonly n: number;
  readonly exec: Execution;
  /** Per bound, the value of each top-level binding computed so far. */
  readonly vals: [(Value | undefined)[], (Value | undefined)[]];
  private all?: EventSet;
  private pm: PartialModel;
  private values?: { events: Event[]; known: EventSet };

  constructor(
    readonly sk: PartialSkeleton,
    readonly input: PartialInput,
  ) {
    this.pm = sk.pm;
    this.exec = input.exec;
    this.n = input.exec.events.length;
    this.vals = [new Array(this.pm.binds.length), new Array(this.pm.binds.length)];
  }

  /** What the binding being computed has read so far (slot, side, value triples), or null at top level. */
  private reads: unknown[] | null = null;
  /** The binding being computed read the partial execution other than through bindings (different-values). */
  private tainted = false;

  get(i: number, side: Side): Value {
    let v = this.vals[side][i];
    if (v === undefined) v = this.compute(i, side);
    const reads = this.reads;
    if (reads !== null && !this.pm.binds[i].static) reads.push(i, side, v);
    return v;
  }

  /*
   * Sibling partial executions differ in a read or two, and most bounds do not change: a binding whose
   * inputs (the bounds it read, in the order it read them) are the same as when the skeleton last computed
   * it has the same bound, since its computation is a function of them. Re-reading them in that order reads
   * exactly what the computation would read up to the first difference, so nothing extra is evaluated.
   * "The same" is strict (same kind and contents), so the reused value is the very value recomputing gives.
   */
  private compute(i: number, side: Side): Value {
    const def = this.pm.binds[i];
    if (def.static) {
      let c = this.sk.cache[i];
      if (c === undefined) this.sk.cache[i] = c = def.compute(this, 0);
      this.vals[0][i] = this.vals[1][i] = c;
      return c;
    }
    const outer = this.reads,
      outerTainted = this.tainted;
    const m = def.memo ? this.sk.memo[side][i] : undefined;
    if (m !== undefined && this.unchanged(m.deps)) {
      this.vals[side][i] = m.out;
      return m.out;
    }
    const reads: unknown[] = [];
    this.reads = reads;
    this.tainted = false;
    let r: Value, tainted: boolean;
    try {
      r = def.compute(this, side);
    } finally {
      tainted = this.tainted;
      this.reads = outer;
      this.tainted = outerTainted;
    }
    this.vals[side][i] = r;
    if (def.memo && !tainted && reusable(r)) this.sk.memo[side][i] = { deps: reads, out: r };
    return r;
  }

  /**
   * Runs the model's instructions on bounds. With checks (the default): the first check certain to fail, or
   * `none`, or undefined. Without (bounds of every binding wanted): undefined when a `with` has no choice,
   * else `none` as a marker that every instruction ran.
   */
  steps(checks = true): PartialVerdict {
    // Sibling partial executions usually fail the same check: try the one that failed last before the
    // others (any check certain to fail decides; only `with` bindings must come first, in order).
    const steps = this.pm.steps;
    const hot = checks ? this.sk.hot : -1;
    if (hot >= 0) {
      for (let i = 0; i < hot; i++) {
        const st = steps[i];
        if ((st.k === 'with' || st.k === 'nwith') && !this.bindWith(st)) return { k: 'none' };
      }
      const v = this.check(steps[hot] as Step & { k: 'test' | 'ncheck' });
      if (v) return v;
    }
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i];
      switch (st.k) {
        case 'test':
        case 'ncheck': {
          if (!checks || i === hot) break;
          const v = this.check(st);
          if (v) {
            this.sk.hot = i;
            return v;
          }
          break;
        }
        default:
          if (this.vals[0][st.slot] === undefined && !this.bindWith(st)) return checks ? { k: 'none' } : undefined;
      }
    }
    return checks ? undefined : { k: 'none' };
  }

  private check(st: Step & { k: 'test' | 'ncheck' }): PartialVerdict {
    if (st.k === 'test') {
      // the check holds on the exact value x iff P(x) (negated: iff not P(x)); P = empty, acyclic or
      // irreflexive only breaks as x grows, so P fails for sure when it fails on the lower bound, and
      // not-P fails for sure when P holds on the upper bound
      const v = this.eval(st.e, st.scope, null, st.neg ? 1 : 0);
      if (v instanceof VSet) throw UNKNOWN; // sets of values have no bounds here
      const holds = this.holds(st.op, v);
      return (st.neg ? holds : !holds) ? { k: 'fails', check: st.name } : undefined;
    }
    const v = this.get(st.dep, 0);
    return v !== EMPTY && !asRel(v, this.n).isAcyclic() ? { k: 'fails', check: st.name } : undefined;
  }

  private holds(op: TestOp, x: Value): boolean {
    if (op === 'empty') return isEmptyValue(x);
    if (x === EMPTY) return true;
    const r = asRel(x, this.n);
    return op === 'acyclic' ? r.isAcyclic() : r.isIrreflexive();
  }

  /** Binds a `with` name to the hull of its choices; false when there is no choice at all. */
  private bindWith(st: Step & { k: 'with' | 'nwith' }): boolean {
    if (st.k === 'with') {
      const s = this.exact(st.e, st.scope, null);
      if (s === EMPTY || (s instanceof VSet && s.items.length === 0)) return false;
      if (!(s instanceof VSet)) throw UNKNOWN;
      const [lo, hi] = hull(s.items);
      this.vals[0][st.slot] = lo;
      this.vals[1][st.slot] = hi;
      return true;
    }
    const W = this.get(st.deps[0], 0);
    if (!this.pm.binds[st.deps[0]].static) throw UNKNOWN;
    const cobase = this.get(st.deps[1], 0);
    const h = coHull(this.n, this.exec.events, asSet(W, this.n), asRel(cobase, this.n), this.input.split);
    if (!h) return false;
    this.vals[0][st.slot] = h.lo;
    this.vals[1][st.slot] = h.hi;
    return true;
  }

  nativeLet(def: NativeDef, deps: number[], side: Side): Value {
    if (def.name === 'rf' && deps.length === 0 && def.dynamic) return side === 0 ? this.input.exec.rf : this.input.rfHi;
    // natives read only their deps and the skeleton (rf, handled above, and different-values, a function
    // bounded when applied, are the exceptions); a static one has one value, a dynamic one must be monotone
    if (!def.monotone && !deps.every((d) => this.pm.binds[d].static)) throw UNKNOWN;
    return def.compute(
      this,
      deps.map((d) => this.get(d, side)),
    );
  }

  /** Top-level let rec: iterate both bounds in herd's order until neither changes. */
  recGroup(slots: number[], exprs: Expr[], scope: Map<string, number>, st: boolean): void {
    const isFun = exprs.map((e) => e.k === 'fun');
    const [v0, v1] = this.vals;
    slots.forEach((s, i) => {
      if (isFun[i]) v0[s] = v1[s] = this.exact(exprs[i], scope, null);
      else v0[s] = v1[s] = EMPTY;
    });
    if (!isFun.every(Boolean)) {
      for (let iter = 0; ; iter++) {
        let changed = false;
        for (let i = 0; i < slots.length; i++) {
          if (isFun[i]) continue;
          const lo = this.eval(exprs[i], scope, null, 0);
          const hi = this.eval(exprs[i], scope, null, 1);
          if (!valueEquals(lo, v0[slots[i]]!) || !valueEquals(hi, v1[slots[i]]!)) changed = true;
          v0[slots[i]] = lo;
          v1[slots[i]] = hi;
        }
        if (!changed) break;
        if (iter > 4 * this.n * this.n + 16) throw UNKNOWN;
      }
    }
    // a static group has one value: keep it for the skeleton (both bounds are equal then)
    if (st) for (const s of slots) this.sk.cache[s] = v0[s];
  }

  /**
   * Whether the bounds a memo was computed from are the same now: deps holds (slot, side, value) triples, read
   * again here without recording them as reads of whatever is being computed.
   */
  private unchanged(d: unknown[]): boolean {
    const outer = this.reads;
    this.reads = null;
    try {
      for (let k = 0; k < d.length; k += 3) if (!sameValue(this.get(d[k] as number, d[k + 1] as Side), d[k + 2] as Value)) return false;
      return true;
    } finally {
      this.reads = outer;
    }
  }

  /**
   * A dynamic top-level let rec group: reused from the skeleton's last iteration of it when what that
   * iteration read outside the group is unchanged (the iteration is a function of it, as in Run.compute).
   */
  recGroupMemo(slots: number[], exprs: Expr[], scope: Map<string, number>): void {
    const [v0, v1] = this.vals;
    const outer = this.reads,
      outerTainted = this.tainted;
    const m = this.sk.groupMemo.get(slots[0]);
    if (m !== undefined && this.unchanged(m.deps)) {
      slots.forEach((s, i) => {
        v0[s] = m.lo[i];
        v1[s] = m.hi[i];
      });
      return;
    }
    const reads: unknown[] = [];
    this.reads = reads;
    this.tainted = false;
    let tainted: boolean;
    try {
      this.recGroup(slots, exprs, scope, false);
    } finally {
      tainted = this.tainted;
      this.reads = outer;
      this.tainted = outerTainted;
    }
    const lo = slots.map((s) => v0[s]!),
      hi = slots.map((s) => v1[s]!);
    if (tainted || !lo.every(reusable) || !hi.every(reusable)) return;
    // the members' own reads are the iteration's intermediate values, not inputs
    const deps: unknown[] = [];
    for (let k = 0; k < reads.length; k += 3) if (!slots.includes(reads[k] as number)) deps.push(reads[k], reads[k + 1], reads[k + 2]);
    this.sk.groupMemo.set(slots[0], { deps, lo, hi });
  }

  universe(): EventSet {
    return (this.all ??= EventSet.full(this.n));
  }

  /** NativeCtx.apply, for natives calling back into the model (map): exact arguments and results only. */
  apply(f: Value, arg: Value, loc: Loc): Value {
    const a = new Lazy(null, arg);
    const lo = this.applyL(f, a, loc, 0);
    const hi = this.applyL(f, a, loc, 1);
    if (lo !== hi && !valueEquals(lo, hi)) throw UNKNOWN;
    return lo;
  }

  private applyL(fn: Value, arg: Lazy, loc: Loc, side: Side): Value {
    if (fn instanceof IClo) {
      const names = new Map<string, Lazy>();
      if (fn.params.kind === 'one') {
        if (fn.params.name !== null) names.set(fn.params.name, arg);
      } else {
        const ps = fn.params.names;
        ps.forEach((p, i) => {
          if (p !== null) names.set(p, new Lazy((sd) => tupleItem(arg.get(sd), i, ps.length, loc)));
        });
      }
      return this.eval(fn.body, fn.scope, { names, up: fn.locals }, side);
    }
    if (fn instanceof VPrim) return this.prim(fn, arg, loc, side);
    throw new CatRuntimeError(loc, 'not a function');
  }

  private prim(p: VPrim, arg: Lazy, loc: Loc, side: Side): Value {
    const n = this.n;
    switch (p.name) {
      case 'different-values':
        return this.differentValues(arg.get(side), side, loc);
      case 'singlestep': {
        // r \ (r ; r): the lower bound removes what the upper bound composes, and the other way round
        const r = arg.get(side);
        if (r === EMPTY) return EMPTY;
        const o = arg.get((1 - side) as Side);
        const rr = asRel(r, n, loc);
        return o === EMPTY ? rr.diff(new Relation(n)) : rr.diffSeqSelf(asRel(o, n, loc));
      }
    }
    if (MONOTONE_PRIMS.has(p.name)) return p.fn(arg.get(side), this, loc);
    // anything else needs its argument exactly
    const lo = arg.get(0);
    const hi = arg.get(1);
    if (lo !== hi && !valueEquals(lo, hi)) throw UNKNOWN;
    return p.fn(lo, this, loc);
  }

  /** Pairs whose events' values differ: certainly (both known and different) / possibly (not both known and equal). */
  private differentValues(v: Value, side: Side, loc: Loc): Value {
    if (v === EMPTY) return EMPTY;
    this.tainted = true;
    const k = this.input.known;
    const { events: ev, known } = (this.values ??= typeof k === 'function' ? k() : { events: this.exec.events, known: k });
    const r = asRel(v, this.n, loc);
    const out = new Relation(this.n);
    for (const [a, b] of r.pairs()) {
      let same: boolean | undefined;
      if (known.has(a) && known.has(b)) {
        const x = ev[a].value,
          y = ev[b].value;
        // as the exact primitive: an event without a value matches nothing
        same = x === undefined || y === undefined ? false : typeof x === 'number' || typeof y === 'number' ? x === y : x.loc === y.loc;
      }
      if (side === 0 ? same === false : same !== true) out.add(a, b);
    }
    return out;
  }

  /** The value of e, which must be the same for both bounds (else the answer is unknown). */
  exact(e: Expr, scope: Map<string, number>, locals: Locals | null): Value {
    const lo = this.eval(e, scope, locals, 0);
    // closures are the same for both bounds: their bodies are evaluated for the bound asked, when applied
    if (lo instanceof IClo || this.pm.staticNode(e, scope, locals)) return lo;
    const hi = this.eval(e, scope, locals, 1);
    if (lo !== hi && !valueEquals(lo, hi)) throw UNKNOWN;
    return lo;
  }

  eval(e: Expr, scope: Map<string, number>, locals: Locals | null, side: Side): Value {
    if (e.k === 'var') {
      for (let l = locals; l; l = l.up) {
        const v = l.names.get(e.name);
        if (v) return v.get(side);
      }
      const s = scope.get(e.name);
      if (s === undefined) throw new CatRuntimeError(e.loc, `unbound name '${e.name}'`);
      return this.get(s, side);
    }
    // sub-expressions reading only skeleton-level names (no rf, no local) are computed once per skeleton
    if (this.pm.staticNode(e, scope, locals)) {
      const cache = this.sk.exprCache;
      let v = cache.get(e);
      if (v === undefined) cache.set(e, (v = this.evalRaw(e, scope, locals, 0)));
      return v;
    }
    return this.evalRaw(e, scope, locals, side);
  }

  private evalRaw(e: Expr, scope: Map<string, number>, locals: Locals | null, side: Side): Value {
    const n = this.n;
    switch (e.k) {
      case 'var':
        return this.eval(e, scope, locals, side);
      case 'empty':
        return EMPTY;
      case 'univ':
        return this.universe();
      case 'tag':
        return new VTag(e.name);
      case 'set': {
        let acc: Value = EMPTY;
        for (const it of e.items) acc = addElement(this.exact(it, scope, locals), acc, n, e.loc);
        return acc;
      }
      case 'toid': {
        const v = this.eval(e.e, scope, locals, side);
        return v === EMPTY ? EMPTY : Relation.identity(asSet(v, n, e.loc));
      }
      case 'un': {
        if (e.op === 'comp') {
          // ~a: the lower bound is the complement of a's upper bound
          const v = this.eval(e.e, scope, locals, (1 - side) as Side);
          if (v instanceof EventSet || v instanceof Relation) return v.complement();
          if (v === EMPTY) return this.universe();
          throw new CatRuntimeError(e.loc, '~: expected a set or relation');
        }
        const v = this.eval(e.e, scope, locals, side);
        switch (e.op) {
          case 'inv':
            return v === EMPTY ? EMPTY : asRel(v, n, e.loc).inverse();
          case 'plus':
            return v === EMPTY ? EMPTY : asRel(v, n, e.loc).plus();
          case 'star':
            return v === EMPTY ? Relation.identity(this.universe()) : asRel(v, n, e.loc).star();
          case 'opt':
            return v === EMPTY ? Relation.identity(this.universe()) : asRel(v, n, e.loc).opt();
        }
        throw UNKNOWN;
      }
      case 'bin':
        return this.binary(e, scope, locals, side);
      case 'tuple':
        return new VTuple(e.items.map((x) => this.eval(x, scope, locals, side)));
      case 'app': {
        const f = this.exact(e.fn, scope, locals);
        const arg = e.arg;
        return this.applyL(f, new Lazy((sd) => this.eval(arg, scope, locals, sd)), e.loc, side);
      }
      case 'fun':
        return new IClo(e.name, e.params, e.body, scope, locals) as unknown as Value;
      case 'let': {
        const names = new Map<string, Lazy>();
        const inner: Locals = { names, up: locals };
        if (!e.rec) {
          for (const b of e.binds) {
            const be = b.e;
            const whole = new Lazy((sd) => this.eval(be, scope, locals, sd));
            if (b.pat.kind === 'one') {
              if (b.pat.name !== null) names.set(b.pat.name, whole);
            } else {
              const ps = b.pat.names;
              ps.forEach((p, j) => {
                if (p !== null) names.set(p, new Lazy((sd) => tupleItem(whole.get(sd), j, ps.length, b.loc)));
              });
            }
          }
          return this.eval(e.body, scope, inner, side);
        }
        // let rec … in: both bounds iterated together, in herd's order
        const bnames = e.binds.map((b) => (b.pat.kind === 'one' && b.pat.name !== null ? b.pat.name : '_'));
        const exprs = e.binds.map((b) => b.e);
        const isFun = exprs.map((x) => x.k === 'fun');
        exprs.forEach((x, i) => {
          const v = x.k === 'fun' ? (new IClo(x.name, x.params, x.body, scope, inner) as unknown as Value) : EMPTY;
          names.set(bnames[i], new Lazy(null, v));
        });
        if (!isFun.every(Boolean)) {
          for (let iter = 0; ; iter++) {
            let changed = false;
            for (let i = 0; i < bnames.length; i++) {
              if (isFun[i]) continue;
              const old = names.get(bnames[i])!;
              const lo = this.eval(exprs[i], scope, inner, 0);
              const hi = this.eval(exprs[i], scope, inner, 1);
              if (!valueEquals(lo, old.get(0)) || !valueEquals(hi, old.get(1))) changed = true;
              names.set(bnames[i], new Lazy(null, lo, hi));
            }
            if (!changed) break;
            if (iter > 4 * n * n + 16) throw UNKNOWN;
          }
        }
        return this.eval(e.body, scope, inner, side);
      }
      case 'try':
        try {
          return this.eval(e.e, scope, locals, side);
        } catch (err) {
          if (!(err instanceof CatRuntimeError)) throw err;
          // the exact evaluation takes the alternative only if e fails there too: require it on both bounds
          try {
            this.eval(e.e, scope, locals, (1 - side) as Side);
          } catch (err2) {
            if (err2 instanceof CatRuntimeError) return this.eval(e.alt, scope, locals, side);
            throw err2;
          }
          throw UNKNOWN;
        }
    }
  }

  /**
   * r1 ; r2 ; … with [S] operands applied as row/column filters (as the exact evaluator does).
   * Operands are evaluated only while the composition is not empty: once it is, so is the rest.
   */
  private seq(e: Expr & { k: 'bin' }, scope: Map<string, number>, locals: Locals | null, side: Side): Value {
    const n = this.n;
    let acc: Relation | null = null;
    let dom: EventSet | null = null;
    // acc was made here and is not shared yet: later steps may rewrite it in place
    let fresh = false;
    for (const a of e.args) {
      const filter = a.k === 'toid';
      const v = this.eval(filter ? a.e : a, scope, locals, side);
      if (v === EMPTY) return EMPTY;
      if (filter) {
        const st = asSet(v, n, e.loc);
        if (acc === null) dom = dom ? dom.inter(st) : st;
        else if (fresh) acc.restrictRangeInPlace(st);
        else {
          acc = acc.restrictRange(st);
          fresh = true;
        }
      } else {
        const r = asRel(v, n, e.loc);
        if (acc === null) {
          if (dom) {
            acc = r.restrictDomain(dom);
            fresh = true;
          } else acc = r;
        } else if (fresh && r !== acc) acc.seqInPlace(r);
        else {
          acc = acc.seq(r);
          fresh = true;
        }
      }
      if (acc !== null && acc.isEmpty()) return acc;
    }
    return acc ?? (dom ? Relation.identity(dom) : EMPTY);
  }

  /**
   * first op a2 op a3 … for an operator that only removes (\\, &): the later operands, on bound `side`, are
   * not evaluated once the result is empty.
   */
  private narrow(e: Expr & { k: 'bin' }, first: Value, scope: Map<string, number>, locals: Locals | null, side: Side, op: (a: Value, b: Value) => Value): Value {
    let acc = first;
    for (let i = 1; i < e.args.length; i++) {
      if (acc === EMPTY || ((acc instanceof Relation || acc instanceof EventSet) && acc.isEmpty())) return acc;
      acc = op(acc, this.eval(e.args[i], scope, locals, side));
    }
    return acc;
  }

  private binary(e: Expr & { k: 'bin' }, scope: Map<string, number>, locals: Locals | null, side: Side): Value {
    const loc = e.loc;
    const n = this.n;
    const other = (1 - side) as Side;
    switch (e.op) {
      case 'seq':
        return this.seq(e, scope, locals, side);
      case 'diff': {
        // a \ b \ c = a \ (b | c): the lower bound removes the upper bounds, and the other way round
        let acc = this.eval(e.args[0], scope, locals, side);
        if (acc instanceof VSet) {
          // sets of values have no bounds: only exactly known operands
          acc = this.exact(e.args[0], scope, locals);
          for (let i = 1; i < e.args.length; i++) acc = diff(acc, this.exact(e.args[i], scope, locals), loc);
          return acc;
        }
        return this.narrow(e, acc, scope, locals, other, (a, b) => diff(a, b, loc));
      }
      case 'inter':
        return this.narrow(e, this.eval(e.args[0], scope, locals, side), scope, locals, side, (a, b) => inter(a, b, loc));
      case 'union': {
        const args = e.args;
        const vs: Value[] = new Array(args.length);
        let rels = 0;
        for (let i = 0; i < args.length; i++) {
          const v = (vs[i] = this.eval(args[i], scope, locals, side));
          if (v instanceof Relation) rels++;
          else if (v !== EMPTY) rels = -Infinity;
        }
        if (rels >= 2) {
          // relations only: one fresh result for the whole union (what the pairwise fold gives, with fewer copies)
          let acc: Relation | null = null;
          let fresh = false;
          for (const v of vs) {
            if (v === EMPTY) continue;
            if (acc === null) acc = v as Relation;
            else if (fresh) acc.unionInPlace(v as Relation);
            else {
              acc = acc.union(v as Relation);
              fresh = true;
            }
          }
          return acc!;
        }
        let acc = vs[0];
        for (let i = 1; i < vs.length; i++) acc = union(acc, vs[i], loc);
        return acc;
      }
      case 'cart':
        return cartesian(this.eval(e.args[0], scope, locals, side), this.eval(e.args[1], scope, locals, side), loc);
      case 'add':
        return addElement(this.exact(e.args[0], scope, locals), this.eval(e.args[1], scope, locals, side), n, loc);
    }
  }
}

/**
 * Whether two bounds are the same value, for reusing a memoised bound (Run.compute): same kind and contents.
 * Functions are the same when they are the same top-level definition (their bodies read bindings, when
 * applied, through the reader's own Run.get); anything else only when it is the same object.
 */
function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Relation) return b instanceof Relation && a.equals(b);
  if (a instanceof EventSet) return b instanceof EventSet && a.equals(b);
  const x = a as unknown,
    y = b as unknown;
  if (x instanceof IClo)
    return y instanceof IClo && x.locals === null && y.locals === null && x.body === y.body && x.params === y.params && x.scope === y.scope;
  return false;
}

/** A bound that can be kept for a later judgement: not a function closing over this judgement's locals. */
function reusable(v: Value): boolean {
  if (v === EMPTY || v instanceof Relation || v instanceof EventSet) return true;
  const x = v as unknown;
  if (x instanceof IClo) return x.locals === null;
  return !(v instanceof VTuple);
}

/** Bounds of a value known to be one of the given members (relations or sets of one kind). */
function hull(items: Value[]): [Value, Value] {
  if (items.length === 1) return [items[0], items[0]];
  let lo: Value | undefined, hi: Value | undefined;
  for (const it of items) {
    if (!(it === EMPTY || it instanceof Relation || it instanceof EventSet)) throw UNKNOWN;
    lo = lo === undefined ? it : inter(lo, it);
    hi = hi === undefined ? it : union(hi, it);
  }
  return [lo!, hi!];
}

function tupleItem(t: Value, i: number, len: number, loc: Loc): Value {
  if (!(t instanceof VTuple) || t.items.length !== len) throw new CatRuntimeError(loc, `expected a tuple of ${len}`);
  return t.items[i];
}

/** Free variable names of an expression (names bound by fun parameters and let … in excluded). */
function freeVars(e: Expr, bound: Set<string>, out: Set<string>): void {
  switch (e.k) {
    case 'var':
      if (!bound.has(e.name)) out.add(e.name);
      return;
    case 'empty':
    case 'univ':
    case 'tag':
      return;
    case 'set':
    case 'tuple':
      for (const x of e.items) freeVars(x, bound, out);
      return;
    case 'toid':
    case 'un':
      freeVars(e.e, bound, out);
      return;
    case 'bin':
      for (const x of e.args) freeVars(x, bound, out);
      return;
    case 'app':
      freeVars(e.fn, bound, out);
      freeVars(e.arg, bound, out);
      return;
    case 'fun': {
      const inner = new Set(bound);
      if (e.params.kind === 'one') {
        if (e.params.name) inner.add(e.params.name);
      } else for (const p of e.params.names) if (p) inner.add(p);
      freeVars(e.body, inner, out);
      return;
    }
    case 'let': {
      const inner = new Set(bound);
      for (const b of e.binds) {
        if (b.pat.kind === 'one') {
          if (b.pat.name) inner.add(b.pat.name);
        } else for (const p of b.pat.names) if (p) inner.add(p);
      }
      for (const b of e.binds) freeVars(b.e, e.rec ? inner : bound, out);
      freeVars(e.body, inner, out);
      return;
    }
    case 'try':
      freeVars(e.e, bound, out);
      freeVars(e.alt, bound, out);
      return;
  }
}

const partialModels = new WeakMap<Model, PartialModel | null>();

/** The model prepared for partial judging, or null when it cannot be (then exploration does not prune). */
export function partialModelOf(model: Model): PartialModel | null {
  let pm = partialModels.get(model);
  if (pm === undefined) {
    try {
      pm = new PartialModel(model);
    } catch (e) {
      if (!(e instanceof CatRuntimeError || e instanceof Unknown)) throw e;
      pm = null;
    }
    partialModels.set(model, pm);
  }
  return pm;
}
