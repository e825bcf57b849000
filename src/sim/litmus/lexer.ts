// Tokeniser for C litmus files and .def macro files: identifiers, numbers, strings, punctuation, comments skipped.
import { LitmusSyntaxError, type Pos } from './ast.js';

export type TokKind = 'id' | 'num' | 'punct' | 'str' | 'eof';

export interface Token {
  t: TokKind;
  v: string;
  pos: Pos;
  /** Offset in the source text (for slicing statement text). */
  off: number;
}

// Longest first, so that `<=` wins over `<`.
const PUNCT = [
  '/\\', '\\/', '<<', '>>', '+=', '-=', '|=', '&=', '^=', '<=', '>=', '==', '!=', '&&', '||', '->', '++', '--', '=>',
  '(', ')', '{', '}', '[', ']', ';', ',', '*', '&', '+', '-', '/', '%', '^', '|', '!', '~',
  '=', '<', '>', '?', ':', '.',
];

/** Punctuation grouped by first character, longest first. */
const PUNCT_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCT) {
  const g = PUNCT_BY_FIRST.get(p[0]) ?? [];
  g.push(p);
  PUNCT_BY_FIRST.set(p[0], g);
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/**
 * A lexer that produces tokens on demand. `ocamlComments` says whether `(* … *)` is a comment:
 * true in a litmus file's header and condition, false inside thread code, where `(*x` is C.
 */
export class Lexer {
  ocamlComments = true;
  private i: number;
  private line = 1;
  private col = 1;
  constructor(
    readonly text: string,
    readonly file: string,
    startOffset = 0,
  ) {
    this.i = 0;
    this.adv(startOffset);
  }
  private adv(k: number): void {
    this.advTo(this.i + k);
  }
  /** Moves to offset j, counting lines and columns on the way (one call per token or comment, not per character). */
  private advTo(j: number): void {
    const text = this.text;
    let line = this.line,
      col = this.col;
    for (let i = this.i; i < j; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    this.line = line;
    this.col = col;
    this.i = j;
  }
  next(): Token {
    const text = this.text;
    const n = text.length;
    while (this.i < n) {
      const i = this.i;
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f') {
        let j = i + 1;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d !== 32 && d !== 9 && d !== 13 && d !== 10 && d !== 12) break;
        }
        this.advTo(j);
        continue;
      }
      const pos = { line: this.line, col: this.col };
      // OCaml-style comments nest, as in herd.
      if (this.ocamlComments && c === '(' && text[i + 1] === '*') {
        let depth = 0;
        let j = i;
        while (j < n) {
          if (text[j] === '(' && text[j + 1] === '*') {
            depth++;
            j += 2;
          } else if (text[j] === '*' && text[j + 1] === ')') {
            depth--;
            j += 2;
            if (depth === 0) break;
          } else j++;
        }
        this.advTo(Math.min(j, n));
        if (depth !== 0) throw new LitmusSyntaxError(this.file, pos, 'unterminated (* comment');
        continue;
      }
      if (c === '/' && text[i + 1] === '/') {
        const end = text.indexOf('\n', i);
        this.advTo(end < 0 ? n : end);
        continue;
      }
      if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) throw new LitmusSyntaxError(this.file, pos, 'unterminated /* comment');
        this.adv(end + 2 - i);
        continue;
      }
      if (c === '"') {
        const end = text.indexOf('"', i + 1);
        if (end < 0) throw new LitmusSyntaxError(this.file, pos, 'unterminated string');
        this.adv(end + 1 - i);
        return { t: 'str', v: text.slice(i + 1, end), pos, off: i };
      }
      const code = text.charCodeAt(i);
      if (isIdentStart(code)) {
        let j = i + 1;
        while (j < n && isIdentPart(text.charCodeAt(j))) j++;
        this.adv(j - i);
        return { t: 'id', v: text.slice(i, j), pos, off: i };
      }
      if (code >= 48 && code <= 57) {
        let j = i + 1;
        if (c === '0' && (text[j] === 'x' || text[j] === 'X')) {
          j++;
          while (j < n && /[0-9a-fA-F]/.test(text[j])) j++;
        } else {
          while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
        }
        const digits = text.slice(i, j);
        // Integer suffixes (1UL) carry no meaning here.
        while (j < n && /[uUlL]/.test(text[j])) j++;
        this.adv(j - i);
        return { t: 'num', v: digits, pos, off: i };
      }
      const p = (PUNCT_BY_FIRST.get(c) ?? []).find((q) => text.startsWith(q, i));
      if (!p) throw new LitmusSyntaxError(this.file, pos, `unexpected character '${c}'`);
      this.adv(p.length);
      return { t: 'punct', v: p, pos, off: i };
    }
    return { t: 'eof', v: '', pos: { line: this.line, col: this.col }, off: n };
  }
}

/** All tokens of a text in one mode (used for .def files, where `(*` never starts a comment). */
export function tokenize(text: string, file: string, ocamlComments = false): Token[] {
  const lx = new Lexer(text, file);
  lx.ocamlComments = ocamlComments;
  const out: Token[] = [];
  for (;;) {
    const t = lx.next();
    out.push(t);
    if (t.t === 'eof') return out;
  }
}
