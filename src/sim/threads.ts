// Per-thread semantics: a litmus thread's program becomes its possible paths, each a list of events with symbolic read values.
//
// Event generation follows herd7's C semantics for LKMM (lkmmv1, herd's default):
//  - __load{t}(*A) → R[t];  __store{t}(*A,V) → W[t];  plain `*A` / `*A = V` → R[] / W[].
//  - __xchg{mb} → F[mb] R*[once] W*[once] F[mb]; other annotations: R*[acquire|once] W*[release|once].
//  - __cmpxchg{a}: success as __xchg{a} (W* stores the new value); failure a lone R*[once].
//  - __atomic_op → R*[noreturn] W*[once]; __atomic_op_return / __atomic_fetch_op as __xchg.
//  - __lock → LKR LKW; __unlock → UL; __trylock → LKR LKW (returns 1) or LF (returns 0);
//    __islocked → RL (returns 1) or RU (returns 0). Lock events carry their class as a tag
//    ('LKR', …) and are not memory accesses of their own (herd's M excludes them; lock.cat adds them).
//  - __srcu{t}(X[,Y]) (6.1) → an SRCU event on X (kind 'F' with a loc, tag t, value for lock/unlock).
//  - __fence{t} → F[t].
// Dependencies, as herd computes them for C: addr/data from a memory read (or LF/RL/RU) whose value
// flows through registers into an access's address or a store's value; ctrl from such a read into an
// if/while condition to every event of the branch taken (not beyond the if).
import type { Value } from './execution.js';
import type { Expr, LitmusTest, Stmt, ThreadAst } from './litmus/ast.js';
import { expandExprCall, expandStmtCall, type MacroTable } from './def.js';
import { bin, cst, ONE, tern, un, ValueError, ZERO, type Sym } from './sym.js';

export type LockClass = 'LKR' | 'LKW' | 'UL' | 'LF' | 'RL' | 'RU';

export interface TEvent {
  kind: 'R' | 'W' | 'F';
  loc?: string;
  tags: string[];
  /** R or W issued by an RMW instruction (herd's R*, W*), including a failed cmpxchg's read. */
  atomic?: boolean;
  /** Memory read whose value comes from rf: its thread-local variable id. */
  varId?: number;
  /** Stored value (W), or the value of a 6.1 SRCU event. */
  value?: Sym;
  lockClass?: LockClass;
  /** A 6.1 __srcu event (not a memory access). */
  srcu?: boolean;
  /** Instruction instance (one per executed statement): events of different instructions are in po. */
  instr: number;
  /**
   * Events of the same instruction that precede this one (herd's intra-instruction causality): an
   * access after the reads its address or value comes from, an RMW's parts in order, its fences around
   * everything. Operands of one operator are not ordered among themselves.
   */
  preds: number[];
  line: number;
  text: string;
}

export interface Constraint {
  s: Sym;
  want: boolean;
  line: number;
}

export interface Path {
  thread: number;
  events: TEvent[];
  /** Branch decisions and value assumptions this path relies on. */
  constraints: Constraint[];
  /** Registers at the end of the path. */
  regs: Map<string, Sym>;
  nVars: number;
  addr: [number, number][];
  data: [number, number][];
  ctrl: [number, number][];
  rmw: [number, number][];
  /** Set when a loop ran into the unrolling bound: the path stops there. */
  cutoff?: { line: number };
}

export class SimError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

interface SV {
  s: Sym;
  /** Indices (in this path's events) of the reads whose values flow into this value. */
  t: number[];
}

interface St {
  events: TEvent[];
  constraints: Constraint[];
  regs: Map<string, SV>;
  nVars: number;
  addr: [number, number][];
  data: [number, number][];
  ctrl: [number, number][];
  rmw: [number, number][];
  ctrlTaint: number[];
  instr: number;
  /** Events every new event of the current instruction follows (the leading fence of a full-barrier RMW). */
  instrPreds: number[];
  cutoff?: { line: number };
}

function clone(st: St): St {
  return {
    events: st.events.slice(),
    constraints: st.constraints.slice(),
    regs: new Map(st.regs),
    nVars: st.nVars,
    addr: st.addr.slice(),
    data: st.data.slice(),
    ctrl: st.ctrl.slice(),
    rmw: st.rmw.slice(),
    ctrlTaint: st.ctrlTaint,
    instr: st.instr,
    instrPreds: st.instrPreds,
    cutoff: st.cutoff,
  };
}

export interface ThreadContext {
  file: string;
  macros: MacroTable;
  /** All shared locations of the test (for resolving pointers read from memory). */
  locations: string[];
  unroll: number;
  lines: string[];
  /** Register values from the init block (`0:r1=x;`). */
  regInit: Map<string, Value>;
}

interface Ctx extends ThreadContext {
  thread: number;
  line: number;
  text: string;
  depth: number;
  /** Stop enumerating after this many paths (guards against path explosion). */
  maxPaths: number;
}

type K = (st: St, v: SV) => void;
type KS = (st: St) => void;

const union = (a: number[], b: number[]): number[] => {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return [...s];
};

const c0: SV = { s: ZERO, t: [] };

export class PathLimitError extends Error {}

/** All paths of one thread. */
export function threadPaths(th: ThreadAst, ctx0: ThreadContext, maxPaths = 100_000): Path[] {
  const ctx: Ctx = { ...ctx0, thread: th.id, line: th.pos.line, text: '', depth: 0, maxPaths };
  const regs = new Map<string, SV>();
  for (const p of th.params) regs.set(p.name, { s: cst({ loc: p.name }), t: [] });
  for (const [k, v] of ctx0.regInit) {
    const m = /^(\d+):(.*)$/.exec(k);
    if (m && Number(m[1]) === th.id) regs.set(m[2], { s: cst(v), t: [] });
  }
  const st: St = {
    events: [],
    constraints: [],
    regs,
    nVars: 0,
    addr: [],
    data: [],
    ctrl: [],
    rmw: [],
    ctrlTaint: [],
    instr: 0,
    instrPreds: [],
  };
  const out: Path[] = [];
  execList(th.body, 0, st, ctx, (s) => {
    if (out.length >= maxPaths) throw new PathLimitError(`P${th.id} has more than ${maxPaths} paths`);
    out.push(finish(s, th.id));
  });
  return out;
}

function finish(st: St, thread: number): Path {
  const regs = new Map<string, Sym>();
  for (const [k, v] of st.regs) regs.set(k, v.s);
  return {
    thread,
    events: st.events,
    constraints: st.constraints,
    regs,
    nVars: st.nVars,
    addr: st.addr,
    data: st.data,
    ctrl: st.ctrl,
    rmw: st.rmw,
    cutoff: st.cutoff,
  };
}

function err(ctx: Ctx, msg: string): never {
  throw new SimError(ctx.file, ctx.line, msg);
}

function at(ctx: Ctx, line: number): Ctx {
  if (ctx.depth > 0 || (ctx.line === line && ctx.text !== '')) return ctx; // inside a macro expansion, keep the call site's line
  return { ...ctx, line, text: (ctx.lines[line - 1] ?? '').trim() };
}

// ---------------------------------------------------------------- statements

function execList(list: Stmt[], i: number, st: St, ctx: Ctx, k: KS): void {
  if (st.cutoff) return k(st);
  if (i >= list.length) return k(st);
  execStmt(list[i], st, ctx, (s) => execList(list, i + 1, s, ctx, k));
}

function execStmt(s: Stmt, st: St, ctx0: Ctx, k: KS): void {
  if (st.cutoff) return k(st);
  const ctx = at(ctx0, s.pos.line);
  switch (s.k) {
    case 'empty':
      return k(st);
    case 'block':
      return execList(s.body, 0, st, ctx, k);
    case 'decl': {
      const run = (j: number, st1: St): void => {
        if (j >= s.names.length) return k(st1);
        const d = s.names[j];
        if (!d.init) {
          st1.regs.set(d.name, c0);
          return run(j + 1, st1);
        }
        st1.instr++;
        evalE(d.init, st1, ctx, (st2, v) => {
          st2.regs.set(d.name, v);
          run(j + 1, st2);
        });
      };
      return run(0, st);
    }
    case 'assign': {
      st.instr++;
      if (s.target.k === 'id') {
        const name = s.target.name;
        return evalE(s.value, st, ctx, (st1, v) => {
          st1.regs.set(name, v);
          k(st1);
        });
      }
      if (s.target.k === 'deref') {
        const target = s.target.e;
        // herd evaluates the address and the value of a store in parallel; order is immaterial.
        return evalE(target, st, ctx, (st1, a) =>
          evalE(s.value, st1, ctx, (st2, v) =>
            withLoc(a, st2, ctx, (st3, loc) => {
              emitWrite(st3, ctx, loc, [], v, a.t);
              k(st3);
            }),
          ),
        );
      }
      return err(ctx, 'cannot assign to this expression');
    }
    case 'expr': {
      const e = s.e;
      if (e.k === 'call') {
        const body = expandStmtCall(ctx.macros, e.name, e.args);
        if (typeof body === 'string') return err(ctx, body);
        if (body) {
          if (ctx.depth > 50) err(ctx, `macro ${e.name} expands without end`);
          return execList(body, 0, st, { ...ctx, depth: ctx.depth + 1 }, k);
        }
      }
      st.instr++;
      return evalE(e, st, ctx, (st1) => k(st1));
    }
    case 'if': {
      st.instr++;
      return evalE(s.c, st, ctx, (st1, c) =>
        branch(c, st1, ctx, (st2, taken) => {
          const saved = st2.ctrlTaint;
          st2.ctrlTaint = union(saved, c.t);
          const body = taken ? s.then : s.else;
          const after: KS = (st3) => {
            st3.ctrlTaint = saved;
            k(st3);
          };
          if (body) execStmt(body, st2, ctx, after);
          else after(st2);
        }),
      );
    }
    case 'while':
      return loop(s.c, s.body, undefined, s.pos.line, 0, st, ctx, k);
    case 'for': {
      const rest = (st1: St): void => {
        if (!s.c) err(ctx, 'a for loop needs a condition (loops must be bounded)');
        loop(s.c, s.body, s.step, s.pos.line, 0, st1, ctx, k);
      };
      if (s.init) return execStmt(s.init, st, ctx, rest);
      return rest(st);
    }
  }
}

/** One iteration of a while/for loop: a conditional, as herd unrolls it; past the bound, the path is cut off. */
function loop(c: Expr, body: Stmt, step: Stmt | undefined, line: number, n: number, st: St, ctx: Ctx, k: KS): void {
  st.instr++;
  evalE(c, st, ctx, (st1, cv) =>
    branch(cv, st1, ctx, (st2, taken) => {
      if (!taken) return k(st2);
      if (n >= ctx.unroll) {
        st2.cutoff = { line };
        return k(st2);
      }
      const saved = st2.ctrlTaint;
      st2.ctrlTaint = union(saved, cv.t);
      execStmt(body, st2, ctx, (st3) => {
        const again = (st4: St): void =>
          loop(c, body, step, line, n + 1, st4, ctx, (st5) => {
            st5.ctrlTaint = saved;
            k(st5);
          });
        if (step && !st3.cutoff) execStmt(step, st3, ctx, again);
        else if (st3.cutoff) {
          st3.ctrlTaint = saved;
          k(st3);
        } else again(st3);
      });
    }),
  );
}

/** Decides a condition: directly when it is known, otherwise both ways with a recorded constraint. */
function branch(c: SV, st: St, ctx: Ctx, k: (st: St, taken: boolean) => void): void {
  if (c.s.k === 'c') return k(st, typeof c.s.v === 'number' ? c.s.v !== 0 : true);
  const s1 = clone(st);
  s1.constraints.push({ s: c.s, want: true, line: ctx.line });
  k(s1, true);
  const s2 = clone(st);
  s2.constraints.push({ s: c.s, want: false, line: ctx.line });
  k(s2, false);
}

// ---------------------------------------------------------------- events

function emit(
  st: St,
  ctx: Ctx,
  ev: Omit<TEvent, 'line' | 'text' | 'instr' | 'preds'>,
  addrTaint: number[],
  preds: number[] = [],
): number {
  const i = st.events.length;
  const same: number[] = [];
  for (const list of [addrTaint, preds, st.instrPreds]) {
    for (const p of list) if (st.events[p].instr === st.instr && !same.includes(p)) same.push(p);
  }
  st.events.push({ ...ev, instr: st.instr, preds: same, line: ctx.line, text: ctx.text });
  for (const r of addrTaint) st.addr.push([r, i]);
  // herd's ctrl reaches memory accesses, fences and lock events, not SRCU events.
  if (!ev.srcu) for (const r of st.ctrlTaint) st.ctrl.push([r, i]);
  return i;
}

function emitRead(st: St, ctx: Ctx, loc: string, tags: string[], addrTaint: number[], atomic = false, preds: number[] = []): SV {
  const varId = st.nVars++;
  const i = emit(st, ctx, { kind: 'R', loc, tags, varId, atomic: atomic || undefined }, addrTaint, preds);
  return { s: { k: 'v', id: varId }, t: [i] };
}

function emitWrite(st: St, ctx: Ctx, loc: string, tags: string[], v: SV, addrTaint: number[], atomic = false, preds: number[] = []): number {
  const i = emit(st, ctx, { kind: 'W', loc, tags, value: v.s, atomic: atomic || undefined }, addrTaint, union(v.t, preds));
  for (const r of v.t) st.data.push([r, i]);
  return i;
}

function emitFence(st: St, ctx: Ctx, tag: string, preds: number[] = []): number {
  return emit(st, ctx, { kind: 'F', tags: [tag] }, [], preds);
}

function emitLock(st: St, ctx: Ctx, loc: string, cls: LockClass, addrTaint: number[], preds: number[] = []): number {
  const kind = cls === 'LKW' || cls === 'UL' ? 'W' : 'R';
  return emit(st, ctx, { kind, loc, tags: [cls], lockClass: cls }, addrTaint, preds);
}


/** Resolves an address value to a location, forking over the test's locations when it is not known yet. */
function withLoc(a: SV, st: St, ctx: Ctx, k: (st: St, loc: string) => void): void {
  if (a.s.k === 'c') {
    const v = a.s.v;
    if (typeof v === 'number') err(ctx, `dereferencing ${v}, which is not the address of a location`);
    return k(st, v.loc);
  }
  for (const loc of ctx.locations) {
    const s1 = clone(st);
    s1.constraints.push({ s: bin('==', a.s, cst({ loc })), want: true, line: ctx.line });
    k(s1, loc);
  }
}

// ---------------------------------------------------------------- expressions

function evalList(es: Expr[], st: St, ctx: Ctx, k: (st: St, vs: SV[]) => void): void {
  const go = (i: number, st1: St, acc: SV[]): void => {
    if (i >= es.length) return k(st1, acc);
    evalE(es[i], st1, ctx, (st2, v) => go(i + 1, st2, [...acc, v]));
  };
  go(0, st, []);
}

function evalE(e: Expr, st: St, ctx: Ctx, k: K): void {
  try {
    evalInner(e, st, ctx, k);
  } catch (x) {
    if (x instanceof ValueError) err(ctx, x.message);
    throw x;
  }
}

function evalInner(e: Expr, st: St, ctx: Ctx, k: K): void {
  switch (e.k) {
    case 'num':
      return k(st, { s: cst(e.v), t: [] });
    case 'id': {
      const r = st.regs.get(e.name);
      if (r) return k(st, r);
      return err(ctx, `unknown register or parameter '${e.name}'`);
    }
    case 'opArg':
      return err(ctx, `operator '${e.op}' used as a value`);
    case 'deref':
      // A plain (unmarked) load.
      return evalE(e.e, st, ctx, (st1, a) => withLoc(a, st1, ctx, (st2, loc) => k(st2, emitRead(st2, ctx, loc, [], a.t))));
    case 'addr': {
      if (e.e.k === 'deref') return evalE(e.e.e, st, ctx, k);
      if (e.e.k === 'id' && ctx.locations.includes(e.e.name)) return k(st, { s: cst({ loc: e.e.name }), t: [] });
      return err(ctx, "'&' applies only to a location name or *pointer");
    }
    case 'un':
      return evalE(e.e, st, ctx, (st1, v) => k(st1, { s: un(e.op, v.s), t: v.t }));
    case 'bin':
      return evalE(e.a, st, ctx, (st1, a) => evalE(e.b, st1, ctx, (st2, b) => k(st2, { s: bin(e.op, a.s, b.s), t: union(a.t, b.t) })));
    case 'tern':
      return evalList([e.c, e.a, e.b], st, ctx, (st1, [c, a, b]) =>
        k(st1, { s: tern(c.s, a.s, b.s), t: union(c.t, union(a.t, b.t)) }),
      );
    case 'call': {
      const x = expandExprCall(ctx.macros, e.name, e.args);
      if (typeof x === 'string') return err(ctx, x);
      if (x) {
        if (ctx.depth > 50) err(ctx, `macro ${e.name} expands without end`);
        return evalE(x, st, { ...ctx, depth: ctx.depth + 1 }, k);
      }
      if (ctx.macros.macros.has(e.name)) {
        // A statement macro in expression position (herd gives it no value).
        const body = expandStmtCall(ctx.macros, e.name, e.args);
        if (typeof body === 'string') return err(ctx, body);
        return execList(body ?? [], 0, st, { ...ctx, depth: ctx.depth + 1 }, (st1) => k(st1, c0));
      }
      return err(ctx, `unknown primitive '${e.name}' (not defined in ${ctx.macros.file.split('/').pop()})`);
    }
    case 'prim':
      return evalPrim(e, st, ctx, k);
  }
}

function argCount(ctx: Ctx, e: Extract<Expr, { k: 'prim' }>, n: number): void {
  if (e.args.length !== n) err(ctx, `${e.name} takes ${n} argument${n === 1 ? '' : 's'}, given ${e.args.length}`);
}

function derefArg(ctx: Ctx, e: Extract<Expr, { k: 'prim' }>, a: Expr): Expr {
  if (a.k !== 'deref') err(ctx, `bad ${e.name} argument: expected *pointer`);
  return a.e;
}

function opOf(ctx: Ctx, a: Expr): string {
  if (a.k !== 'opArg') err(ctx, 'expected an operator (+, -, &, |, ^) as the second argument of an atomic operation');
  return a.op;
}

/**
 * Runs `body` (the operands' evaluation and the RMW's own accesses) between the two fences a
 * full-barrier RMW has in herd's lkmmv1: the first precedes everything the RMW does, the second
 * follows it all.
 */
function fenced(ann: string | undefined, st: St, ctx: Ctx, body: (st: St, k: K) => void, k: K): void {
  if (ann !== 'mb') return body(st, k);
  const f1 = emitFence(st, ctx, 'mb');
  const saved = st.instrPreds;
  st.instrPreds = union(saved, [f1]);
  body(st, (st1, v) => {
    const mine = [];
    for (let i = f1; i < st1.events.length; i++) if (st1.events[i].instr === st1.instr) mine.push(i);
    st1.instrPreds = saved;
    emitFence(st1, ctx, 'mb', mine);
    k(st1, v);
  });
}

/** An RMW's read and write (R* then W*, an rmw pair); annotations other than mb pick their tags. */
function rmwEvents(
  st: St,
  ctx: Ctx,
  loc: string,
  ann: string | undefined,
  addrT: number[],
  rtagOverride: string | undefined,
  wval: (r: SV) => SV,
): { r: SV; ri: number; wi: number } {
  const rtag = rtagOverride ?? (ann === 'acquire' ? 'acquire' : 'once');
  const wtag = ann === 'release' ? 'release' : 'once';
  const r = emitRead(st, ctx, loc, [rtag], addrT, true);
  const ri = r.t[0];
  const wi = emitWrite(st, ctx, loc, [wtag], wval(r), addrT, true, [ri]);
  st.rmw.push([ri, wi]);
  return { r, ri, wi };
}

function evalPrim(e: Extract<Expr, { k: 'prim' }>, st: St, ctx: Ctx, k: K): void {
  const tag = e.tag;
  switch (e.name) {
    case '__load': {
      argCount(ctx, e, 1);
      if (!tag) err(ctx, '__load needs an annotation');
      const a = derefArg(ctx, e, e.args[0]);
      return evalE(a, st, ctx, (st1, av) => withLoc(av, st1, ctx, (st2, loc) => k(st2, emitRead(st2, ctx, loc, [tag], av.t))));
    }
    case '__store': {
      argCount(ctx, e, 2);
      if (!tag) err(ctx, '__store needs an annotation');
      const a = derefArg(ctx, e, e.args[0]);
      return evalE(a, st, ctx, (st1, av) =>
        evalE(e.args[1], st1, ctx, (st2, v) =>
          withLoc(av, st2, ctx, (st3, loc) => {
            emitWrite(st3, ctx, loc, [tag], v, av.t);
            k(st3, c0);
          }),
        ),
      );
    }
    case '__fence': {
      if (!tag) err(ctx, '__fence needs an annotation');
      emitFence(st, ctx, tag);
      return k(st, c0);
    }
    case '__xchg': {
      argCount(ctx, e, 2);
      return fenced(
        tag,
        st,
        ctx,
        (st0, k0) =>
          evalE(e.args[0], st0, ctx, (st1, av) =>
            evalE(e.args[1], st1, ctx, (st2, v) =>
              withLoc(av, st2, ctx, (st3, loc) => {
                const { r } = rmwEvents(st3, ctx, loc, tag, av.t, undefined, () => v);
                k0(st3, r);
              }),
            ),
          ),
        k,
      );
    }
    case '__cmpxchg': {
      argCount(ctx, e, 3);
      // Success: the value read equals the expected one, and the new value is stored (fenced for mb).
      const s1 = clone(st);
      fenced(
        tag,
        s1,
        ctx,
        (st0, k0) =>
          evalList(e.args, st0, ctx, (st1, [av, oldv, newv]) =>
            withLoc(av, st1, ctx, (st2, loc) => {
              const okVar: Sym = { k: 'v', id: st2.nVars };
              st2.constraints.push({ s: bin('==', okVar, oldv.s), want: true, line: ctx.line });
              const { r } = rmwEvents(st2, ctx, loc, tag, av.t, undefined, () => newv);
              k0(st2, r);
            }),
          ),
        k,
      );
      // Failure: a lone read (herd's lkmmv1 marks it once), which saw another value.
      const s2 = clone(st);
      return evalList(e.args, s2, ctx, (st1, [av, oldv]) =>
        withLoc(av, st1, ctx, (st2, loc) => {
          const r2 = emitRead(st2, ctx, loc, ['once'], av.t, true);
          st2.constraints.push({ s: bin('==', r2.s, oldv.s), want: false, line: ctx.line });
          k(st2, r2);
        }),
      );
    }
    case '__atomic_op':
    case '__atomic_op_return':
    case '__atomic_fetch_op': {
      argCount(ctx, e, 3);
      const op = opOf(ctx, e.args[1]);
      const plain = e.name === '__atomic_op';
      return fenced(
        plain ? undefined : tag,
        st,
        ctx,
        (st0, k0) =>
          evalE(e.args[0], st0, ctx, (st1, av) =>
            evalE(e.args[2], st1, ctx, (st2, v) =>
              withLoc(av, st2, ctx, (st3, loc) => {
                let neu: SV = c0;
                const { r } = rmwEvents(st3, ctx, loc, plain ? undefined : tag, av.t, plain ? 'noreturn' : undefined, (rv) => {
                  neu = { s: bin(op, rv.s, v.s), t: union(rv.t, v.t) };
                  return neu;
                });
                if (plain) return k0(st3, c0);
                k0(st3, e.name === '__atomic_fetch_op' ? r : neu);
              }),
            ),
          ),
        k,
      );
    }
    case '__lock':
    case '__unlock': {
      argCount(ctx, e, 1);
      return evalE(e.args[0], st, ctx, (st1, av) =>
        withLoc(av, st1, ctx, (st2, loc) => {
          if (e.name === '__lock') {
            const lkr = emitLock(st2, ctx, loc, 'LKR', av.t);
            emitLock(st2, ctx, loc, 'LKW', av.t, [lkr]);
          } else emitLock(st2, ctx, loc, 'UL', av.t);
          k(st2, c0);
        }),
      );
    }
    case '__trylock':
    case '__islocked': {
      argCount(ctx, e, 1);
      return evalE(e.args[0], st, ctx, (st1, av) =>
        withLoc(av, st1, ctx, (st2, loc) => {
          const s1 = clone(st2);
          if (e.name === '__trylock') {
            const lkr = emitLock(s1, ctx, loc, 'LKR', av.t);
            emitLock(s1, ctx, loc, 'LKW', av.t, [lkr]);
            k(s1, { s: ONE, t: [] });
            const s2 = clone(st2);
            const i = emitLock(s2, ctx, loc, 'LF', av.t);
            k(s2, { s: ZERO, t: [i] });
          } else {
            const i1 = emitLock(s1, ctx, loc, 'RL', av.t);
            k(s1, { s: ONE, t: [i1] });
            const s2 = clone(st2);
            const i2 = emitLock(s2, ctx, loc, 'RU', av.t);
            k(s2, { s: ZERO, t: [i2] });
          }
        }),
      );
    }
    case '__srcu': {
      if (!tag) err(ctx, '__srcu needs an annotation');
      if (e.args.length < 1 || e.args.length > 2) err(ctx, `__srcu takes 1 or 2 arguments, given ${e.args.length}`);
      return evalList(e.args, st, ctx, (st1, [av, yv]) =>
        withLoc(av, st1, ctx, (st2, loc) => {
          // herd gives each srcu-lock a distinct value derived from its thread and position.
          const value: Sym | undefined =
            tag === 'srcu-lock' ? cst((ctx.thread + 1) * 307 + st2.instr * 599) : yv ? yv.s : undefined;
          // herd's SRCU events are not memory accesses: no address dependency reaches them.
          emit(st2, ctx, { kind: 'F', loc, tags: [tag], srcu: true, value }, [], union(av.t, yv ? yv.t : []));
          k(st2, { s: value && tag === 'srcu-lock' ? value : ZERO, t: [] });
        }),
      );
    }
  }
  return err(ctx, `unknown herd primitive '${e.name}'`);
}

/** The shared locations of a test: init entries, thread parameters, and addresses named anywhere. */
export function testLocations(test: LitmusTest): string[] {
  const s = new Set<string>();
  for (const i of test.init) {
    if (i.kind === 'loc') s.add(i.name);
    if (i.value && 'loc' in i.value) s.add(i.value.loc);
  }
  for (const th of test.threads) for (const p of th.params) s.add(p.name);
  const visit = (p: import('./litmus/ast.js').Prop | undefined): void => {
    if (!p) return;
    switch (p.k) {
      case 'atom':
        if (p.lhs.k === 'loc') s.add(p.lhs.name);
        if ('loc' in p.rhs) s.add(p.rhs.loc);
        break;
      case 'and':
      case 'or':
        p.ps.forEach(visit);
        break;
      case 'not':
        visit(p.p);
        break;
      case 'implies':
        visit(p.a);
        visit(p.b);
        break;
    }
  };
  visit(test.condition.prop);
  visit(test.filter);
  for (const l of test.locations) if (l.k === 'loc') s.add(l.name);
  return [...s].sort();
}
