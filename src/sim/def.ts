// Reads the model's .def macro file (linux-kernel.def) and expands calls of its macros into herd primitives.
import { LitmusSyntaxError, type Expr, type Stmt } from './litmus/ast.js';
import { tokenize } from './litmus/lexer.js';
import { parseExpr, parseStmt, TokenStream } from './litmus/parser.js';

export type Macro =
  | { kind: 'stmt'; name: string; params: string[]; body: Stmt[]; line: number }
  | { kind: 'expr'; name: string; params: string[]; body: Expr; line: number };

export interface MacroTable {
  file: string;
  macros: Map<string, Macro>;
}

export class DefError extends Error {}

/** Parses a .def file: one `NAME(PARAMS) BODY` per line, BODY being `{ statements }` or an expression. */
export function parseDef(text: string, file = 'linux-kernel.def'): MacroTable {
  const macros = new Map<string, Macro>();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const src = lines[n];
    if (/^\s*(\/\/.*)?$/.test(src)) continue;
    try {
      const ts = new TokenStream(shiftLines(tokenize(src, file), n), file);
      const name = ts.ident('a macro name').v;
      ts.expect('(', `after macro name ${name}`);
      const params: string[] = [];
      if (!ts.accept(')')) {
        for (;;) {
          params.push(ts.ident('a macro parameter').v);
          if (ts.accept(')')) break;
          ts.expect(',');
        }
      }
      let macro: Macro;
      if (ts.is('{')) {
        ts.next();
        const body: Stmt[] = [];
        while (!ts.accept('}')) {
          if (ts.peek().t === 'eof') ts.fail(`missing '}' in macro ${name}`);
          body.push(parseStmt(ts));
        }
        macro = { kind: 'stmt', name, params, body, line: n + 1 };
      } else {
        macro = { kind: 'expr', name, params, body: parseExpr(ts), line: n + 1 };
      }
      if (ts.peek().t !== 'eof') ts.fail(`unexpected ${ts.describe(ts.peek())} after macro ${name}`);
      macros.set(name, macro);
    } catch (e) {
      if (e instanceof LitmusSyntaxError) throw new DefError(e.message);
      throw e;
    }
  }
  return { file, macros };
}

function shiftLines<T extends { pos: { line: number; col: number } }>(toks: T[], by: number): T[] {
  for (const t of toks) t.pos = { line: t.pos.line + by, col: t.pos.col };
  return toks;
}

/** Replaces a macro's parameters by the call's arguments (syntactic, as herd's macro expansion is). */
export function substExpr(e: Expr, env: Map<string, Expr>): Expr {
  switch (e.k) {
    case 'id':
      return env.get(e.name) ?? e;
    case 'num':
    case 'opArg':
      return e;
    case 'deref':
    case 'addr':
      return { ...e, e: substExpr(e.e, env) };
    case 'un':
      return { ...e, e: substExpr(e.e, env) };
    case 'bin':
      return { ...e, a: substExpr(e.a, env), b: substExpr(e.b, env) };
    case 'tern':
      return { ...e, c: substExpr(e.c, env), a: substExpr(e.a, env), b: substExpr(e.b, env) };
    case 'call':
    case 'prim':
      return { ...e, args: e.args.map((a) => substExpr(a, env)) };
  }
}

export function substStmt(s: Stmt, env: Map<string, Expr>): Stmt {
  switch (s.k) {
    case 'expr':
      return { ...s, e: substExpr(s.e, env) };
    case 'assign':
      return { ...s, target: substExpr(s.target, env), value: substExpr(s.value, env) };
    case 'decl':
      return { ...s, names: s.names.map((d) => ({ ...d, init: d.init && substExpr(d.init, env) })) };
    case 'if':
      return { ...s, c: substExpr(s.c, env), then: substStmt(s.then, env), else: s.else && substStmt(s.else, env) };
    case 'while':
      return { ...s, c: substExpr(s.c, env), body: substStmt(s.body, env) };
    case 'for':
      return {
        ...s,
        init: s.init && substStmt(s.init, env),
        c: s.c && substExpr(s.c, env),
        step: s.step && substStmt(s.step, env),
        body: substStmt(s.body, env),
      };
    case 'block':
      return { ...s, body: s.body.map((b) => substStmt(b, env)) };
    case 'empty':
      return s;
  }
}

/** Binds a call's arguments to a macro's parameters, or says why it cannot. */
export function bindArgs(m: Macro, args: Expr[]): Map<string, Expr> | string {
  if (args.length !== m.params.length) {
    return `${m.name} takes ${m.params.length} argument${m.params.length === 1 ? '' : 's'}, given ${args.length}`;
  }
  return new Map(m.params.map((p, i) => [p, args[i]]));
}

/** Expands an expression-macro call (one level; the result may contain further macro calls). */
export function expandExprCall(table: MacroTable, name: string, args: Expr[]): Expr | string | undefined {
  const m = table.macros.get(name);
  if (!m) return undefined;
  if (m.kind !== 'expr') return `${name} is a statement macro and returns no value`;
  const env = bindArgs(m, args);
  if (typeof env === 'string') return env;
  return substExpr(m.body, env);
}

/** Expands a statement-macro call into its statements (one level). */
export function expandStmtCall(table: MacroTable, name: string, args: Expr[]): Stmt[] | string | undefined {
  const m = table.macros.get(name);
  if (!m) return undefined;
  if (m.kind !== 'stmt') return undefined;
  const env = bindArgs(m, args);
  if (typeof env === 'string') return env;
  return m.body.map((s) => substStmt(s, env));
}
