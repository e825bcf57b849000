// Syntax tree of herd's C litmus language (and of the bodies of linux-kernel.def macros).

export interface Pos {
  line: number;
  col: number;
}

/** An expression in a thread body or a .def macro body. */
export type Expr =
  | { k: 'num'; v: number; pos: Pos }
  | { k: 'id'; name: string; pos: Pos }
  | { k: 'deref'; e: Expr; pos: Pos }
  | { k: 'addr'; e: Expr; pos: Pos }
  | { k: 'bin'; op: string; a: Expr; b: Expr; pos: Pos }
  | { k: 'un'; op: '!' | '-' | '~' | '+'; e: Expr; pos: Pos }
  | { k: 'tern'; c: Expr; a: Expr; b: Expr; pos: Pos }
  /** A call of a kernel primitive or .def macro, e.g. READ_ONCE(*x). */
  | { k: 'call'; name: string; args: Expr[]; pos: Pos }
  /** A herd primitive with its annotation, e.g. __load{once}(*x), __fence{mb}. */
  | { k: 'prim'; name: string; tag?: string; args: Expr[]; pos: Pos }
  /** An operator passed as an argument (the `+` of __atomic_op(X,+,V)). */
  | { k: 'opArg'; op: string; pos: Pos };

export interface DeclName {
  name: string;
  pointer: boolean;
  init?: Expr;
}

export type Stmt =
  | { k: 'decl'; type: string; names: DeclName[]; pos: Pos }
  | { k: 'assign'; target: Expr; value: Expr; pos: Pos }
  | { k: 'expr'; e: Expr; pos: Pos }
  | { k: 'if'; c: Expr; then: Stmt; else?: Stmt; pos: Pos }
  | { k: 'while'; c: Expr; body: Stmt; pos: Pos }
  | { k: 'for'; init?: Stmt; c?: Expr; step?: Stmt; body: Stmt; pos: Pos }
  | { k: 'block'; body: Stmt[]; pos: Pos }
  | { k: 'empty'; pos: Pos };

export interface Param {
  type: string;
  name: string;
}

export interface ThreadAst {
  id: number;
  params: Param[];
  body: Stmt[];
  pos: Pos;
}

/** An initial value: an integer or the address of a location. */
export type InitValue = { num: number } | { loc: string };

export type InitEntry =
  | { kind: 'loc'; name: string; type?: string; value?: InitValue; pos: Pos }
  | { kind: 'reg'; thread: number; name: string; type?: string; value: InitValue; pos: Pos };

/** A location as named in a condition: `0:r0`, `x`, `*x`/`[x]`. */
export type RLoc = { k: 'reg'; thread: number; name: string } | { k: 'loc'; name: string };

export type Prop =
  | { k: 'atom'; lhs: RLoc; rhs: InitValue }
  | { k: 'and'; ps: Prop[] }
  | { k: 'or'; ps: Prop[] }
  | { k: 'not'; p: Prop }
  | { k: 'implies'; a: Prop; b: Prop }
  | { k: 'true' }
  | { k: 'false' };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface Condition {
  quant: Quantifier;
  prop: Prop;
}

export interface LitmusTest {
  name: string;
  file: string;
  doc?: string;
  init: InitEntry[];
  threads: ThreadAst[];
  locations: RLoc[];
  filter?: Prop;
  condition: Condition;
  /** Source lines (for witnesses and error messages). */
  lines: string[];
}

export class LitmusSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly pos: Pos,
    readonly detail: string,
  ) {
    super(`${file}:${pos.line}:${pos.col}: ${detail}`);
  }
}
