// The lowered program: litmus-C statements (herd's C dialect, LKMM primitives), each tied to its C source line.

export interface SrcPos {
  file: string;
  line: number;
}

/** Register expressions: what a litmus thread may compute from registers and constants. */
export type LExpr =
  | { k: 'const'; v: number }
  | { k: 'reg'; name: string }
  | { k: 'un'; op: '!' | '-' | '~'; e: LExpr }
  | { k: 'bin'; op: string; l: LExpr; r: LExpr };

interface StmtBase {
  /** The C line this statement comes from (or the call site, for statements a CallModel emits). */
  src?: SrcPos;
  /** Why the statement is there, printed as a trailing comment ("data_race()", "kfree ghost write"). */
  note?: string;
  /** An access the C marks as intentionally racy (data_race()): findings ignore data-race flags on it. */
  racy?: boolean;
}

/**
 * `prim` is a linux-kernel.def primitive name, or 'plain' for a C access without a marking
 * (`r = *x;`, `*x = v;`). `loc` is a shared location name (a litmus variable).
 */
export type LStmt = StmtBase &
  (
    | { k: 'load'; reg: string; prim: string; loc: string }
    | { k: 'store'; prim: string; loc: string; value: LExpr }
    | { k: 'fence'; prim: string }
    | { k: 'lock'; prim: 'spin_lock' | 'spin_unlock'; loc: string }
    /** Read-modify-write and atomics: args in the primitive's own order, the location given by `locArg`. */
    | { k: 'rmw'; reg?: string; prim: string; loc: string; args: LExpr[]; locArg: number }
    | { k: 'assign'; reg: string; value: LExpr }
    | { k: 'if'; cond: LExpr; then: LStmt[]; else: LStmt[] }
  );

export type LocationKind = 'int' | 'spinlock';

export const C = (v: number): LExpr => ({ k: 'const', v });
export const R = (name: string): LExpr => ({ k: 'reg', name });

/** Builders for CallModels and scenarios, so they need not spell the object shapes. */
export const L = {
  readOnce: (reg: string, loc: string, src?: SrcPos): LStmt => ({ k: 'load', reg, prim: 'READ_ONCE', loc, src }),
  writeOnce: (loc: string, value: LExpr | number, src?: SrcPos): LStmt => ({
    k: 'store',
    prim: 'WRITE_ONCE',
    loc,
    value: typeof value === 'number' ? C(value) : value,
    src,
  }),
  loadAcquire: (reg: string, loc: string, src?: SrcPos): LStmt => ({ k: 'load', reg, prim: 'smp_load_acquire', loc, src }),
  storeRelease: (loc: string, value: LExpr | number, src?: SrcPos): LStmt => ({
    k: 'store',
    prim: 'smp_store_release',
    loc,
    value: typeof value === 'number' ? C(value) : value,
    src,
  }),
  plainRead: (reg: string, loc: string, src?: SrcPos): LStmt => ({ k: 'load', reg, prim: 'plain', loc, src }),
  plainWrite: (loc: string, value: LExpr | number, src?: SrcPos): LStmt => ({
    k: 'store',
    prim: 'plain',
    loc,
    value: typeof value === 'number' ? C(value) : value,
    src,
  }),
  fence: (prim: string, src?: SrcPos): LStmt => ({ k: 'fence', prim, src }),
  lock: (loc: string, src?: SrcPos): LStmt => ({ k: 'lock', prim: 'spin_lock', loc, src }),
  unlock: (loc: string, src?: SrcPos): LStmt => ({ k: 'lock', prim: 'spin_unlock', loc, src }),
  assign: (reg: string, value: LExpr, src?: SrcPos): LStmt => ({ k: 'assign', reg, value, src }),
  if: (cond: LExpr, then: LStmt[], els: LStmt[] = [], src?: SrcPos): LStmt => ({ k: 'if', cond, then, else: els, src }),
};

/** Visits every statement, nested ones included. */
export function walkStmts(stmts: LStmt[], f: (s: LStmt) => void): void {
  for (const s of stmts) {
    f(s);
    if (s.k === 'if') {
      walkStmts(s.then, f);
      walkStmts(s.else, f);
    }
  }
}

export function exprRegs(e: LExpr, out: Set<string>): void {
  if (e.k === 'reg') out.add(e.name);
  else if (e.k === 'un') exprRegs(e.e, out);
  else if (e.k === 'bin') {
    exprRegs(e.l, out);
    exprRegs(e.r, out);
  }
}

/** Registers a statement list defines or uses, in first-seen order. */
export function stmtRegisters(stmts: LStmt[]): string[] {
  const out = new Set<string>();
  walkStmts(stmts, (s) => {
    if ((s.k === 'load' || s.k === 'assign') && s.reg) out.add(s.reg);
    if (s.k === 'rmw' && s.reg) out.add(s.reg);
    if (s.k === 'store' || s.k === 'assign') exprRegs(s.value, out);
    if (s.k === 'rmw') s.args.forEach((a) => exprRegs(a, out));
    if (s.k === 'if') exprRegs(s.cond, out);
  });
  return [...out];
}

/** Shared locations a statement list touches, with their kinds. */
export function stmtLocations(stmts: LStmt[]): Map<string, LocationKind> {
  const out = new Map<string, LocationKind>();
  walkStmts(stmts, (s) => {
    if (s.k === 'lock') out.set(s.loc, 'spinlock');
    else if (s.k === 'load' || s.k === 'store' || s.k === 'rmw') {
      if (!out.has(s.loc)) out.set(s.loc, 'int');
    }
  });
  return out;
}

export function exprEquals(a: LExpr, b: LExpr): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'const':
      return a.v === (b as typeof a).v;
    case 'reg':
      return a.name === (b as typeof a).name;
    case 'un':
      return a.op === (b as typeof a).op && exprEquals(a.e, (b as typeof a).e);
    case 'bin':
      return a.op === (b as typeof a).op && exprEquals(a.l, (b as typeof a).l) && exprEquals(a.r, (b as typeof a).r);
  }
}
