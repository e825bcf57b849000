// Recursive-descent parser for cat files, following herd's grammar and operator precedences.
import type { BinOp, Binding, CatFile, Expr, Instr, Loc, Params } from './ast.js';
import { CatSyntaxError, tokenize, type Token } from './lexer.js';

export { CatSyntaxError } from './lexer.js';

/**
 * Constructs of herd's cat language this implementation does not evaluate; the parser rejects them
 * with an error naming the construct (the kernel's model files never use them).
 */
const UNSUPPORTED_KW: Record<string, string> = {
  procedure: 'procedure',
  call: 'call',
  forall: 'forall',
  match: 'match',
  if: 'if',
  debug: 'debug',
  assert: 'assert',
  undefined_unless: 'undefined_unless',
  catdep: 'catdep',
  default: 'default',
  when: 'let rec … when',
};

/** Binary operator precedence (higher binds tighter) and associativity, per herd's grammar. */
const BIN: Record<string, { op: BinOp; prec: number; right: boolean }> = {
  '|': { op: 'union', prec: 1, right: true },
  '++': { op: 'add', prec: 2, right: true },
  ';': { op: 'seq', prec: 3, right: true },
  '\\': { op: 'diff', prec: 4, right: false },
  '&': { op: 'inter', prec: 5, right: true },
};

export function parseCat(src: string, file: string): CatFile {
  return new Parser(tokenize(src, file)).file(file);
}

class Parser {
  private p = 0;
  constructor(private readonly toks: Token[]) {}

  private get t(): Token {
    return this.toks[this.p];
  }
  private peek(k = 1): Token {
    return this.toks[Math.min(this.p + k, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.p];
    if (this.p < this.toks.length - 1) this.p++;
    return t;
  }
  private isOp(text: string, t: Token = this.t): boolean {
    return t.kind === 'op' && t.text === text;
  }
  private isKw(text: string, t: Token = this.t): boolean {
    return t.kind === 'kw' && t.text === text;
  }
  private fail(msg: string, t: Token = this.t): never {
    throw new CatSyntaxError(t.loc, msg);
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    if (t.kind === 'string') return `"${t.text}"`;
    if (t.kind === 'tag') return `'${t.text}`;
    return `'${t.text}'`;
  }
  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(`expected '${text}', found ${this.describe(this.t)}`);
    return this.next();
  }
  private expectKw(text: string): Token {
    if (!this.isKw(text)) this.fail(`expected '${text}', found ${this.describe(this.t)}`);
    return this.next();
  }
  private name(): Token {
    if (this.t.kind !== 'name') this.fail(`expected a name, found ${this.describe(this.t)}`);
    return this.next();
  }
  private unsupported(t: Token): never {
    this.fail(`unsupported cat construct '${UNSUPPORTED_KW[t.text] ?? t.text}'`, t);
  }

  file(file: string): CatFile {
    let title: string | undefined;
    // identity: VAR VAR | VAR STRING | VAR | STRING | nothing
    if (this.t.kind === 'string') title = this.next().text;
    else if (this.t.kind === 'name' && (this.peek().kind === 'string' || this.peek().kind === 'name')) {
      this.next();
      title = this.next().text;
    } else if (this.t.kind === 'name' && this.peek().kind === 'kw') {
      // a lone name as title (herd's libraries do this), followed by the first instruction
      title = this.next().text;
    }
    if (this.isKw('catdep')) this.unsupported(this.t);
    const instrs: Instr[] = [];
    while (this.t.kind !== 'eof') instrs.push(this.instr());
    return { file, title, instrs };
  }

  private instr(): Instr {
    const t = this.t;
    const loc = t.loc;
    if (t.kind !== 'kw') this.fail(`expected an instruction (let, include, acyclic, …), found ${this.describe(t)}`);
    switch (t.text) {
      case 'let': {
        this.next();
        const rec = this.isKw('rec');
        if (rec) this.next();
        const binds = this.bindings();
        if (this.isKw('when')) this.unsupported(this.t);
        if (this.isKw('in')) this.next(); // herd tolerates a stray 'in' after a top-level let
        return { k: 'let', rec, binds, loc };
      }
      case 'include': {
        this.next();
        if (this.t.kind !== 'string') this.fail(`expected a file name string after include`);
        return { k: 'include', file: this.next().text, loc };
      }
      case 'flag':
      case 'acyclic':
      case 'irreflexive':
      case 'empty':
      case 'not':
        return this.test();
      case 'show':
      case 'unshow': {
        this.next();
        // show x,y,z | show <exp> as name | unshow x,y
        this.base();
        while (this.isOp(',')) {
          this.next();
          this.name();
        }
        if (this.isKw('as')) {
          this.next();
          this.name();
        }
        return { k: 'show', loc };
      }
      case 'enum': {
        this.next();
        const name = this.name().text;
        this.expectOp('=');
        if (this.isOp('||')) this.next();
        const tags: string[] = [];
        for (;;) {
          if (this.t.kind !== 'tag') this.fail(`expected a 'tag in enum ${name}`);
          tags.push(this.next().text);
          if (!this.isOp('||')) break;
          this.next();
        }
        return { k: 'enum', name, tags, loc };
      }
      case 'instructions': {
        this.next();
        const cls = this.name().text;
        this.expectOp('[');
        const args = this.listUntil(']', () => this.base());
        this.expectOp(']');
        return { k: 'instructions', cls, args, loc };
      }
      case 'with': {
        this.next();
        const name = this.name().text;
        this.expectKw('from');
        const e = this.exp();
        return { k: 'with', name, e, loc };
      }
      default:
        if (t.text in UNSUPPORTED_KW) this.unsupported(t);
        this.fail(`unexpected ${this.describe(t)}`);
    }
  }

  private test(): Instr {
    const loc = this.t.loc;
    let kind: 'check' | 'flag' = 'check';
    if (this.isKw('flag')) {
      this.next();
      kind = 'flag';
    }
    let neg = false;
    if (this.isOp('~')) {
      this.next();
      neg = true;
    }
    const t = this.next();
    if (!(t.kind === 'kw' && (t.text === 'acyclic' || t.text === 'irreflexive' || t.text === 'empty')))
      this.fail(`expected acyclic, irreflexive or empty, found ${this.describe(t)}`, t);
    const e = this.exp();
    let name: string | undefined;
    if (this.isKw('as')) {
      this.next();
      name = this.name().text;
    }
    return { k: 'test', kind, op: t.text as 'acyclic' | 'irreflexive' | 'empty', neg, e, name, loc };
  }

  private bindings(): Binding[] {
    const out = [this.binding()];
    while (this.isKw('and')) {
      this.next();
      out.push(this.binding());
    }
    return out;
  }

  private pat0(): string | null {
    if (this.isOp('_')) {
      this.next();
      return null;
    }
    return this.name().text;
  }

  /** Parses `, item` repeatedly after the items already read. */
  private commaRest<T>(items: T[], item: () => T): T[] {
    while (this.isOp(',')) {
      this.next();
      items.push(item());
    }
    return items;
  }

  /** `item, item, …` up to (not consuming) `close`; empty when `close` comes first. */
  private listUntil<T>(close: string, item: () => T): T[] {
    return this.isOp(close) ? [] : this.commaRest([item()], item);
  }

  private formals(): (string | null)[] {
    return this.listUntil(')', () => this.pat0());
  }

  private binding(): Binding {
    const loc = this.t.loc;
    // ( formals ) = exp   — tuple destructuring
    if (this.isOp('(')) {
      this.next();
      const names = this.formals();
      this.expectOp(')');
      this.expectOp('=');
      return { pat: names.length === 1 ? { kind: 'one', name: names[0] } : { kind: 'tuple', names }, e: this.exp(), loc };
    }
    if (this.isOp('_')) {
      this.next();
      if (this.isOp(',')) {
        const names = this.commaRest<string | null>([null], () => this.pat0());
        this.expectOp('=');
        return { pat: { kind: 'tuple', names }, e: this.exp(), loc };
      }
      this.expectOp('=');
      return { pat: { kind: 'one', name: null }, e: this.exp(), loc };
    }
    const nameTok = this.name();
    const name = nameTok.text;
    if (this.isOp('=')) {
      this.next();
      return { pat: { kind: 'one', name }, e: this.exp(), loc };
    }
    if (this.isOp(',')) {
      const names = this.commaRest<string | null>([name], () => this.pat0());
      this.expectOp('=');
      return { pat: { kind: 'tuple', names }, e: this.exp(), loc };
    }
    let params: Params;
    if (this.isOp('(')) {
      this.next();
      const names = this.formals();
      this.expectOp(')');
      params = names.length === 1 ? { kind: 'one', name: names[0] } : { kind: 'tuple', names };
    } else if (this.t.kind === 'name' || this.isOp('_')) {
      params = { kind: 'one', name: this.pat0() };
    } else {
      this.fail(`expected '=' or parameters in the definition of ${name}, found ${this.describe(this.t)}`);
    }
    this.expectOp('=');
    const body = this.exp();
    return { pat: { kind: 'one', name }, e: { k: 'fun', params, body, name, loc }, loc };
  }

  /** exp: let … in, fun, try … with, or a base expression / tuple. */
  exp(): Expr {
    const t = this.t;
    const loc = t.loc;
    if (this.isKw('let')) {
      this.next();
      const rec = this.isKw('rec');
      if (rec) this.next();
      const binds = this.bindings();
      if (this.isKw('when')) this.unsupported(this.t);
      this.expectKw('in');
      const body = this.exp();
      return { k: 'let', rec, binds, body, loc };
    }
    if (this.isKw('fun')) {
      this.next();
      let params: Params;
      if (this.isOp('(')) {
        this.next();
        const names = this.formals();
        this.expectOp(')');
        params = names.length === 1 ? { kind: 'one', name: names[0] } : { kind: 'tuple', names };
      } else params = { kind: 'one', name: this.pat0() };
      this.expectOp('->');
      return { k: 'fun', params, body: this.exp(), name: '*fun*', loc };
    }
    if (this.isKw('try')) {
      this.next();
      const e = this.exp();
      this.expectKw('with');
      const alt = this.exp();
      return { k: 'try', e, alt, loc };
    }
    if (t.kind === 'kw' && (t.text === 'match' || t.text === 'if')) this.unsupported(t);
    const first = this.base();
    if (!this.isOp(',')) return first;
    return { k: 'tuple', items: this.commaRest([first], () => this.base()), loc };
  }

  /** base: binary operators by precedence climbing over unary/postfix terms. */
  base(minPrec = 1): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.t;
      if (t.kind !== 'op') break;
      const info = BIN[t.text];
      if (!info || info.prec < minPrec) break;
      this.next();
      const right = this.base(info.right ? info.prec : info.prec + 1);
      // flatten chains of the same (associative) operator, as herd does for ; and |
      if ((info.op === 'seq' || info.op === 'union') && left.k === 'bin' && left.op === info.op)
        left = { k: 'bin', op: info.op, args: [...left.args, right], loc: left.loc };
      else if ((info.op === 'seq' || info.op === 'union') && right.k === 'bin' && right.op === info.op)
        left = { k: 'bin', op: info.op, args: [left, ...right.args], loc: left.loc };
      else left = { k: 'bin', op: info.op, args: [left, right], loc: left.loc };
    }
    return left;
  }

  /** Can this token start a base expression (so a preceding '*' is a cartesian product)? */
  private startsBase(t: Token): boolean {
    if (t.kind === 'name' || t.kind === 'tag') return true;
    if (t.kind === 'op') return ['(', '{', '[', '_', '0', '~'].includes(t.text);
    return false;
  }

  /** Level of ~, postfix * + ? and the cartesian product. */
  private unary(): Expr {
    let e: Expr;
    if (this.isOp('~')) {
      const loc = this.next().loc;
      e = { k: 'un', op: 'comp', e: this.unary(), loc };
      return e;
    }
    e = this.postfix();
    while (this.isOp('*') && this.startsBase(this.peek())) {
      this.next();
      const right = this.isOp('~') ? this.unary() : this.postfix();
      e = { k: 'bin', op: 'cart', args: [e, right], loc: e.loc };
    }
    return e;
  }

  private postfix(): Expr {
    let e = this.app();
    for (;;) {
      const t = this.t;
      if (this.isOp('^')) {
        const nx = this.peek();
        if (this.isOp('-1', nx)) {
          this.p += 2;
          e = { k: 'un', op: 'inv', e, loc: e.loc };
        } else if (this.isOp('+', nx) || this.isOp('*', nx) || this.isOp('?', nx)) {
          // ^+ ^* ^? are accepted as spellings of the postfix operators
          this.p += 2;
          e = { k: 'un', op: nx.text === '+' ? 'plus' : nx.text === '*' ? 'star' : 'opt', e, loc: e.loc };
        } else this.fail(`expected -1 after '^'`, nx);
      } else if (this.isOp('*', t) && !this.startsBase(this.peek())) {
        this.next();
        e = { k: 'un', op: 'star', e, loc: e.loc };
      } else if (this.isOp('+', t)) {
        this.next();
        e = { k: 'un', op: 'plus', e, loc: e.loc };
      } else if (this.isOp('?', t)) {
        this.next();
        e = { k: 'un', op: 'opt', e, loc: e.loc };
      } else break;
    }
    return e;
  }

  /** Application: a name applied to arguments by juxtaposition (f x, f(x), domain(r)). */
  private app(): Expr {
    if (this.t.kind !== 'name') return this.simple();
    const t = this.next();
    let e: Expr = { k: 'var', name: t.text, loc: t.loc };
    while (this.startsArg(this.t)) {
      const arg = this.t.kind === 'name' ? this.varTok() : this.simple();
      e = { k: 'app', fn: e, arg, loc: e.loc };
    }
    return e;
  }

  private varTok(): Expr {
    const t = this.next();
    return { k: 'var', name: t.text, loc: t.loc };
  }

  private startsArg(t: Token): boolean {
    if (t.kind === 'name' || t.kind === 'tag') return true;
    return t.kind === 'op' && ['(', '{', '[', '_', '0'].includes(t.text);
  }

  private simple(): Expr {
    const t = this.t;
    const loc = t.loc;
    if (t.kind === 'tag') {
      this.next();
      return { k: 'tag', name: t.text, loc };
    }
    if (t.kind === 'op') {
      switch (t.text) {
        case '0':
          this.next();
          return { k: 'empty', loc };
        case '_':
          this.next();
          return { k: 'univ', loc };
        case '{': {
          this.next();
          const items = this.listUntil('}', () => this.base());
          this.expectOp('}');
          return { k: 'set', items, loc };
        }
        case '(': {
          this.next();
          if (this.isOp(')')) {
            this.next();
            return { k: 'tuple', items: [], loc };
          }
          const e = this.exp();
          this.expectOp(')');
          return e;
        }
        case '[': {
          this.next();
          const e = this.exp();
          this.expectOp(']');
          return { k: 'toid', e, loc };
        }
      }
    }
    if (t.kind === 'kw' && t.text === 'begin') {
      this.next();
      const e = this.exp();
      this.expectKw('end');
      return e;
    }
    if (t.kind === 'kw' && t.text in UNSUPPORTED_KW) this.unsupported(t);
    this.fail(`expected an expression, found ${this.describe(t)}`);
  }
}
