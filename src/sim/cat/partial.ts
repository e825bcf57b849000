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
 */
import type { Execution } from '../execution.js';
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
  /** Events whose value is the same in every completion. */
  known: EventSet;
  /** Same-location write pairs every completion's co contains (exploration's imposed lock orders). */
  split?: Relation;
}

/** `fails`: every completion fails this check; `none`: no completion has any branch; undefined: unknown. */
export type PartialVerdict = { k: 'fails'; check: string } | { k: 'none' } | undefined;

/** Bounds of one value: lo ⊆ exact ⊆ hi. Non-set values (tags, functions, tuples of them) are exact: lo === hi. */
interface B {
  lo: Value;
  hi: Value;
}

/** The answer cannot be given (a construct without a sound bound, or an evaluation error). */
class Unknown extends Error {}
const UNKNOWN = new Unknown('partial judging: unknown');

function ex(v: Value): B {
  return { lo: v, hi: v };
}
const isExact = (b: B): boolean => b.lo === b.hi;

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
  names: Map<string, B>;
  up: Locals | null;
}

interface BindDef {
  name: string;
  /** Depends only on the skeleton: computed once per skeleton. */
  static: boolean;
  compute(run: Run): B;
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

  private bind(name: string, st: boolean, compute: (run: Run) => B): number {
    this.binds.push({ name, static: st, compute });
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
      this.env.set(def.name, this.bind(def.name, st, (run) => run.nativeLet(def, deps)));
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
        const v = ex(new VSet(ins.tags.map((t) => new VTag(t))));
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
      if (e.k === 'empty' || e.k === 'univ' || e.k === 'tag') st = false; // trivial: not worth a cache entry
      else {
        const free = new Set<string>();
        freeVars(e, new Set(), free);
        st = true;
        for (const nm of free) {
          let local = false;
          for (let l = locals; l && !local; l = l.up) local = l.names.has(nm);
          const s = scope.get(nm);
          if (local || s === undefined || !this.isStatic[s]) {
            st = false;
            break;
          }
        }
      }
      this.nodeStatic.set(e, st);
    }
    return st;
  }

  /** Whether e reads only static top-level bindings (free names resolved in scope). */
  private staticExpr(e: Expr, scope: Map<string, number>): boolean {
    const free = new Set<string>();
    freeVars(e, new Set(), free);
    for (const nm of free) {
      const s = scope.get(nm);
      if (s === undefined || !this.isStatic[s]) return false;
    }
    return true;
  }

  private let(binds: Binding[]): void {
    const scope = new Map(this.env);
    for (const b of binds) {
      const st = this.staticExpr(b.e, scope);
      const e = b.e;
      const hidden = this.bind(b.pat.kind === 'one' ? (b.pat.name ?? '_') : '(tuple)', st, (run) => run.eval(e, scope, null));
      if (b.pat.kind === 'one') {
        if (b.pat.name !== null) this.env.set(b.pat.name, hidden);
      } else {
        const names = b.pat.names;
        const loc = b.loc;
        names.forEach((nm, i) => {
          if (nm === null) return;
          this.env.set(nm, this.bind(nm, st, (run) => tupleItemB(run.get(hidden), i, names.length, loc)));
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
    let st = true;
    for (const b of binds) {
      const free = new Set<string>();
      freeVars(b.e, new Set(), free);
      for (const nm of free) {
        if (names.includes(nm)) continue;
        const s = inner.get(nm);
        if (s === undefined || !this.isStatic[s]) st = false;
      }
    }
    const exprs = binds.map((b) => b.e);
    names.forEach((nm, i) => {
      this.bind(nm, st, (run) => {
        run.recGroup(slots, exprs, inner);
        return run.vals[slots[i]]!;
      });
    });
    names.forEach((nm, i) => this.env.set(nm, slots[i]));
  }
}

/** Per-skeleton state: the cached static bindings. */
export class PartialSkeleton {
  readonly cache: (B | undefined)[];
  /** Values of static sub-expressions (PartialModel.staticNode). */
  readonly exprCache = new Map<Expr, B>();
  constructor(readonly pm: PartialModel) {
    this.cache = new Array(pm.binds.length);
  }

  /** Judges one partial execution of this skeleton. */
  /** Index (in the model's steps) of the check that failed last: tried first next time (see Run.steps). */
  hot = -1;

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
export function boundsOf(sk: PartialSkeleton, input: PartialInput, names: Iterable<string>): Map<string, { lo: Value; hi: Value }> | undefined {
  const run = new Run(sk, input);
  try {
    if (!run.steps(false)) return undefined;
    const out = new Map<string, { lo: Value; hi: Value }>();
    for (const nm of names) {
      const slot = sk.pm.final.get(nm);
      if (slot === undefined) continue;
      try {
        const b = run.get(slot);
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
  readonly vals: (B | undefined)[];
  private all?: EventSet;
  private pm: PartialModel;

  constructor(
    readonly sk: PartialSkeleton,
    readonly input: PartialInput,
  ) {
    this.pm = sk.pm;
    this.exec = input.exec;
    this.n = input.exec.events.length;
    this.vals = new Array(this.pm.binds.length);
  }

  get(i: number): B {
    const v = this.vals[i];
    if (v) return v;
    const def = this.pm.binds[i];
    if (def.static) {
      let c = this.sk.cache[i];
      if (!c) this.sk.cache[i] = c = def.compute(this);
      this.vals[i] = c;
      return c;
    }
    const r = def.compute(this);
    this.vals[i] = r;
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
          if (this.vals[st.slot] === undefined && !this.bindWith(st)) return checks ? { k: 'none' } : undefined;
      }
    }
    return checks ? undefined : { k: 'none' };
  }

  private check(st: Step & { k: 'test' | 'ncheck' }): PartialVerdict {
    if (st.k === 'test') {
      const v = this.eval(st.e, st.scope, null);
      return failsForSure(st.op, st.neg, v, this.n) ? { k: 'fails', check: st.name } : undefined;
    }
    const v = this.get(st.dep);
    return v.lo !== EMPTY && !asRel(v.lo, this.n).isAcyclic() ? { k: 'fails', check: st.name } : undefined;
  }

  /** Binds a `with` name to the hull of its choices; false when there is no choice at all. */
  private bindWith(st: Step & { k: 'with' | 'nwith' }): boolean {
    switch (st.k) {
        case 'with': {
          const s = this.eval(st.e, st.scope, null);
          if (!isExact(s)) throw UNKNOWN;
          if (s.lo === EMPTY || (s.lo instanceof VSet && s.lo.items.length === 0)) return false;
          if (!(s.lo instanceof VSet)) throw UNKNOWN;
          this.vals[st.slot] = hull(s.lo.items, this.n);
          return true;
        }
        case 'nwith': {
          const [W, cobase] = st.deps.map((d) => this.get(d));
          if (!isExact(W)) throw UNKNOWN;
          const h = coHull(this.n, this.exec.events, asSet(W.lo, this.n), asRel(cobase.lo, this.n), this.input.split);
          if (!h) return false;
          this.vals[st.slot] = h;
          return true;
        }
    }
  }

  nativeLet(def: NativeDef, deps: number[]): B {
    if (def.name === 'rf' && deps.length === 0 && def.dynamic) return { lo: this.input.exec.rf, hi: this.input.rfHi };
    // natives read only their deps and the skeleton (rf, handled above, and different-values, a function
    // bounded when applied, are the exceptions): exact deps give an exact value
    const vs = deps.map((d) => this.get(d));
    if (vs.every(isExact)) return ex(def.compute(this, vs.map((x) => x.lo)));
    if (!def.monotone) throw UNKNOWN;
    return {
      lo: def.compute(this, vs.map((x) => x.lo)),
      hi: def.compute(this, vs.map((x) => x.hi)),
    };
  }

  /** Top-level let rec: iterate on the bounds, in herd's order, until neither bound changes. */
  recGroup(slots: number[], exprs: Expr[], scope: Map<string, number>): void {
    const isFun = exprs.map((e) => e.k === 'fun');
    slots.forEach((s, i) => {
      this.vals[s] = isFun[i] ? this.eval(exprs[i], scope, null) : ex(EMPTY);
    });
    if (isFun.every(Boolean)) return;
    for (let iter = 0; ; iter++) {
      let changed = false;
      for (let i = 0; i < slots.length; i++) {
        if (isFun[i]) continue;
        const v = this.eval(exprs[i], scope, null);
        const old = this.vals[slots[i]]!;
        if (!valueEquals(v.lo, old.lo) || !valueEquals(v.hi, old.hi)) changed = true;
        this.vals[slots[i]] = v;
      }
      if (!changed) return;
      if (iter > 4 * this.n * this.n + 16) throw UNKNOWN;
    }
  }

  universe(): EventSet {
    return (this.all ??= EventSet.full(this.n));
  }

  apply(f: Value, arg: Value, loc: Loc): Value {
    // natives calling back into the model (map): exact arguments only, exact results only
    const r = this.applyB(ex(f), ex(arg), loc);
    if (!isExact(r)) throw UNKNOWN;
    return r.lo;
  }

  applyB(f: B, arg: B, loc: Loc): B {
    if (!isExact(f)) throw UNKNOWN;
    const fn = f.lo as unknown;
    if (fn instanceof IClo) {
      const names = new Map<string, B>();
      if (fn.params.kind === 'one') {
        if (fn.params.name !== null) names.set(fn.params.name, arg);
      } else {
        const ps = fn.params.names;
        ps.forEach((p, i) => {
          if (p !== null) names.set(p, tupleItemB(arg, i, ps.length, loc));
        });
      }
      return this.eval(fn.body, fn.scope, { names, up: fn.locals });
    }
    if (fn instanceof VPrim) return this.prim(fn, arg, loc);
    throw new CatRuntimeError(loc, 'not a function');
  }

  private prim(p: VPrim, arg: B, loc: Loc): B {
    if (p.name === 'different-values') return this.differentValues(arg, loc);
    if (p.name === 'singlestep') {
      if (isExact(arg)) return ex(p.fn(arg.lo, this, loc));
      const lo = arg.lo === EMPTY ? EMPTY : asRel(arg.lo, this.n, loc);
      const hi = arg.hi === EMPTY ? EMPTY : asRel(arg.hi, this.n, loc);
      if (hi === EMPTY) return ex(EMPTY);
      const lo2 = lo === EMPTY ? EMPTY : (lo as Relation).diff((hi as Relation).seq(hi as Relation));
      const hi2 = lo === EMPTY ? hi : (hi as Relation).diff((lo as Relation).seq(lo as Relation));
      return { lo: lo2, hi: hi2 };
    }
    if (isExact(arg)) return ex(p.fn(arg.lo, this, loc));
    if (MONOTONE_PRIMS.has(p.name)) return { lo: p.fn(arg.lo, this, loc), hi: p.fn(arg.hi, this, loc) };
    throw UNKNOWN;
  }

  /** Pairs whose events' values differ: certainly (both known and different) / possibly (not both known and equal). */
  private differentValues(arg: B, loc: Loc): B {
    const ev = this.exec.events;
    const known = this.input.known;
    const same = (a: number, b: number): boolean | undefined => {
      if (!known.has(a) || !known.has(b)) return undefined;
      const x = ev[a].value,
        y = ev[b].value;
      if (x === undefined || y === undefined) return false; // as the exact primitive: no value, no match
      if (typeof x === 'number' || typeof y === 'number') return x === y;
      return x.loc === y.loc;
    };
    const pick = (v: Value, keep: (s: boolean | undefined) => boolean): Value => {
      if (v === EMPTY) return EMPTY;
      const r = asRel(v, this.n, loc);
      const out = new Relation(this.n);
      for (const [a, b] of r.pairs()) if (keep(same(a, b))) out.add(a, b);
      return out;
    };
    return { lo: pick(arg.lo, (s) => s === false), hi: pick(arg.hi, (s) => s !== true) };
  }

  eval(e: Expr, scope: Map<string, number>, locals: Locals | null): B {
    if (e.k === 'var') {
      for (let l = locals; l; l = l.up) {
        const v = l.names.get(e.name);
        if (v) return v;
      }
      const s = scope.get(e.name);
      if (s === undefined) throw new CatRuntimeError(e.loc, `unbound name '${e.name}'`);
      return this.get(s);
    }
    // sub-expressions reading only skeleton-level names (no rf, no local) are computed once per skeleton
    if (this.pm.staticNode(e, scope, locals)) {
      const cache = this.sk.exprCache;
      let v = cache.get(e);
      if (!v) cache.set(e, (v = this.evalRaw(e, scope, locals)));
      return v;
    }
    return this.evalRaw(e, scope, locals);
  }

  private evalRaw(e: Expr, scope: Map<string, number>, locals: Locals | null): B {
    switch (e.k) {
      case 'var':
        return this.eval(e, scope, locals);
      case 'empty':
        return ex(EMPTY);
      case 'univ':
        return ex(this.universe());
      case 'tag':
        return ex(new VTag(e.name));
      case 'set': {
        let acc: Value = EMPTY;
        for (const it of e.items) {
          const v = this.eval(it, scope, locals);
          if (!isExact(v)) throw UNKNOWN;
          acc = addElement(v.lo, acc, this.n, e.loc);
        }
        return ex(acc);
      }
      case 'toid':
        return this.map1(this.eval(e.e, scope, locals), (v) => (v === EMPTY ? EMPTY : Relation.identity(asSet(v, this.n, e.loc))));
      case 'un': {
        const a = this.eval(e.e, scope, locals);
        const n = this.n;
        switch (e.op) {
          case 'comp': {
            const c = (v: Value): Value => {
              if (v instanceof EventSet || v instanceof Relation) return v.complement();
              if (v === EMPTY) return this.universe();
              throw new CatRuntimeError(e.loc, '~: expected a set or relation');
            };
            if (isExact(a)) return ex(c(a.lo));
            return { lo: c(a.hi), hi: c(a.lo) };
          }
          case 'inv':
            return this.map1(a, (v) => (v === EMPTY ? EMPTY : asRel(v, n, e.loc).inverse()));
          case 'plus':
            return this.map1(a, (v) => (v === EMPTY ? EMPTY : asRel(v, n, e.loc).plus()));
          case 'star':
            return this.map1(a, (v) => (v === EMPTY ? Relation.identity(this.universe()) : asRel(v, n, e.loc).star()));
          case 'opt':
            return this.map1(a, (v) => (v === EMPTY ? Relation.identity(this.universe()) : asRel(v, n, e.loc).opt()));
        }
        throw UNKNOWN;
      }
      case 'bin':
        return this.binary(e, scope, locals);
      case 'tuple': {
        const items = e.items.map((x) => this.eval(x, scope, locals));
        if (items.every(isExact)) return ex(new VTuple(items.map((b) => b.lo)));
        return { lo: new VTuple(items.map((b) => b.lo)), hi: new VTuple(items.map((b) => b.hi)) };
      }
      case 'app':
        return this.applyB(this.eval(e.fn, scope, locals), this.eval(e.arg, scope, locals), e.loc);
      case 'fun':
        return ex(new IClo(e.name, e.params, e.body, scope, locals) as unknown as Value);
      case 'let': {
        const names = new Map<string, B>();
        const inner: Locals = { names, up: locals };
        if (!e.rec) {
          const vs = e.binds.map((b) => this.eval(b.e, scope, locals));
          e.binds.forEach((b, i) => {
            if (b.pat.kind === 'one') {
              if (b.pat.name !== null) names.set(b.pat.name, vs[i]);
            } else {
              const ps = b.pat.names;
              ps.forEach((p, j) => {
                if (p !== null) names.set(p, tupleItemB(vs[i], j, ps.length, b.loc));
              });
            }
          });
          return this.eval(e.body, scope, inner);
        }
        const bnames = e.binds.map((b) => (b.pat.kind === 'one' && b.pat.name !== null ? b.pat.name : '_'));
        const isFun = e.binds.map((b) => b.e.k === 'fun');
        bnames.forEach((nm, i) => names.set(nm, ex(EMPTY)));
        bnames.forEach((nm, i) => {
          if (isFun[i]) names.set(nm, this.eval(e.binds[i].e, scope, inner));
        });
        if (!isFun.every(Boolean)) {
          for (let iter = 0; ; iter++) {
            let changed = false;
            for (let i = 0; i < bnames.length; i++) {
              if (isFun[i]) continue;
              const v = this.eval(e.binds[i].e, scope, inner);
              const old = names.get(bnames[i])!;
              if (!valueEquals(v.lo, old.lo) || !valueEquals(v.hi, old.hi)) changed = true;
              names.set(bnames[i], v);
            }
            if (!changed) break;
            if (iter > 4 * this.n * this.n + 16) throw UNKNOWN;
          }
        }
        return this.eval(e.body, scope, inner);
      }
      case 'try':
        try {
          return this.eval(e.e, scope, locals);
        } catch (err) {
          if (err instanceof CatRuntimeError) return this.eval(e.alt, scope, locals);
          throw err;
        }
    }
  }

  /** A monotone one-argument operation on bounds (computed once when exact). */
  private map1(a: B, f: (v: Value) => Value): B {
    if (isExact(a)) return ex(f(a.lo));
    if (a.lo instanceof VSet || a.hi instanceof VSet) throw UNKNOWN;
    return { lo: f(a.lo), hi: f(a.hi) };
  }

  /**
   * r1 ; r2 ; … with [S] operands applied as row/column filters (as the exact evaluator does), per bound.
   * Operands are evaluated only while a bound is still non-empty: once both are empty, so is the rest.
   */
  private seq(e: Expr & { k: 'bin' }, scope: Map<string, number>, locals: Locals | null): B {
    const n = this.n;
    // per bound: the composition so far (null: none yet) and the domain filter before the first relation
    const acc: [Relation | null, Relation | null] = [null, null];
    const dom: [EventSet | null, EventSet | null] = [null, null];
    const dead = [false, false];
    let exact = true;
    for (const a of e.args) {
      const filter = a.k === 'toid';
      const b = this.eval(filter ? a.e : a, scope, locals);
      if (b.lo instanceof VSet || b.hi instanceof VSet) throw UNKNOWN;
      if (!isExact(b)) exact = false;
      for (let side = 0; side < 2; side++) {
        if (dead[side]) continue;
        const v = side === 0 ? b.lo : b.hi;
        if (v === EMPTY) {
          dead[side] = true;
          continue;
        }
        if (filter) {
          const st = asSet(v, n, e.loc);
          const cur = acc[side];
          if (cur === null) dom[side] = dom[side] ? dom[side]!.inter(st) : st;
          else acc[side] = cur.restrictRange(st);
        } else {
          const r = asRel(v, n, e.loc);
          const cur = acc[side];
          const d = dom[side];
          acc[side] = cur === null ? (d ? r.restrictDomain(d) : r) : cur.seq(r);
        }
        if (acc[side] !== null && acc[side]!.isEmpty()) dead[side] = true;
      }
      if (dead[0] && dead[1]) return ex(EMPTY);
    }
    const result = (side: number): Value => {
      if (dead[side]) return EMPTY;
      const d = dom[side];
      return acc[side] ?? (d ? Relation.identity(d) : EMPTY);
    };
    if (exact) return ex(result(0));
    return { lo: result(0), hi: result(1) };
  }

  private binary(e: Expr & { k: 'bin' }, scope: Map<string, number>, locals: Locals | null): B {
    if (e.op === 'seq') return this.seq(e, scope, locals);
    if (e.op === 'inter' || e.op === 'diff') {
      // an empty left operand (both bounds) makes the result empty: the right one is not evaluated
      const first = this.eval(e.args[0], scope, locals);
      const emptyRel = (v: Value) => v === EMPTY || ((v instanceof Relation || v instanceof EventSet) && v.isEmpty());
      if (emptyRel(first.lo) && emptyRel(first.hi)) return first;
      const args = [first, ...e.args.slice(1).map((x) => this.eval(x, scope, locals))];
      return this.combine(e, args);
    }
    return this.combine(
      e,
      e.args.map((x) => this.eval(x, scope, locals)),
    );
  }

  private combine(e: Expr & { k: 'bin' }, args: B[]): B {
    const loc = e.loc;
    const n = this.n;
    const allExact = args.every(isExact);
    if (!allExact && args.some((a) => a.lo instanceof VSet || a.hi instanceof VSet)) throw UNKNOWN;
    const fold = (pick: (b: B) => Value, op: (x: Value, y: Value) => Value): Value => {
      let acc = pick(args[0]);
      for (let i = 1; i < args.length; i++) acc = op(acc, pick(args[i]));
      return acc;
    };
    const both = (op: (x: Value, y: Value) => Value): B => {
      if (allExact) return ex(fold((b) => b.lo, op));
      return { lo: fold((b) => b.lo, op), hi: fold((b) => b.hi, op) };
    };
    switch (e.op) {
      case 'union':
        return both((x, y) => union(x, y, loc));
      case 'inter':
        return both((x, y) => inter(x, y, loc));
      case 'cart':
        return both((x, y) => cartesian(x, y, loc));
      case 'add':
        return both((x, y) => addElement(x, y, n, loc));
      case 'diff': {
        if (allExact) return ex(fold((b) => b.lo, (x, y) => diff(x, y, loc)));
        // a \ b \ c = a \ (b | c): lower bound removes the upper bounds, and the other way round
        let lo = args[0].lo,
          hi = args[0].hi;
        for (let i = 1; i < args.length; i++) {
          lo = diff(lo, args[i].hi, loc);
          hi = diff(hi, args[i].lo, loc);
        }
        return { lo, hi };
      }
    }
    throw new CatRuntimeError(loc, `operator ${e.op}`);
  }
}

/** Whether a check fails for every value within the bounds. */
function failsForSure(op: TestOp, neg: boolean, v: B, n: number): boolean {
  // the check holds on the exact value x iff P(x) (neg: iff not P(x)); P = empty/acyclic/irreflexive is
  // anti-monotone (a larger relation only breaks it), so P fails for sure when it fails on lo, and not-P
  // fails for sure when P holds on hi
  const holds = (x: Value): boolean => {
    if (op === 'empty') return isEmptyValue(x);
    if (x === EMPTY) return true;
    const r = asRel(x, n);
    return op === 'acyclic' ? r.isAcyclic() : r.isIrreflexive();
  };
  if (!neg) return !holds(v.lo);
  return holds(v.hi);
}

/** Bounds of a value known to be one of the given members (relations or sets of one kind). */
function hull(items: Value[], n: number): B {
  if (items.length === 1) return ex(items[0]);
  let lo: Value | undefined, hi: Value | undefined;
  for (const it of items) {
    if (!(it === EMPTY || it instanceof Relation || it instanceof EventSet)) throw UNKNOWN;
    lo = lo === undefined ? it : inter(lo, it);
    hi = hi === undefined ? it : union(hi, it);
  }
  void n;
  return { lo: lo!, hi: hi! };
}

function tupleItemB(v: B, i: number, len: number, loc: Loc): B {
  const item = (t: Value): Value => {
    if (!(t instanceof VTuple) || t.items.length !== len) throw new CatRuntimeError(loc, `expected a tuple of ${len}`);
    return t.items[i];
  };
  if (isExact(v)) return ex(item(v.lo));
  return { lo: item(v.lo), hi: item(v.hi) };
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
