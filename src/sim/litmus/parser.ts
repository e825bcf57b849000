// Parser for herd's C litmus format: header, init block, threads, locations, filter and final condition.
import {
  LitmusSyntaxError,
  type Condition,
  type DeclName,
  type Expr,
  type InitEntry,
  type InitValue,
  type LitmusTest,
  type Param,
  type Pos,
  type Prop,
  type Quantifier,
  type RLoc,
  type Stmt,
  type ThreadAst,
} from './ast.js';
import { Lexer, tokenize, type Token } from './lexer.js';

/** Words that start a declaration in a thread body. */
const TYPE_WORDS = new Set([
  'int', 'long', 'unsigned', 'signed', 'char', 'short', 'bool', '_Bool', 'const', 'volatile',
  'struct', 'atomic_t', 'atomic_long_t', 'spinlock_t', 'intptr_t', 'uintptr_t', 'size_t',
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'int8_t', 'int16_t', 'int32_t', 'int64_t',
  'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'void',
]);

const BIN_LEVELS: string[][] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

/** A cursor over a token list with the helpers every parser here needs. */
export class TokenStream {
  i = 0;
  readonly toks: Token[];
  /** With a lexer, tokens are read on demand (so the lexer's comment mode can change mid-file). */
  constructor(
    toks: Token[] | Lexer,
    readonly file: string,
  ) {
    if (toks instanceof Lexer) {
      this.lexer = toks;
      this.toks = [];
    } else this.toks = toks;
  }
  private lexer?: Lexer;
  private fill(upto: number): void {
    while (this.lexer && this.toks.length <= upto) {
      const t = this.lexer.next();
      this.toks.push(t);
      if (t.t === 'eof') this.lexer = undefined;
    }
  }
  /** Switches the lexer's comment mode; only valid when nothing beyond the current token was read. */
  setOcamlComments(on: boolean): void {
    if (this.lexer && this.toks.length <= this.i) this.lexer.ocamlComments = on;
    else if (this.lexer) {
      // Drop unread lookahead and re-lex it in the new mode.
      throw new Error('internal: lexer mode switch with lookahead');
    }
  }
  peek(k = 0): Token {
    this.fill(this.i + k);
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  next(): Token {
    this.fill(this.i);
    const t = this.toks[this.i];
    if (t.t !== 'eof') this.i++;
    return t;
  }
  is(v: string, k = 0): boolean {
    const t = this.peek(k);
    return (t.t === 'punct' || t.t === 'id') && t.v === v;
  }
  accept(v: string): boolean {
    if (this.is(v)) {
      this.next();
      return true;
    }
    return false;
  }
  fail(msg: string, t: Token = this.peek()): never {
    throw new LitmusSyntaxError(this.file, t.pos, msg);
  }
  describe(t: Token): string {
    return t.t === 'eof' ? 'end of file' : `'${t.v}'`;
  }
  expect(v: string, what?: string): Token {
    const t = this.peek();
    if (!this.is(v)) this.fail(`expected '${v}'${what ? ` ${what}` : ''}, found ${this.describe(t)}`);
    return this.next();
  }
  ident(what: string): Token {
    const t = this.peek();
    if (t.t !== 'id') this.fail(`expected ${what}, found ${this.describe(t)}`);
    return this.next();
  }
}

// ---------------------------------------------------------------- expressions

export function parseExpr(ts: TokenStream): Expr {
  return parseTernary(ts);
}

function parseTernary(ts: TokenStream): Expr {
  const c = parseBin(ts, 0);
  if (ts.is('?')) {
    const pos = ts.next().pos;
    const a = parseTernary(ts);
    ts.expect(':', 'in conditional expression');
    const b = parseTernary(ts);
    return { k: 'tern', c, a, b, pos };
  }
  return c;
}

function parseBin(ts: TokenStream, level: number): Expr {
  if (level >= BIN_LEVELS.length) return parseUnary(ts);
  let a = parseBin(ts, level + 1);
  for (;;) {
    const t = ts.peek();
    if (t.t === 'punct' && BIN_LEVELS[level].includes(t.v)) {
      ts.next();
      const b = parseBin(ts, level + 1);
      a = { k: 'bin', op: t.v, a, b, pos: t.pos };
    } else return a;
  }
}

function parseUnary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (t.t === 'punct') {
    if (t.v === '*') {
      ts.next();
      return { k: 'deref', e: parseUnary(ts), pos: t.pos };
    }
    if (t.v === '&') {
      ts.next();
      return { k: 'addr', e: parseUnary(ts), pos: t.pos };
    }
    if (t.v === '!' || t.v === '-' || t.v === '~' || t.v === '+') {
      ts.next();
      return { k: 'un', op: t.v, e: parseUnary(ts), pos: t.pos };
    }
    if (t.v === '(' && isCast(ts)) {
      // A cast such as (int *)e: herd's values are untyped, so the cast is dropped.
      ts.next();
      while (!ts.is(')')) ts.next();
      ts.next();
      return parseUnary(ts);
    }
  }
  return parsePrimary(ts);
}

function isCast(ts: TokenStream): boolean {
  const t = ts.peek(1);
  if (t.t !== 'id' || !TYPE_WORDS.has(t.v)) return false;
  let k = 2;
  while (ts.peek(k).t === 'id' || ts.is('*', k)) k++;
  return ts.is(')', k);
}

function parseArgs(ts: TokenStream): Expr[] {
  ts.expect('(');
  const args: Expr[] = [];
  if (ts.accept(')')) return args;
  for (;;) {
    const t = ts.peek();
    const after = ts.peek(1);
    if (
      t.t === 'punct' &&
      ['+', '-', '&', '|', '^', '*'].includes(t.v) &&
      after.t === 'punct' &&
      (after.v === ',' || after.v === ')')
    ) {
      ts.next();
      args.push({ k: 'opArg', op: t.v, pos: t.pos });
    } else args.push(parseExpr(ts));
    if (ts.accept(')')) return args;
    ts.expect(',', 'between arguments');
  }
}

/** Reads a herd annotation such as {once} or {after-unlock-lock}. */
function parseTag(ts: TokenStream): string {
  ts.expect('{');
  let tag = '';
  while (!ts.is('}')) {
    const t = ts.next();
    if (t.t === 'eof') ts.fail('unterminated annotation', t);
    tag += t.v;
  }
  ts.next();
  return tag;
}

function parsePrimary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (t.t === 'num') {
    ts.next();
    return { k: 'num', v: Number(t.v), pos: t.pos };
  }
  if (t.t === 'id') {
    ts.next();
    if (t.v.startsWith('__') && (ts.is('{') || ts.is('('))) {
      const tag = ts.is('{') ? parseTag(ts) : undefined;
      const args = ts.is('(') ? parseArgs(ts) : [];
      return { k: 'prim', name: t.v, tag, args, pos: t.pos };
    }
    if (ts.is('(')) return { k: 'call', name: t.v, args: parseArgs(ts), pos: t.pos };
    return { k: 'id', name: t.v, pos: t.pos };
  }
  if (t.t === 'punct' && t.v === '(') {
    ts.next();
    const e = parseExpr(ts);
    ts.expect(')');
    return e;
  }
  return ts.fail(`expected an expression, found ${ts.describe(t)}`);
}

// ---------------------------------------------------------------- statements

function isDeclStart(ts: TokenStream): boolean {
  const t = ts.peek();
  if (t.t !== 'id' || !TYPE_WORDS.has(t.v)) return false;
  // `int` alone followed by an identifier, `*` or another type word.
  return true;
}

function parseType(ts: TokenStream): string {
  const words: string[] = [];
  while (ts.peek().t === 'id' && (TYPE_WORDS.has(ts.peek().v) || words[words.length - 1] === 'struct')) {
    words.push(ts.next().v);
  }
  return words.join(' ');
}

function parseDecl(ts: TokenStream): Stmt {
  const pos = ts.peek().pos;
  const type = parseType(ts);
  const names: DeclName[] = [];
  for (;;) {
    let pointer = false;
    while (ts.accept('*')) pointer = true;
    const name = ts.ident('a variable name').v;
    let init: Expr | undefined;
    if (ts.accept('=')) init = parseExpr(ts);
    names.push({ name, pointer, init });
    if (ts.accept(';')) break;
    ts.expect(',', 'or \';\' in declaration');
  }
  return { k: 'decl', type, names, pos };
}

const COMPOUND: Record<string, string> = { '+=': '+', '-=': '-', '|=': '|', '&=': '&', '^=': '^' };

/** An assignment or expression without the trailing ';' (also used in for headers). */
function parseSimple(ts: TokenStream): Stmt {
  const pos = ts.peek().pos;
  const e = parseExpr(ts);
  if (ts.accept('=')) {
    checkTarget(ts, e);
    return { k: 'assign', target: e, value: parseExpr(ts), pos };
  }
  const t = ts.peek();
  if (t.t === 'punct' && COMPOUND[t.v]) {
    ts.next();
    checkTarget(ts, e);
    return { k: 'assign', target: e, value: { k: 'bin', op: COMPOUND[t.v], a: e, b: parseExpr(ts), pos: t.pos }, pos };
  }
  if (t.t === 'punct' && (t.v === '++' || t.v === '--')) {
    ts.next();
    checkTarget(ts, e);
    const one: Expr = { k: 'num', v: 1, pos: t.pos };
    return { k: 'assign', target: e, value: { k: 'bin', op: t.v[0], a: e, b: one, pos: t.pos }, pos };
  }
  return { k: 'expr', e, pos };
}

function checkTarget(ts: TokenStream, e: Expr): void {
  if (e.k !== 'id' && e.k !== 'deref') {
    throw new LitmusSyntaxError(ts.file, e.pos, 'the left-hand side of an assignment must be a register or *pointer');
  }
}

export function parseStmt(ts: TokenStream): Stmt {
  const t = ts.peek();
  const pos = t.pos;
  if (t.t === 'punct' && t.v === '{') return parseBlock(ts);
  if (t.t === 'punct' && t.v === ';') {
    ts.next();
    return { k: 'empty', pos };
  }
  if (t.t === 'id') {
    if (t.v === 'if') {
      ts.next();
      ts.expect('(', "after 'if'");
      const c = parseExpr(ts);
      ts.expect(')', 'after the if condition');
      const then = parseStmt(ts);
      const els = ts.accept('else') ? parseStmt(ts) : undefined;
      return { k: 'if', c, then, else: els, pos };
    }
    if (t.v === 'while') {
      ts.next();
      ts.expect('(', "after 'while'");
      const c = parseExpr(ts);
      ts.expect(')', 'after the while condition');
      return { k: 'while', c, body: parseStmt(ts), pos };
    }
    if (t.v === 'for') {
      ts.next();
      ts.expect('(', "after 'for'");
      let init: Stmt | undefined;
      if (ts.accept(';')) init = undefined;
      else if (isDeclStart(ts)) init = parseDecl(ts);
      else {
        init = parseSimple(ts);
        ts.expect(';', 'after the for initialiser');
      }
      const c = ts.is(';') ? undefined : parseExpr(ts);
      ts.expect(';', 'after the for condition');
      const step = ts.is(')') ? undefined : parseSimple(ts);
      ts.expect(')', 'to close the for header');
      return { k: 'for', init, c, step, body: parseStmt(ts), pos };
    }
    if (t.v === 'return' || t.v === 'goto' || t.v === 'switch' || t.v === 'do') {
      ts.fail(`'${t.v}' is not supported in litmus threads`);
    }
    if (isDeclStart(ts)) return parseDecl(ts);
  }
  const s = parseSimple(ts);
  ts.expect(';', 'after statement');
  return s;
}

function parseBlock(ts: TokenStream): Stmt {
  const pos = ts.expect('{').pos;
  const body: Stmt[] = [];
  while (!ts.is('}')) {
    if (ts.peek().t === 'eof') ts.fail("missing '}'");
    body.push(parseStmt(ts));
  }
  ts.next();
  return { k: 'block', body, pos };
}

// ---------------------------------------------------------------- test file

function parseInitValue(ts: TokenStream): InitValue {
  const t = ts.peek();
  if (ts.accept('&')) return { loc: ts.ident('a location name').v };
  if (ts.accept('-')) {
    const n = ts.next();
    if (n.t !== 'num') ts.fail('expected a number after -', n);
    return { num: -Number(n.v) };
  }
  if (t.t === 'num') {
    ts.next();
    return { num: Number(t.v) };
  }
  if (t.t === 'id') {
    ts.next();
    // ATOMIC_INIT(n) and similar wrappers around a constant.
    if (ts.accept('(')) {
      const v = parseInitValue(ts);
      ts.expect(')', `to close ${t.v}(`);
      return v;
    }
    return { loc: t.v };
  }
  return ts.fail(`expected an initial value, found ${ts.describe(t)}`);
}

function parseInit(ts: TokenStream): InitEntry[] {
  ts.expect('{', 'to open the initial state');
  const out: InitEntry[] = [];
  while (!ts.accept('}')) {
    if (ts.accept(';')) continue;
    const pos = ts.peek().pos;
    // Collect the left-hand side up to '=' or ';'.
    const words: Token[] = [];
    while (!ts.is('=') && !ts.is(';') && !ts.is('}')) {
      const t = ts.next();
      if (t.t === 'eof') ts.fail("missing '}' at the end of the initial state", t);
      words.push(t);
    }
    let thread: number | undefined;
    let name: string | undefined;
    let typeWords: Token[] = words;
    const colon = words.findIndex((w) => w.v === ':');
    if (colon > 0 && words[colon - 1].t === 'num' && words[colon + 1]?.t === 'id') {
      thread = Number(words[colon - 1].v);
      name = words[colon + 1].v;
      typeWords = words.slice(0, colon - 1);
    } else {
      const last = words[words.length - 1];
      if (!last || last.t !== 'id') ts.fail('expected a location name in the initial state', last ?? ts.peek());
      name = last.v;
      typeWords = words.slice(0, -1);
    }
    const type = typeWords.map((w) => w.v).join(' ').replace(/ \*/g, '*') || undefined;
    let value: InitValue | undefined;
    if (ts.accept('=')) value = parseInitValue(ts);
    if (!ts.is('}')) ts.expect(';', 'after an initial-state entry');
    if (thread !== undefined) {
      out.push({ kind: 'reg', thread, name, type, value: value ?? { num: 0 }, pos });
    } else out.push({ kind: 'loc', name, type, value, pos });
  }
  return out;
}

function parseThread(ts: TokenStream): ThreadAst {
  const t = ts.next();
  ts.setOcamlComments(false);
  const pos = t.pos;
  const id = Number(t.v.slice(1));
  ts.expect('(', `after ${t.v}`);
  const params: Param[] = [];
  if (!ts.accept(')')) {
    for (;;) {
      const words: string[] = [];
      let stars = 0;
      while (!ts.is(',') && !ts.is(')')) {
        const w = ts.next();
        if (w.t === 'eof') ts.fail('unterminated parameter list', w);
        if (w.v === '*') stars++;
        else words.push(w.v);
      }
      if (!(words.length === 1 && words[0] === 'void')) {
        const name = words.pop();
        if (!name) ts.fail('expected a parameter name');
        params.push({ type: words.join(' ') + '*'.repeat(stars), name });
      }
      if (ts.accept(')')) break;
      ts.expect(',');
    }
  }
  const block = parseBlock(ts);
  ts.setOcamlComments(true);
  return { id, params, body: block.k === 'block' ? block.body : [block], pos };
}

function parseRLoc(ts: TokenStream): RLoc {
  const t = ts.peek();
  if (t.t === 'num' && ts.is(':', 1)) {
    ts.next();
    ts.next();
    return { k: 'reg', thread: Number(t.v), name: ts.ident('a register name').v };
  }
  if (ts.accept('[')) {
    const name = ts.ident('a location name').v;
    ts.expect(']');
    return { k: 'loc', name };
  }
  if (ts.accept('*')) return { k: 'loc', name: ts.ident('a location name').v };
  return { k: 'loc', name: ts.ident('a register or location').v };
}

export function parseProp(ts: TokenStream): Prop {
  const a = parseOr(ts);
  if (ts.accept('=>')) return { k: 'implies', a, b: parseProp(ts) };
  return a;
}

function parseOr(ts: TokenStream): Prop {
  const ps = [parseAnd(ts)];
  while (ts.accept('\\/')) ps.push(parseAnd(ts));
  return ps.length === 1 ? ps[0] : { k: 'or', ps };
}

function parseAnd(ts: TokenStream): Prop {
  const ps = [parsePropUnary(ts)];
  while (ts.accept('/\\')) ps.push(parsePropUnary(ts));
  return ps.length === 1 ? ps[0] : { k: 'and', ps };
}

function parsePropUnary(ts: TokenStream): Prop {
  if (ts.accept('~') || ts.accept('not')) return { k: 'not', p: parsePropUnary(ts) };
  if (ts.accept('true')) return { k: 'true' };
  if (ts.accept('false')) return { k: 'false' };
  if (ts.accept('(')) {
    const p = parseProp(ts);
    ts.expect(')', 'to close the condition');
    return p;
  }
  const lhs = parseRLoc(ts);
  if (!ts.accept('=') && !ts.accept('==')) ts.fail(`expected '=' after ${lhs.k === 'reg' ? `${lhs.thread}:${lhs.name}` : lhs.name}`);
  return { k: 'atom', lhs, rhs: parseInitValue(ts) };
}

export function parseLitmus(text: string, file: string): LitmusTest {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const m = first >= 0 ? /^\s*(\S+)\s+(\S+)/.exec(lines[first]) : null;
  if (!m) throw new LitmusSyntaxError(file, { line: 1, col: 1 }, "expected a header line 'C <name>'");
  if (m[1] !== 'C') {
    throw new LitmusSyntaxError(file, { line: first + 1, col: 1 }, `only C litmus tests are supported (architecture '${m[1]}')`);
  }
  const name = m[2];
  let offset = 0;
  for (let k = 0; k <= first; k++) offset += lines[k].length + 1;
  const ts = new TokenStream(new Lexer(text, file, Math.min(offset, text.length)), file);
  let doc: string | undefined;
  if (ts.peek().t === 'str') doc = ts.next().v;
  const init = parseInit(ts);
  const threads: ThreadAst[] = [];
  while (ts.peek().t === 'id' && /^P\d+$/.test(ts.peek().v)) {
    const th = parseThread(ts);
    if (th.id !== threads.length) {
      throw new LitmusSyntaxError(file, th.pos, `expected P${threads.length}, found P${th.id}`);
    }
    threads.push(th);
  }
  if (threads.length === 0) ts.fail('expected a thread P0(...) { ... }');
  const locations: RLoc[] = [];
  let filter: Prop | undefined;
  let condition: Condition | undefined;
  while (ts.peek().t !== 'eof') {
    if (ts.accept('locations')) {
      ts.expect('[');
      while (!ts.accept(']')) {
        if (ts.accept(';')) continue;
        locations.push(parseRLoc(ts));
      }
      continue;
    }
    if (ts.accept('filter')) {
      filter = parseProp(ts);
      continue;
    }
    if (condition) ts.fail(`unexpected ${ts.describe(ts.peek())} after the final condition`);
    let quant: Quantifier;
    if (ts.is('~') && ts.is('exists', 1)) {
      ts.next();
      ts.next();
      quant = '~exists';
    } else if (ts.accept('exists')) quant = 'exists';
    else if (ts.accept('forall')) quant = 'forall';
    else return ts.fail(`expected 'exists', '~exists', 'forall', 'filter' or 'locations', found ${ts.describe(ts.peek())}`);
    condition = { quant, prop: parseProp(ts) };
    ts.accept(';');
  }
  if (!condition) return ts.fail("missing final condition ('exists', '~exists' or 'forall')");
  return { name, file, doc, init, threads, locations, filter, condition, lines };
}
