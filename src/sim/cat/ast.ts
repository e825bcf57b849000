// Abstract syntax of herd's cat language (the subset the kernel's .bell/.cat files and their includes use).

/** A source position: file name (as given to the parser), 1-based line and column. */
export interface Loc {
  file: string;
  line: number;
  col: number;
}

export function fmtLoc(l: Loc): string {
  return `${l.file}:${l.line}:${l.col}`;
}

/** Binary operators, from loosest to tightest: | ++ ; \ & and the cartesian product *. */
export type BinOp = 'union' | 'add' | 'seq' | 'diff' | 'inter' | 'cart';
/** Unary operators: ~ (complement), postfix * + ? and ^-1. */
export type UnOp = 'comp' | 'star' | 'plus' | 'opt' | 'inv';

/** A function's formal parameters: one name (or `_` as null), or a tuple of them. */
export type Params = { kind: 'one'; name: string | null } | { kind: 'tuple'; names: (string | null)[] };

export type Expr =
  | { k: 'var'; name: string; loc: Loc }
  /** `0`: the empty set/relation. */
  | { k: 'empty'; loc: Loc }
  /** `_`: the universe (all events). */
  | { k: 'univ'; loc: Loc }
  | { k: 'tag'; name: string; loc: Loc }
  /** `{e1, e2, …}` (empty braces: the empty set). */
  | { k: 'set'; items: Expr[]; loc: Loc }
  /** `[e]`: the identity relation on set e. */
  | { k: 'toid'; e: Expr; loc: Loc }
  | { k: 'un'; op: UnOp; e: Expr; loc: Loc }
  | { k: 'bin'; op: BinOp; args: Expr[]; loc: Loc }
  | { k: 'tuple'; items: Expr[]; loc: Loc }
  | { k: 'app'; fn: Expr; arg: Expr; loc: Loc }
  | { k: 'fun'; params: Params; body: Expr; name: string; loc: Loc }
  /** `let [rec] b1 and b2 … in body` */
  | { k: 'let'; rec: boolean; binds: Binding[]; body: Expr; loc: Loc }
  | { k: 'try'; e: Expr; alt: Expr; loc: Loc };

/** One binding: a name (or `_`), or a tuple pattern destructuring a tuple value. */
export interface Binding {
  pat: { kind: 'one'; name: string | null } | { kind: 'tuple'; names: (string | null)[] };
  e: Expr;
  loc: Loc;
}

export type TestOp = 'acyclic' | 'irreflexive' | 'empty';
/** check: failing stops the execution; flag: recorded when the test holds. */
export type TestKind = 'check' | 'flag';

export type Instr =
  | { k: 'let'; rec: boolean; binds: Binding[]; loc: Loc }
  | { k: 'test'; kind: TestKind; op: TestOp; neg: boolean; e: Expr; name?: string; loc: Loc }
  | { k: 'include'; file: string; loc: Loc }
  | { k: 'enum'; name: string; tags: string[]; loc: Loc }
  /** bell `instructions X[…]`: only declares which tags an instruction class accepts. */
  | { k: 'instructions'; cls: string; args: Expr[]; loc: Loc }
  | { k: 'show'; loc: Loc }
  | { k: 'with'; name: string; e: Expr; loc: Loc };

/** A parsed .cat or .bell file. */
export interface CatFile {
  file: string;
  /** The title string (or name) the file starts with, if any. */
  title?: string;
  instrs: Instr[];
}
