// Tokenizer for the cat language: names with '-' and '.', 'tags, strings, nested (* *) comments, operators.
import type { Loc } from './ast.js';

export type TokKind =
  | 'name'
  | 'tag'
  | 'string'
  | 'kw'
  | 'op'
  | 'eof';

export interface Token {
  kind: TokKind;
  /** The name, tag (without quote), string contents, keyword or operator text. */
  text: string;
  loc: Loc;
}

export class CatSyntaxError extends Error {
  constructor(
    readonly loc: Loc,
    msg: string,
  ) {
    super(`${loc.file}:${loc.line}:${loc.col}: ${msg}`);
  }
}

const KEYWORDS = new Set([
  'let', 'rec', 'and', 'when', 'acyclic', 'irreflexive', 'show', 'unshow', 'empty', 'subset', 'as',
  'fun', 'in', 'undefined_unless', 'flag', 'assert', 'include', 'variant', 'begin', 'end',
  'procedure', 'call', 'enum', 'debug', 'match', 'with', 'forall', 'from', 'do', 'try', 'if',
  'then', 'else', 'catdep', 'instructions', 'default', 'not',
]);

/** Operators, longest first so that '||' wins over '|', '++' over '+', '->' and '-1' are whole. */
const OPERATORS = ['||', '&&', '++', '->', '-1', '(', ')', '{', '}', '[', ']', '|', '&', '*', '~', '+', '^', '\\', '?', '=', ';', ',', '_', '0'];

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
function isNameChar(c: string): boolean {
  return isAlpha(c) || (c >= '0' && c <= '9') || c === '_' || c === '.' || c === '-';
}

export function tokenize(src: string, file: string): Token[] {
  const toks: Token[] = [];
  let i = 0,
    line = 1,
    lineStart = 0;
  const loc = (at: number): Loc => ({ file, line, col: at - lineStart + 1 });
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if ((c === '/' && src[i + 1] === '/') || c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '(' && src[i + 1] === '*') {
      const start = loc(i);
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (src[i] === '(' && src[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (src[i] === '*' && src[i + 1] === ')') {
          depth--;
          i += 2;
        } else {
          if (src[i] === '\n') {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
      }
      if (depth > 0) throw new CatSyntaxError(start, 'unterminated comment');
      continue;
    }
    if (c === '"') {
      const start = loc(i);
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw new CatSyntaxError(start, 'unterminated string');
      const text = src.slice(i + 1, end);
      for (let k = i + 1; k < end; k++)
        if (src[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      toks.push({ kind: 'string', text, loc: start });
      i = end + 1;
      continue;
    }
    // names: '_'? alpha (alpha|digit|'_'|'.'|'-')* '\''?
    if (isAlpha(c) || (c === '_' && i + 1 < n && isAlpha(src[i + 1]))) {
      const start = i;
      i++;
      while (i < n && isNameChar(src[i])) {
        // "-1" right after a name is the inverse operator's tail only when preceded by '^', which is not a name char,
        // so a '-' inside a name is always part of it (herd lexes the same way).
        i++;
      }
      if (src[i] === "'") i++;
      const text = src.slice(start, i);
      toks.push({ kind: KEYWORDS.has(text) ? 'kw' : 'name', text, loc: loc(start) });
      continue;
    }
    if (c === "'") {
      const start = i;
      let j = i + 1;
      if (src[j] === '_') j++;
      if (!isAlpha(src[j] ?? '')) throw new CatSyntaxError(loc(i), `bad tag after "'"`);
      j++;
      while (j < n && isNameChar(src[j])) j++;
      if (src[j] === "'") j++;
      toks.push({ kind: 'tag', text: src.slice(i + 1, j), loc: loc(start) });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      toks.push({ kind: 'op', text: op, loc: loc(i) });
      i += op.length;
      continue;
    }
    throw new CatSyntaxError(loc(i), `unexpected character '${c}'`);
  }
  toks.push({ kind: 'eof', text: '', loc: loc(i) });
  return toks;
}
