// Compiles a parsed cat model once into a plan of closures over numbered slots, then judges executions with bitsets.
/*
 * The part of herd's functional cat language implemented here (all that the kernel's 6.1 and 6.12
 * linux-kernel.bell/.cat and lock.cat use, plus natively provided stdlib.cat, cross.cat, cos-opt.cat, cos.cat;
 * see stdlib.ts for those):
 *   let, let … and …, let rec … and … (least fixpoints: all bindings start empty and are re-evaluated in
 *   order, each seeing the others' latest values, until none changes — as herd does), the expression forms
 *   `let … in` and `let rec … in`, functions (`let f(x) = …`, `let f x = …`, `let f(x, y) = …`, `fun x -> …`)
 *   with closures and application by juxtaposition, tuples and tuple patterns, `try e with e'`;
 *   sets and relations: | & \ ; * (cartesian product of sets) ~ (complement) ^-1 + * ? (also spelt ^+ ^* ^?)
 *   [S] domain range {e, …} ++ (add an element: events to sets, pairs to relations, other values to sets of
 *   values), `0`, `_`, 'tags; checks acyclic / irreflexive / empty with ~ and `as name`; flag (recorded,
 *   never a failure); show/unshow (ignored); include; enum (binds the set of its tags); bell `instructions`
 *   (declarations only); `with x from S` (the rest of the model runs once per element of S).
 * Not implemented (rejected by the parser with the construct's name): match, if/variants, procedures and
 * call, forall, assert, undefined_unless, let rec … when, catdep, default.
 *
 * Evaluation strategy:
 *   - Names are resolved statically: every top-level binding gets its own slot (a later `let rf = …` is a
 *     new slot), so an execution's environment is one array indexed by slot.
 *   - Bindings are lazy, like herd's: a slot is computed on first use, so a check that fails stops the work
 *     and bindings no check or flag reaches are never computed.
 *   - Skeleton cache: slots whose value depends only on the execution's skeleton (events' kinds, locations,
 *     tags, threads; po, rmw, addr, data, ctrl, IW, observed locations — not rf, not event values) are
 *     computed once and shared by the following executions with the same skeleton (exploration judges one
 *     execution per rf choice of each skeleton). Static sub-expressions of dynamic bindings (e.g.
 *     `[M] ; fencerel(Mb) ; [M]` inside mb) are hoisted into hidden static slots for the same reason.
 *   - `with x from S` is incremental: each choice bumps x's version; a slot that depends on x is revalidated
 *     on first use in the branch and recomputed only if a slot it read has a new version, and its own
 *     version changes only if its new value differs (function values always count as changed). So a branch
 *     recomputes only what its choice changes; everything before the `with` is computed once.
 *   - A judgement reads the live context while it is current, and keeps a copy of its branch's values when
 *     the context moves to the next branch (lookups after that recompute what is missing from scratch).
 *   - A sequence r1 ; r2 ; … stops as soon as the accumulated relation is empty (later operands are not
 *     evaluated), [S] operands restrict rows/columns instead of composing, and & and \ stop on an empty left
 *     operand; | accumulates into one copy. These skip only work that cannot change a result.
 *   - Executions of one skeleton are judged by one reused context (Ctx.for), incrementally as for branches,
 *     with rf and the other native dynamic slots as the roots that change (judgeFresh: without reuse).
 * judgeReference evaluates without the cache and without incrementality; tests compare the two.
 */
import type { Execution, Judgement } from '../execution.js';
import type { Model } from '../model.js';
import { allocWords, EventSet, Relation } from '../relation.js';
import type { BinOp, Binding, CatFile, Expr, Instr, Loc } from './ast.js';
import { fmtLoc } from './ast.js';
import { ModelError } from './errors.js';
import { builtinDefs, notAFunction, NATIVE_INCLUDES, type NativeCtx, type NativeInstr } from './stdlib.js';
import {
  addElement,
  asRel,
  asSet,
  cartesian,
  CatRuntimeError,
  diff,
  EMPTY,
  type Frame,
  inter,
  isEmptyValue,
  typeName,
  union,
  valueEquals,
  VClo,
  VPrim,
  VSet,
  VTag,
  VTuple,
  type Value,
} from './values.js';

type CExpr = (ctx: Ctx, fr: Frame | null) => Value;

interface SlotDef {
  name: string;
  /** Global slots this one reads directly. */
  deps: number[];
  compute?: (ctx: Ctx) => Value;
  /** For `let rec` groups: computes every slot of the group at once. */
  group?: { slots: number[]; run: (ctx: Ctx) => void };
  /** Bound by `with … from`: has no computation of its own. */
  withBound?: boolean;
  /** A native definition that reads rf or event values (see NativeDef.dynamic). */
  dynamic?: boolean;
}

type CInstr =
  | { k: 'test'; kind: 'check' | 'flag'; name: string; test: (ctx: Ctx) => boolean }
  | { k: 'with'; slot: number; choices: (ctx: Ctx) => Iterable<Value> };

/** A model compiled for evaluation. */
export interface Plan {
  slots: SlotDef[];
  instrs: CInstr[];
  /** The last slot bound to each name (what a judgement's lookup returns). */
  final: Map<string, number>;
  /** Per slot: its value depends only on the execution's skeleton (see SkeletonCache). */
  isStatic: Uint8Array;
  /** Per slot: depends (transitively) on a `with`-bound name, so its value may change between branches. */
  varying: Uint8Array;
  /** Per slot: the varying slots among its direct dependencies (the only ones revalidation must check). */
  vdeps: number[][];
  /** Values of static slots for the most recent skeleton. */
  cache?: SkeletonCache;
  /** Slots computed natively from rf or event values: recomputed for each execution a reused context judges. */
  roots: number[];
  /** Slots bound by `with … from`. */
  withSlots: number[];
  /** The context that judged the latest execution of the cached skeleton, reused for the next one (see Ctx.for). */
  live?: Ctx;
}

/** Resolves an `include`: a parsed file, natively provided instructions, or undefined when not found. */
export interface IncludeResolver {
  /** The parsed file for an include, or a list of native instructions, or undefined when not found. */
  (file: string, from: Loc): CatFile | NativeInstr[] | undefined;
}

/** Static-ness of the expression being compiled, and its static sub-expressions that may be hoisted. */
interface Tracker {
  st: boolean;
  kids: Hoistable[];
}
interface Hoistable {
  ce: CExpr;
  cell: { f: CExpr };
  loc: Loc;
}

class Scope {
  constructor(
    readonly names: (string | null)[],
    readonly parent: Scope | null,
  ) {}
}

/** Compile bell + cat files (includes resolved through resolve) into a plan. Throws ModelError. */
export function compileModel(files: CatFile[], resolve: IncludeResolver): Plan {
  return new Compiler(resolve).compile(files);
}

class Compiler {
  private slots: SlotDef[] = [];
  private instrs: CInstr[] = [];
  private env = new Map<string, number>();
  private deps: Set<number> | null = null;
  private tryDepth = 0;
  private including: string[] = [];
  /** Per slot: depends only on the skeleton (known when the slot is created; rec groups after their bodies). */
  private slotStatic: boolean[] = [];
  private trackers: Tracker[] = [];
  /** Slots of the top-level let rec group being compiled (sub-expressions reading them are not hoisted). */
  private recGroup: Set<number> | null = null;
  /** Whether the expression compiled last is static (set by expr). */
  private lastStatic = false;

  constructor(private readonly resolve: IncludeResolver) {}

  compile(files: CatFile[]): Plan {
    // tags declared by enums anywhere in the model get their event sets in the initial environment
    const tags = new Set<string>();
    const collect = (f: CatFile) => {
      for (const i of f.instrs) if (i.k === 'enum') for (const t of i.tags) tags.add(t);
    };
    files.forEach(collect);
    for (const d of builtinDefs(tags)) this.native({ k: 'let', def: d }, undefined);
    for (const f of files) this.instrsOf(f);
    const plan: Plan = {
      slots: this.slots,
      instrs: this.instrs,
      final: new Map(this.env),
      isStatic: new Uint8Array(this.slots.length),
      varying: new Uint8Array(this.slots.length),
      vdeps: [],
      roots: [],
      withSlots: [],
    };
    this.computeFlags(plan);
    return plan;
  }

  private err(loc: Loc, msg: string): never {
    throw new ModelError(`${fmtLoc(loc)}: ${msg}`);
  }

  private newSlot(given: SlotDef): number {
    // one object shape for every slot, so that the evaluator's reads of these fields stay monomorphic
    const def: SlotDef = {
      name: given.name,
      deps: given.deps,
      compute: given.compute,
      group: given.group,
      withBound: given.withBound,
      dynamic: given.dynamic,
    };
    this.slots.push(def);
    this.slotStatic.push(!def.withBound && !def.dynamic && !def.group && def.deps.every((d) => this.slotStatic[d]));
    return this.slots.length - 1;
  }

  private lookupGlobal(name: string): number | undefined {
    return this.env.get(name);
  }

  private native(ins: NativeInstr, loc: Loc | undefined): void {
    const resolveDeps = (names: string[]) =>
      names.map((d) => {
        const s = this.env.get(d);
        if (s === undefined) throw new ModelError(`${loc ? fmtLoc(loc) + ': ' : ''}library needs '${d}', which is not bound`);
        return s;
      });
    if (ins.k === 'let') {
      const deps = resolveDeps(ins.def.deps);
      const def = ins.def;
      const slot = this.newSlot({
        name: def.name,
        deps,
        compute: (ctx) => def.compute(ctx, depValues(ctx, deps)),
        ...(def.dynamic ? { dynamic: true } : {}),
      });
      this.env.set(def.name, slot);
    } else if (ins.k === 'check') {
      const [s] = resolveDeps([ins.dep]);
      const name = ins.name;
      this.instrs.push({
        k: 'test',
        kind: 'check',
        name,
        test: (ctx) => {
          const v = ctx.get(s);
          return v === EMPTY || asRel(v, ctx.n).isAcyclic();
        },
      });
    } else {
      const deps = resolveDeps(ins.deps);
      const slot = this.newSlot({ name: ins.name, deps: [], withBound: true });
      this.env.set(ins.name, slot);
      this.instrs.push({
        k: 'with',
        slot,
        choices: (ctx) => ins.choices(ctx, depValues(ctx, deps)),
      });
    }
  }

  private instrsOf(f: CatFile): void {
    for (const ins of f.instrs) this.instr(ins);
  }

  private instr(ins: Instr): void {
    switch (ins.k) {
      case 'let':
        return ins.rec ? this.letRec(ins.binds, ins.loc) : this.let(ins.binds);
      case 'test': {
        const e = this.exprForInstr(ins.e);
        const op = ins.op,
          neg = ins.neg,
          loc = ins.loc;
        const test = (ctx: Ctx): boolean => {
          const v = e(ctx, null);
          let ok: boolean;
          if (op === 'empty') {
            if (!(v === EMPTY || v instanceof Relation || v instanceof EventSet || v instanceof VSet))
              throw new CatRuntimeError(loc, `empty: expected a set or relation, found ${typeName(v)}`);
            ok = isEmptyValue(v);
          } else if (v === EMPTY) ok = true;
          else if (v instanceof Relation) ok = op === 'acyclic' ? v.isAcyclic() : v.isIrreflexive();
          else throw new CatRuntimeError(loc, `${op}: expected a relation, found ${typeName(v)}`);
          return neg ? !ok : ok;
        };
        const name = ins.name ?? `${neg ? '~' : ''}${op}@${ins.loc.line}`;
        this.instrs.push({ k: 'test', kind: ins.kind, name, test });
        return;
      }
      case 'include':
        return this.include(ins.file, ins.loc);
      case 'enum': {
        const v = new VSet(ins.tags.map((t) => new VTag(t)));
        const slot = this.newSlot({ name: ins.name, deps: [], compute: () => v });
        this.env.set(ins.name, slot);
        return;
      }
      case 'instructions':
      case 'show':
        return;
      case 'with': {
        const e = this.exprForInstr(ins.e);
        const slot = this.newSlot({ name: ins.name, deps: [], withBound: true });
        this.env.set(ins.name, slot);
        const loc = ins.loc;
        this.instrs.push({
          k: 'with',
          slot,
          choices: (ctx) => {
            const v = e(ctx, null);
            if (v === EMPTY) return [];
            if (v instanceof VSet) return v.items;
            throw new CatRuntimeError(loc, `with … from: expected a set of values, found ${typeName(v)}`);
          },
          });
        return;
      }
    }
  }

  private include(file: string, loc: Loc): void {
    if (this.including.includes(file)) this.err(loc, `include "${file}" is recursive`);
    const got = this.resolve(file, loc);
    if (got === undefined) this.err(loc, `cannot include "${file}": no such file in the model directory and not a library file ringside provides`);
    if (Array.isArray(got)) {
      for (const ni of got) this.native(ni, loc);
      return;
    }
    this.including.push(file);
    try {
      this.instrsOf(got);
    } finally {
      this.including.pop();
    }
  }

  /** Compile an expression used by an instruction (a test or with), collecting nothing. */
  private exprForInstr(e: Expr): CExpr {
    const saved = this.deps;
    this.deps = new Set();
    try {
      const r = this.root(e, null);
      if (r.st && r.kid) this.hoist(r.kid);
      return r.kid ? (ctx, fr) => r.kid!.cell.f(ctx, fr) : r.ce;
    } finally {
      this.deps = saved;
    }
  }

  private let(binds: Binding[]): void {
    // all right-hand sides see the environment before this let
    const compiled = binds.map((b) => {
      const deps = new Set<number>();
      this.deps = deps;
      const ce = this.root(b.e, null).ce;
      this.deps = null;
      return { b, ce, deps: [...deps] };
    });
    for (const { b, ce, deps } of compiled) {
      if (b.pat.kind === 'one') {
        const slot = this.newSlot({ name: b.pat.name ?? '_', deps, compute: (ctx) => ce(ctx, null) });
        if (b.pat.name !== null) this.env.set(b.pat.name, slot);
      } else {
        const names = b.pat.names;
        const hidden = this.newSlot({ name: `(${names.join(',')})`, deps, compute: (ctx) => ce(ctx, null) });
        const loc = b.loc;
        names.forEach((nm, i) => {
          if (nm === null) return;
          const slot = this.newSlot({
            name: nm,
            deps: [hidden],
            compute: (ctx) => tupleItem(ctx.get(hidden), i, names.length, loc),
          });
          this.env.set(nm, slot);
        });
      }
    }
  }

  private letRec(binds: Binding[], loc: Loc): void {
    for (const b of binds) if (b.pat.kind !== 'one' || b.pat.name === null) this.err(b.loc, 'let rec binds names only');
    const names = binds.map((b) => (b.pat as { name: string }).name);
    const slots = names.map((nm) => this.newSlot({ name: nm, deps: [] }));
    // members are neither static nor hoistable while their bodies are compiled
    for (const sl of slots) this.slotStatic[sl] = false;
    names.forEach((nm, i) => this.env.set(nm, slots[i]));
    const deps = new Set<number>();
    this.deps = deps;
    this.recGroup = new Set(slots);
    const ces = binds.map((b) => this.root(b.e, null).ce);
    this.recGroup = null;
    this.deps = null;
    const isFun = binds.map((b) => b.e.k === 'fun');
    const groupDeps = [...deps].filter((d) => !slots.includes(d));
    const run = (ctx: Ctx) => {
      try {
        slots.forEach((s, i) => {
          ctx.vals[s] = isFun[i] ? ces[i](ctx, null) : EMPTY;
        });
        if (isFun.every(Boolean)) return;
        for (let iter = 0; ; iter++) {
          let changed = false;
          for (let i = 0; i < slots.length; i++) {
            if (isFun[i]) continue;
            const v = ces[i](ctx, null);
            if (!valueEquals(v, ctx.vals[slots[i]] as Value)) changed = true;
            ctx.vals[slots[i]] = v;
          }
          if (!changed) return;
          if (iter > 10_000) throw new CatRuntimeError(loc, 'let rec: no fixpoint after 10000 iterations');
        }
      } catch (e) {
        // an unfinished iterate is no value: a later lookup must fail the same way, not read it
        for (const s of slots) ctx.vals[s] = undefined;
        throw e;
      }
    };
    const group = { slots, run };
    const st = groupDeps.every((d) => this.slotStatic[d]);
    for (const s of slots) {
      this.slots[s].deps = groupDeps;
      this.slots[s].group = group;
      this.slotStatic[s] = st;
    }
  }

  private resolveLocal(name: string, scope: Scope | null): { depth: number; idx: number } | undefined {
    let depth = 0;
    for (let s = scope; s; s = s.parent, depth++) {
      const idx = s.names.lastIndexOf(name);
      if (idx >= 0) return { depth, idx };
    }
    return undefined;
  }

  /**
   * Compile an expression. Sub-expressions at top level whose value depends only on the execution's skeleton
   * (no rf, no with-bound name, no local variable) are hoisted into hidden static slots when their parent is
   * not itself static, so they are computed once per skeleton rather than once per execution or branch.
   */
  private expr(e: Expr, scope: Scope | null): CExpr {
    const trivial = e.k === 'var' || e.k === 'empty' || e.k === 'univ' || e.k === 'tag';
    if (trivial || scope !== null) {
      const probe: Tracker = { st: true, kids: [] };
      this.trackers.push(probe);
      const ce = this.exprRaw(e, scope);
      this.trackers.pop();
      if (e.k === 'fun') probe.st = false;
      this.lastStatic = probe.st && scope === null;
      if (!probe.st) this.markDynamic();
      return ce;
    }
    if (e.k === 'un' && e.op !== 'comp') {
      const own = this.closureSlot(e);
      if (own) return own;
    }
    const tr: Tracker = { st: true, kids: [] };
    this.trackers.push(tr);
    const ce = this.exprRaw(e, scope);
    this.trackers.pop();
    const parent = this.trackers[this.trackers.length - 1];
    this.lastStatic = tr.st;
    if (!tr.st) {
      if (parent) parent.st = false;
      for (const k of tr.kids) this.hoist(k);
      return ce;
    }
    const kid: Hoistable = { ce, cell: { f: ce }, loc: e.loc };
    if (!parent) return ce;
    parent.kids.push(kid);
    const cell = kid.cell;
    return (ctx, fr) => cell.f(ctx, fr);
  }

  private markDynamic(): void {
    const t = this.trackers[this.trackers.length - 1];
    if (t) t.st = false;
  }

  private hoist(k: Hoistable): void {
    const slot = this.newSlot({ name: `<${fmtLoc(k.loc)}>`, deps: [], compute: (ctx) => k.ce(ctx, null) });
    k.cell.f = (ctx) => {
      const v = ctx.vals[slot];
      return v !== undefined ? v : ctx.force(slot);
    };
  }

  /**
   * A postfix operation (r*, r+, r?, r^-1) on a dynamic relation at top level gets a hidden slot of its own,
   * so that incremental branching reuses it when r has not changed (e.g. cumul-fence* and rfe? inside prop).
   * Returns undefined (compile inline) when it is static (hoisting handles that) or reads a rec group member.
   */
  private closureSlot(e: Expr & { k: 'un' }): CExpr | undefined {
    const saved = this.deps;
    const deps = new Set<number>();
    this.deps = deps;
    const probe: Tracker = { st: true, kids: [] };
    this.trackers.push(probe);
    const inner = this.expr(e.e, null);
    this.trackers.pop();
    this.deps = saved;
    const rec = this.recGroup;
    if (probe.st || (rec && [...deps].some((d) => rec.has(d)))) {
      // undo: compile normally (the probe's kids were not hoisted; recompiling is cheap and side-effect free)
      for (const d of deps) saved?.add(d);
      if (!probe.st) this.markDynamic();
      return undefined;
    }
    for (const k of probe.kids) this.hoist(k);
    const op = this.unary(e.op, inner, e.loc);
    const opText = { star: '*', plus: '+', opt: '?', inv: '^-1', comp: '~' }[e.op];
    const slot = this.newSlot({ name: `<${opText} ${fmtLoc(e.loc)}>`, deps: [...deps], compute: (ctx) => op(ctx, null) });
    saved?.add(slot);
    this.markDynamic();
    this.lastStatic = false;
    return (ctx) => ctx.get(slot);
  }

  /** Compile e as the whole right-hand side of a binding or instruction; returns whether it is static. */
  private root(e: Expr, scope: Scope | null): { ce: CExpr; st: boolean; kid?: Hoistable } {
    const tr: Tracker = { st: true, kids: [] };
    this.trackers.push(tr);
    const ce = this.expr(e, scope);
    this.trackers.pop();
    return { ce, st: tr.st, kid: tr.kids[0] };
  }

  private exprRaw(e: Expr, scope: Scope | null): CExpr {
    switch (e.k) {
      case 'var':
        return this.varRef(e.name, e.loc, scope);
      case 'empty':
        return () => EMPTY;
      case 'univ':
        return (ctx) => ctx.all();
      case 'tag': {
        const v = new VTag(e.name);
        return () => v;
      }
      case 'set': {
        const items = e.items.map((x) => this.expr(x, scope));
        const loc = e.loc;
        return (ctx, fr) => {
          let acc: Value = EMPTY;
          for (const it of items) acc = addElement(it(ctx, fr), acc, ctx.n, loc);
          return acc;
        };
      }
      case 'toid': {
        const s = this.expr(e.e, scope);
        const loc = e.loc;
        return (ctx, fr) => {
          const v = s(ctx, fr);
          return v === EMPTY ? EMPTY : Relation.identity(asSet(v, ctx.n, loc));
        };
      }
      case 'un':
        return this.unary(e.op, this.expr(e.e, scope), e.loc);
      case 'bin':
        return this.binary(e.op, e.args, scope, e.loc);
      case 'tuple': {
        const items = e.items.map((x) => this.expr(x, scope));
        return (ctx, fr) => new VTuple(items.map((it) => it(ctx, fr)));
      }
      case 'app': {
        const f = this.expr(e.fn, scope);
        const a = this.expr(e.arg, scope);
        const loc = e.loc;
        return (ctx, fr) => ctx.apply(f(ctx, fr), a(ctx, fr), loc);
      }
      case 'fun': {
        const names = e.params.kind === 'one' ? [e.params.name] : e.params.names;
        const tupled = e.params.kind === 'tuple';
        const body = this.expr(e.body, new Scope(names, scope));
        const name = e.name;
        const arity = names.length;
        return (_ctx, fr) => new VClo(name, arity, tupled, body, fr);
      }
      case 'let':
        return e.rec ? this.letRecIn(e.binds, e.body, scope, e.loc) : this.letIn(e.binds, e.body, scope);
      case 'try': {
        this.tryDepth++;
        const body = this.expr(e.e, scope);
        this.tryDepth--;
        const alt = this.expr(e.alt, scope);
        return (ctx, fr) => {
          try {
            return body(ctx, fr);
          } catch (err) {
            if (err instanceof CatRuntimeError) return alt(ctx, fr);
            throw err;
          }
        };
      }
    }
  }

  private varRef(name: string, loc: Loc, scope: Scope | null): CExpr {
    const local = this.resolveLocal(name, scope);
    if (local) {
      this.markDynamic();
      const { depth, idx } = local;
      if (depth === 0) return (_c, fr) => fr!.v[idx] as Value;
      if (depth === 1) return (_c, fr) => fr!.up!.v[idx] as Value;
      return (_c, fr) => {
        let f = fr!;
        for (let d = 0; d < depth; d++) f = f.up!;
        return f.v[idx] as Value;
      };
    }
    const slot = this.lookupGlobal(name);
    if (slot === undefined) {
      if (this.tryDepth > 0)
        return () => {
          throw new CatRuntimeError(loc, `unbound name '${name}'`);
        };
      this.err(loc, `unbound name '${name}'`);
    }
    this.deps?.add(slot);
    if (!this.slotStatic[slot]) this.markDynamic();
    return (ctx) => ctx.get(slot);
  }

  private letIn(binds: Binding[], body: Expr, scope: Scope | null): CExpr {
    const names: (string | null)[] = [];
    const parts = binds.map((b) => {
      const ce = this.expr(b.e, scope);
      const start = names.length;
      if (b.pat.kind === 'one') names.push(b.pat.name);
      else names.push(...b.pat.names);
      return { ce, start, tuple: b.pat.kind === 'tuple' ? b.pat.names.length : 0, loc: b.loc };
    });
    const cbody = this.expr(body, new Scope(names, scope));
    const size = names.length;
    return (ctx, fr) => {
      const v: Value[] = new Array(size);
      for (const p of parts) {
        const x = p.ce(ctx, fr);
        if (p.tuple === 0) v[p.start] = x;
        else for (let i = 0; i < p.tuple; i++) v[p.start + i] = tupleItem(x, i, p.tuple, p.loc);
      }
      return cbody(ctx, { v, up: fr });
    };
  }

  private letRecIn(binds: Binding[], body: Expr, scope: Scope | null, loc: Loc): CExpr {
    for (const b of binds) if (b.pat.kind !== 'one' || b.pat.name === null) this.err(b.loc, 'let rec binds names only');
    const names = binds.map((b) => (b.pat as { name: string }).name);
    const inner = new Scope(names, scope);
    const ces = binds.map((b) => this.expr(b.e, inner));
    const isFun = binds.map((b) => b.e.k === 'fun');
    const cbody = this.expr(body, inner);
    return (ctx, fr) => {
      const frame: Frame = { v: new Array(names.length), up: fr };
      for (let i = 0; i < names.length; i++) frame.v[i] = isFun[i] ? ces[i](ctx, frame) : EMPTY;
      if (!isFun.every(Boolean)) {
        for (let iter = 0; ; iter++) {
          let changed = false;
          for (let i = 0; i < names.length; i++) {
            if (isFun[i]) continue;
            const v = ces[i](ctx, frame);
            if (!valueEquals(v, frame.v[i] as Value)) changed = true;
            frame.v[i] = v;
          }
          if (!changed) break;
          if (iter > 10_000) throw new CatRuntimeError(loc, 'let rec: no fixpoint after 10000 iterations');
        }
      }
      return cbody(ctx, frame);
    };
  }

  private unary(op: string, a: CExpr, loc: Loc): CExpr {
    switch (op) {
      case 'comp':
        return (ctx, fr) => {
          const v = a(ctx, fr);
          if (v instanceof EventSet) return v.complement();
          if (v instanceof Relation) return v.complement();
          if (v === EMPTY) return ctx.all();
          throw new CatRuntimeError(loc, `~: expected a set or relation, found ${typeName(v)}`);
        };
      case 'inv':
        return (ctx, fr) => {
          const v = a(ctx, fr);
          return v === EMPTY ? EMPTY : asRel(v, ctx.n, loc).inverse();
        };
      case 'plus':
        return (ctx, fr) => {
          const v = a(ctx, fr);
          return v === EMPTY ? EMPTY : asRel(v, ctx.n, loc).plus();
        };
      case 'star':
        return (ctx, fr) => {
          const v = a(ctx, fr);
          return v === EMPTY ? ctx.id() : asRel(v, ctx.n, loc).star();
        };
      case 'opt':
        return (ctx, fr) => {
          const v = a(ctx, fr);
          return v === EMPTY ? ctx.id() : asRel(v, ctx.n, loc).opt();
        };
    }
    throw new Error(`unknown unary operator ${op}`);
  }

  private binary(op: BinOp, args: Expr[], scope: Scope | null, loc: Loc): CExpr {
    if (op === 'seq') return this.seq(args, scope, loc);
    const cs: CExpr[] = [];
    let rightStatic = false;
    for (const x of args) {
      cs.push(this.expr(x, scope));
      rightStatic = this.lastStatic;
    }
    switch (op) {
      case 'union':
        // accumulate into one owned copy (relations and sets), instead of one new value per operand
        return (ctx, fr) => {
          let acc = cs[0](ctx, fr);
          let owned = false;
          for (let i = 1; i < cs.length; i++) {
            const v = cs[i](ctx, fr);
            if (acc instanceof Relation && v instanceof Relation) {
              if (!owned) {
                acc = acc.clone();
                owned = true;
              }
              orInto((acc as Relation).data, v.data);
            } else if (acc instanceof EventSet && v instanceof EventSet) {
              if (!owned) {
                acc = acc.clone();
                owned = true;
              }
              orInto((acc as EventSet).bits, v.bits);
            } else if (v !== EMPTY) {
              acc = union(acc, v, loc);
              owned = false;
            }
          }
          return acc;
        };
      case 'inter':
        if (rightStatic)
          return (ctx, fr) => {
            const r = cs[1](ctx, fr);
            if (isEmptyValue(r) && (r instanceof Relation || r instanceof EventSet || r === EMPTY)) return r;
            return inter(cs[0](ctx, fr), r, loc);
          };
        return (ctx, fr) => {
          const l = cs[0](ctx, fr);
          if (isEmptyValue(l) && (l instanceof Relation || l instanceof EventSet || l === EMPTY)) return l;
          return inter(l, cs[1](ctx, fr), loc);
        };
      case 'diff':
        return (ctx, fr) => {
          const l = cs[0](ctx, fr);
          if (isEmptyValue(l) && (l instanceof Relation || l instanceof EventSet || l === EMPTY)) return l;
          return diff(l, cs[1](ctx, fr), loc);
        };
      case 'cart':
        return (ctx, fr) => cartesian(cs[0](ctx, fr), cs[1](ctx, fr), loc);
      case 'add':
        return (ctx, fr) => addElement(cs[0](ctx, fr), cs[1](ctx, fr), ctx.n, loc);
    }
    throw new Error(`unknown binary operator ${op}`);
  }

  /** r1 ; r2 ; … with [S] operands applied as row/column filters, stopping early on an empty result. */
  private seq(args: Expr[], scope: Scope | null, loc: Loc): CExpr {
    const parts = args.map((a) => {
      const ce = this.expr(a.k === 'toid' ? a.e : a, scope);
      return { filter: a.k === 'toid', ce, st: this.lastStatic };
    });
    // static operands are cached per skeleton: when one is empty the whole sequence is, whatever the others
    const statics = parts.filter((p, i) => p.st && i > 0).map((p) => p.ce);
    return (ctx, fr) => {
      for (const st of statics) if (isEmptyValue(st(ctx, fr))) return EMPTY;
      const n = ctx.n;
      let acc: Relation | null = null;
      let owned = false;
      let dom: EventSet | null = null;
      for (const p of parts) {
        const v = p.ce(ctx, fr);
        if (p.filter) {
          if (v === EMPTY) return EMPTY;
          const s = asSet(v, n, loc);
          if (acc === null) dom = dom ? dom.inter(s) : s;
          else {
            const out: Relation = owned ? acc : new Relation(n, allocWords(acc.data.length));
            owned = true;
            const any = restrictRangeInto(acc, s, out);
            acc = out;
            if (!any) return acc;
          }
        } else {
          if (v === EMPTY) return EMPTY;
          const r = asRel(v, n, loc);
          if (acc === null) {
            if (dom) {
              acc = restrictDomainCopy(r, dom);
              owned = true;
            } else acc = r;
          } else {
            acc = acc.seq(r);
            owned = true;
          }
          if (acc.isEmpty()) return acc;
        }
      }
      if (acc === null) return dom ? Relation.identity(dom) : EMPTY;
      return acc;
    };
  }

  private computeFlags(plan: Plan): void {
    const n = plan.slots.length;
    // a slot is dynamic (resp. varying) when it or a slot it reads (transitively) reads rf or event values
    // (resp. is bound by with … from); slots only read earlier slots, and rec groups share their deps
    const dynamic = new Uint8Array(n);
    const varying = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      const def = plan.slots[s];
      let dyn = def.withBound || def.dynamic ? 1 : 0;
      // every dynamic slot may change between executions of one skeleton (a reused context revalidates it)
      let vary = def.withBound || def.dynamic ? 1 : 0;
      for (const d of def.deps) {
        dyn |= dynamic[d];
        vary |= varying[d];
      }
      dynamic[s] = dyn;
      varying[s] = vary;
      if (def.group) for (const g of def.group.slots) if (g < s) {
        dynamic[g] |= dyn;
        varying[g] |= vary;
      }
    }
    for (let s = 0; s < n; s++) {
      plan.isStatic[s] = dynamic[s] ? 0 : 1;
      plan.varying[s] = varying[s];
    }
    plan.vdeps = plan.slots.map((def) => def.deps.filter((d) => varying[d]));
    plan.roots = plan.slots.flatMap((def, s) => (def.dynamic && !def.withBound ? [s] : []));
    plan.withSlots = plan.slots.flatMap((def, s) => (def.withBound ? [s] : []));
  }
}

/** The values of a native definition's dependencies, in order (a plain loop: natives run once per slot per execution). */
function depValues(ctx: Ctx, deps: number[]): Value[] {
  const out: Value[] = new Array(deps.length);
  for (let i = 0; i < deps.length; i++) out[i] = ctx.get(deps[i]);
  return out;
}

function orInto(a: Uint32Array, b: Uint32Array): void {
  for (let k = 0; k < a.length; k++) a[k] |= b[k];
}

/** out = r ; [s] (out may be r itself); whether any pair is left. */
function restrictRangeInto(r: Relation, s: EventSet, out: Relation): boolean {
  const d = r.data,
    o = out.data,
    w = r.w,
    b = s.bits;
  let any = 0;
  if (w === 1) {
    const m = b[0];
    for (let i = 0; i < d.length; i++) any |= o[i] = d[i] & m;
  } else if (w === 2) {
    const m0 = b[0],
      m1 = b[1];
    for (let i = 0; i < d.length; i += 2) {
      any |= o[i] = d[i] & m0;
      any |= o[i + 1] = d[i + 1] & m1;
    }
  } else for (let i = 0; i < r.n; i++) for (let k = 0; k < w; k++) any |= o[i * w + k] = d[i * w + k] & b[k];
  return any !== 0;
}

/** [s] ; r in fresh words, copying only the rows of s. */
function restrictDomainCopy(r: Relation, s: EventSet): Relation {
  const w = r.w,
    src = r.data,
    d = allocWords(src.length),
    b = s.bits;
  for (let k = 0; k < b.length; k++) {
    let x = b[k];
    while (x) {
      const t = x & -x;
      const i = (k << 5) + 31 - Math.clz32(t);
      x ^= t;
      if (i >= r.n) break;
      for (let q = i * w, e = q + w; q < e; q++) d[q] = src[q];
    }
  }
  return new Relation(r.n, d);
}

function tupleItem(v: Value, i: number, len: number, loc: Loc): Value {
  if (v instanceof VTuple && v.items.length === len) return v.items[i];
  throw new CatRuntimeError(loc, `expected a tuple of ${len} values, found ${typeName(v)}`);
}

/**
 * Values of the slots that depend only on an execution's skeleton: events' kinds, locations, threads, tags and
 * atomic flags, and po, rmw, addr, data, ctrl, IW and the observed locations — not rf or event values.
 * Exploration judges many executions per skeleton (one per rf choice), so these are computed once per skeleton.
 */
export interface SkeletonCache {
  exec: Execution;
  vals: (Value | undefined)[];
  /** exec's events' skeleton fields, column by column (compared against each new execution's events). */
  sig: EventColumns;
}

/** The skeleton fields of an execution's events, in flat arrays (read once, instead of once per comparison). */
interface EventColumns {
  kind: string[];
  loc: (string | undefined)[];
  thread: number[];
  atomic: boolean[];
  tags: string[][];
}

function columnsOf(events: Execution['events']): EventColumns {
  const n = events.length;
  const c: EventColumns = { kind: new Array(n), loc: new Array(n), thread: new Array(n), atomic: new Array(n), tags: new Array(n) };
  for (let i = 0; i < n; i++) {
    const e = events[i];
    c.kind[i] = e.kind;
    c.loc[i] = e.loc;
    c.thread[i] = e.thread;
    c.atomic[i] = !!e.atomic;
    c.tags[i] = e.tags;
  }
  return c;
}

function newCache(exec: Execution, slots: number): SkeletonCache {
  return { exec, vals: new Array(slots), sig: columnsOf(exec.events) };
}

function sameTags(a: string[], b: string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameRel(a: Relation, b: Relation): boolean {
  return a === b || (a.n === b.n && a.equals(b));
}

/** Whether b has the skeleton of the cached execution (the relations, usually the very same objects, first). */
function sameSkeleton(cache: SkeletonCache, b: Execution): boolean {
  const a = cache.exec;
  if (a === b) return true;
  const n = a.events.length;
  if (b.events.length !== n) return false;
  if (!(sameRel(a.po, b.po) && sameRel(a.rmw, b.rmw) && sameRel(a.addr, b.addr) && sameRel(a.data, b.data) && sameRel(a.ctrl, b.ctrl)))
    return false;
  if (a.IW !== b.IW && !a.IW.equals(b.IW)) return false;
  const oa = a.observedLocs ?? [],
    ob = b.observedLocs ?? [];
  if (oa !== ob && !sameTags(oa, ob)) return false;
  const { kind, loc, thread, atomic, tags } = cache.sig;
  const ev = a.events,
    bev = b.events;
  for (let i = 0; i < n; i++) {
    const y = bev[i];
    if (y === ev[i]) continue;
    const t = y.tags;
    if (y.kind !== kind[i] || y.loc !== loc[i] || y.thread !== thread[i] || !!y.atomic !== atomic[i] || (t !== tags[i] && !sameTags(t, tags[i])))
      return false;
  }
  return true;
}

/** Marks a dependency that a computation did not read. */
const UNUSED = 0xffffffff;

/**
 * The state of evaluating one model on one execution.
 * Branching (`with … from`) is incremental: assigning a with-bound slot bumps its version and starts a new
 * epoch; a varying slot is revalidated on first use in an epoch — recomputed only when a slot it read has a
 * new version — and its own version is bumped only when its recomputed value differs. So a branch recomputes
 * just what its choice actually changes (e.g. with no locks, lock.cat's final rf is the same for every co, and
 * nothing that depends only on rf is recomputed).
 */
export class Ctx implements NativeCtx {
  readonly n: number;
  private _all?: EventSet;
  private _id?: Relation;
  readonly vals: (Value | undefined)[];
  readonly ver: Uint32Array;
  readonly seen: Uint32Array;
  readonly used: (Uint32Array | undefined)[];
  epoch = 1;
  /** A detached copy: every present value is valid; missing ones are computed without version tracking. */
  scratch = false;
  /** Reference mode (tests): forget every varying value at each branch instead of revalidating. */
  reference = false;
  /** A judgement of this context's current execution is being generated (the context cannot be reused). */
  busy = false;
  /** The last judgement yielded, still reading this context live (detached before the context moves on). */
  lastJudgement?: LiveJudgement;
  /** With-bound values of the previous execution (see moveTo). */
  private prevWith?: Map<number, Value>;

  constructor(
    readonly plan: Plan,
    public exec: Execution,
    readonly cache?: SkeletonCache,
    from?: Ctx,
  ) {
    this.n = exec.events.length;
    const k = plan.slots.length;
    if (from) {
      this.vals = from.vals.slice();
      this.ver = this.seen = new Uint32Array(0);
      this.used = [];
      this._all = from._all;
      this._id = from._id;
    } else {
      this.vals = cache ? cache.vals.slice() : new Array(k);
      this.ver = new Uint32Array(k);
      this.seen = new Uint32Array(k);
      this.used = new Array(k);
    }
  }

  /**
   * A context for exec, reusing the plan's skeleton cache when exec has the same skeleton. Executions of one
   * skeleton (one per rf choice) are judged by one context, incrementally: moving to the next execution is like
   * moving to a new branch, with rf and the other natively computed dynamic slots as the changed roots, so a
   * slot is recomputed only when something it read has changed (e.g. rfi is often the same for consecutive rf
   * choices, and with it carry-dep, addr, data, ctrl, dep). Not while a previous judging is still in progress.
   */
  static for(plan: Plan, exec: Execution): Ctx {
    let cache = plan.cache;
    if (!cache || !sameSkeleton(cache, exec)) {
      plan.cache = cache = newCache(exec, plan.slots.length);
      plan.live = undefined;
    }
    const live = plan.live;
    if (live && !live.busy && live.cache === cache && live.exec.events.length === exec.events.length) {
      live.moveTo(exec);
      live.busy = true;
      return live;
    }
    const ctx = new Ctx(plan, exec, cache);
    ctx.busy = true;
    plan.live = ctx;
    return ctx;
  }

  /** Start judging another execution of the same skeleton: a new epoch in which the dynamic roots are stale. */
  private moveTo(exec: Execution): void {
    this.lastJudgement?.detach();
    this.lastJudgement = undefined;
    this.exec = exec;
    this.epoch++;
    for (const r of this.plan.roots) this.used[r] = undefined;
    // with-bound names have no value until their `with` is reached for this execution; the previous value is
    // kept aside only to tell whether the next assignment changes anything
    for (const s of this.plan.withSlots)
      if (this.vals[s] !== undefined) {
        (this.prevWith ??= new Map()).set(s, this.vals[s]!);
        this.vals[s] = undefined;
      }
  }

  get(slot: number): Value {
    const v = this.vals[slot];
    if (v !== undefined && (this.scratch || this.plan.varying[slot] === 0 || this.seen[slot] === this.epoch)) return v;
    return this.force(slot);
  }

  /** Assign a with-bound slot for a new branch. */
  assign(slot: number, v: Value): void {
    let old = this.vals[slot];
    if (old === undefined && this.prevWith?.has(slot)) {
      old = this.prevWith.get(slot);
      this.prevWith.delete(slot);
    }
    this.vals[slot] = v;
    // an equal value (e.g. the same co as for the previous execution) keeps what depends on it valid
    if (old === undefined || this.reference || !valueEquals(old, v)) this.ver[slot]++;
    this.seen[slot] = ++this.epoch;
    if (this.reference) {
      const { varying, slots } = this.plan;
      for (let s = 0; s < this.vals.length; s++)
        if (varying[s] && !slots[s].withBound) {
          this.vals[s] = undefined;
          this.used[s] = undefined;
        }
    }
  }

  force(slot: number): Value {
    const plan = this.plan;
    const def = plan.slots[slot];
    const old = this.vals[slot];
    if (def.withBound) {
      if (old === undefined) throw new CatRuntimeError(undefined, `'${def.name}' has no value yet (its with … from was not reached)`);
      return old;
    }
    if (this.scratch) return this.computeScratch(slot, def);
    if (old !== undefined && plan.varying[slot] && this.used[slot] && this.unchanged(slot)) {
      if (def.group) for (const g of def.group.slots) this.seen[g] = this.epoch;
      else this.seen[slot] = this.epoch;
      return old;
    }
    if (def.group) return this.computeGroup(slot, def);
    if (!def.compute) throw new CatRuntimeError(undefined, `'${def.name}' has no computation`);
    const v = def.compute(this);
    this.vals[slot] = v;
    if (plan.varying[slot]) {
      // a function value reads globals when called, so it counts as changed whenever it is recomputed
      if (old === undefined || v instanceof VClo || v instanceof VPrim || !valueEquals(old, v)) this.ver[slot]++;
      this.record(slot);
      this.seen[slot] = this.epoch;
    } else if (this.cache && plan.isStatic[slot]) this.cache.vals[slot] = v;
    return v;
  }

  /** Revalidation: have the varying slots this one read kept their versions? */
  private unchanged(slot: number): boolean {
    const vdeps = this.plan.vdeps[slot];
    const rec = this.used[slot]!;
    const ver = this.ver;
    for (let i = 0; i < vdeps.length; i++) {
      if (rec[i] === UNUSED) continue;
      const d = vdeps[i];
      this.get(d);
      if (ver[d] !== rec[i]) return false;
    }
    return true;
  }

  private computeScratch(slot: number, def: SlotDef): Value {
    if (def.group) def.group.run(this);
    else {
      if (!def.compute) throw new CatRuntimeError(undefined, `'${def.name}' has no computation`);
      this.vals[slot] = def.compute(this);
    }
    if (this.cache && this.plan.isStatic[slot]) this.cache.vals[slot] = this.vals[slot];
    return this.vals[slot] as Value;
  }

  private computeGroup(slot: number, def: SlotDef): Value {
    const group = def.group!;
    const olds = group.slots.map((g) => this.vals[g]);
    // members read each other's in-progress values during the fixpoint
    for (const g of group.slots) this.seen[g] = this.epoch;
    group.run(this);
    const varying = this.plan.varying[slot];
    if (varying) this.record(slot);
    group.slots.forEach((g, i) => {
      const nv = this.vals[g]!;
      if (varying) {
        if (olds[i] === undefined || nv instanceof VClo || nv instanceof VPrim || !valueEquals(olds[i]!, nv)) this.ver[g]++;
        this.used[g] = this.used[slot];
        this.seen[g] = this.epoch;
      }
      if (this.cache && this.plan.isStatic[g]) this.cache.vals[g] = this.vals[g];
    });
    return this.vals[slot] as Value;
  }

  /** Record the versions of the varying slots a computation just read (those with a value). */
  private record(slot: number): void {
    const vdeps = this.plan.vdeps[slot];
    let rec = this.used[slot];
    if (!rec || rec.length !== vdeps.length) rec = this.used[slot] = new Uint32Array(vdeps.length);
    for (let i = 0; i < vdeps.length; i++) rec[i] = this.vals[vdeps[i]] !== undefined ? this.ver[vdeps[i]] : UNUSED;
  }

  all(): EventSet {
    return (this._all ??= EventSet.full(this.n));
  }
  id(): Relation {
    return (this._id ??= Relation.identity(this.all()));
  }

  apply(f: Value, arg: Value, loc: Loc): Value {
    if (f instanceof VPrim) return f.fn(arg, this, loc);
    if (f instanceof VClo) {
      let v: (Value | undefined)[];
      if (f.tupled) {
        if (!(arg instanceof VTuple) || arg.items.length !== f.arity)
          throw new CatRuntimeError(loc, `${f.name} expects ${f.arity} arguments, found ${typeName(arg)}`);
        v = arg.items.slice();
      } else v = [arg];
      return f.body(this, { v, up: f.frame });
    }
    return notAFunction(f, loc);
  }

  /** A copy holding only the values valid in the current branch; it evaluates anything else from scratch. */
  detachedCopy(): Ctx {
    const c = new Ctx(this.plan, this.exec, this.cache, this);
    const varying = this.plan.varying;
    for (let s = 0; s < c.vals.length; s++) if (varying[s] && this.seen[s] !== this.epoch) c.vals[s] = undefined;
    // with-bound values stay, whatever their epoch
    for (const s of this.plan.withSlots) c.vals[s] = this.vals[s];
    c.scratch = true;
    return c;
  }
}

/**
 * A judgement reads the live context while that context still holds its branch; just before the context
 * moves to another branch, `detach` keeps a copy of the values valid for this branch, and later lookups
 * compute anything missing from that copy (from scratch, without incremental bookkeeping).
 */
class LiveJudgement implements Judgement {
  private detached?: Ctx;
  readonly flags: string[];
  readonly failed?: string;

  constructor(
    private readonly ctx: Ctx,
    readonly consistent: boolean,
    failed: string | undefined,
    flags: string[],
  ) {
    if (failed !== undefined) this.failed = failed;
    this.flags = flags.length > 1 ? [...new Set(flags)] : flags;
  }

  detach(): void {
    if (!this.detached) this.detached = this.ctx.detachedCopy();
  }

  lookup(name: string): Relation | EventSet | undefined {
    const c = this.detached ?? this.ctx;
    const slot = c.plan.final.get(name);
    if (slot === undefined) return undefined;
    try {
      const v = c.get(slot);
      if (v instanceof Relation || v instanceof EventSet) return v;
      if (v === EMPTY) return new Relation(c.n);
      return undefined;
    } catch (err) {
      if (err instanceof CatRuntimeError) return undefined;
      throw err;
    }
  }
  private rel(name: string): Relation {
    const v = this.lookup(name);
    return v instanceof Relation ? v : new Relation(this.ctx.n);
  }
  get co(): Relation {
    return this.rel('co');
  }
  get rf(): Relation {
    return this.rel('rf');
  }
}

function* run(ctx: Ctx, pc: number, flags: string[]): Generator<LiveJudgement> {
  const instrs = ctx.plan.instrs;
  for (; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    if (ins.k === 'test') {
      const ok = ins.test(ctx);
      if (ins.kind === 'flag') {
        if (ok) flags = [...flags, ins.name];
      } else if (!ok) {
        yield (ctx.lastJudgement = new LiveJudgement(ctx, false, ins.name, flags));
        return;
      }
    } else {
      const it = ins.choices(ctx)[Symbol.iterator]();
      let last: LiveJudgement | undefined;
      for (let nx = it.next(); !nx.done; nx = it.next()) {
        last?.detach();
        ctx.assign(ins.slot, nx.value);
        for (const j of run(ctx, pc + 1, flags)) {
          last = j;
          yield j;
        }
      }
      return;
    }
  }
  yield (ctx.lastJudgement = new LiveJudgement(ctx, true, undefined, flags));
}

/** Evaluation errors become ModelError (one line, naming the place in the model). */
function* guarded(gen: Generator<LiveJudgement>): Generator<Judgement> {
  try {
    yield* gen;
  } catch (err) {
    if (err instanceof CatRuntimeError) throw new ModelError(err.message);
    throw err;
  }
}

/** Judge one execution: one Judgement per `with … from` branch, generated lazily. */
export function judgePlan(plan: Plan, exec: Execution): Iterable<Judgement> {
  return new Judging(plan, exec);
}

/** judgePlan's result (a class: an object literal with a computed symbol key is built the slow way). */
class Judging implements Iterable<Judgement> {
  constructor(
    private readonly plan: Plan,
    private readonly exec: Execution,
  ) {}
  [Symbol.iterator](): Iterator<Judgement> {
    return guarded(judging(this.plan, Ctx.for(this.plan, this.exec)));
  }
}

/** Like judge, but in a fresh context (skeleton cache kept, no context reused across executions): for tests. */
export function judgeFresh(model: Model, exec: Execution): Iterable<Judgement> {
  return {
    [Symbol.iterator]: () => {
      const plan = model.plan;
      plan.live = undefined;
      const ctx = Ctx.for(plan, exec);
      plan.live = undefined;
      return guarded(judging(plan, ctx));
    },
  };
}

/** Runs the model on a context, which stays busy (not reusable) until its judgements are all generated. */
function* judging(plan: Plan, ctx: Ctx): Generator<LiveJudgement> {
  let ok = false;
  try {
    yield* run(ctx, 0, []);
    ok = true;
  } finally {
    ctx.busy = false;
    // after an error, or when the consumer stopped early, the context may hold half-computed values
    if (!ok && plan.live === ctx) plan.live = undefined;
  }
}

/** Like judge, but recomputing every branch from scratch, with no skeleton cache: the reference for tests. */
export function judgeReference(model: Model, exec: Execution): Iterable<Judgement> {
  return {
    [Symbol.iterator]: () => {
      const ctx = new Ctx(model.plan, exec);
      ctx.reference = true;
      return guarded(run(ctx, 0, []));
    },
  };
}

/** Judge one execution under a loaded model: one Judgement per `with … from` branch (lazily generated). */
export function judge(model: Model, exec: Execution): Iterable<Judgement> {
  return judgePlan(model.plan, exec);
}
