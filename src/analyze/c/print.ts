// Prints lowered statements as the body of a herd C litmus thread, with a map from output lines to C lines.
import { DEF_PRIMITIVES } from './primitives.js';
import { stmtRegisters, type LExpr, type LStmt, type SrcPos } from './lstmt.js';

const PREC: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);
const num = (v: number): LExpr => ({ k: 'const', v });

/** A 0/1 truth value of `e`: comparisons already are one. */
function truth(e0: LExpr): LExpr {
  const e = herdForm(e0);
  return e.k === 'bin' && COMPARISONS.has(e.op) ? e : { k: 'bin', op: '!=', l: e, r: num(0) };
}

/**
 * Rewrites the operators herd7's C lexer lacks (it has no unary `!`, `~` or `-` except in constants,
 * and no `&&`, `||`, `%`, `<<`, `>>`) into ones it has, with the same value on the lowered
 * (side-effect-free) expressions, so emitted tests run under herd7 unchanged. Shifts and `%` by
 * constants keep their value for the non-negative operands the virtio core computes with (indexes,
 * flags); with any other operand they are printed as they are.
 */
function herdForm(e: LExpr): LExpr {
  if (e.k === 'un') {
    if (e.op === '!') return { k: 'bin', op: '==', l: e.e, r: num(0) };
    if (e.op === '-') return e.e.k === 'const' ? num(-e.e.v) : { k: 'bin', op: '-', l: num(0), r: e.e };
    return { k: 'bin', op: '^', l: e.e, r: num(-1) };
  }
  if (e.k === 'bin') {
    if (e.op === '&&' || e.op === '||') return { k: 'bin', op: e.op === '&&' ? '&' : '|', l: truth(e.l), r: truth(e.r) };
    const c = e.r.k === 'const' ? e.r.v : undefined;
    const pow2 = c !== undefined && c > 0 && (c & (c - 1)) === 0;
    if (e.op === '<<' && c !== undefined && c >= 0 && c < 31) return { k: 'bin', op: '*', l: e.l, r: num(2 ** c) };
    if (e.op === '>>' && c !== undefined && c >= 0 && c < 31) return { k: 'bin', op: '/', l: e.l, r: num(2 ** c) };
    if (e.op === '%' && pow2) return { k: 'bin', op: '&', l: e.l, r: num(c - 1) };
  }
  return e;
}

export function printExpr(e0: LExpr, outer = 0): string {
  const e = herdForm(e0);
  switch (e.k) {
    case 'const':
      return String(e.v);
    case 'reg':
      return e.name;
    case 'un':
      return `${e.op}${printExpr(e.e, 11)}`; // not reached: herdForm rewrites every unary operator
    case 'bin': {
      const p = PREC[e.op] ?? 0;
      // herd7's grammar puts every comparison at one non-associative level: a comparison inside
      // another is always parenthesised (C would not need it for `a < b == c`).
      const inner = COMPARISONS.has(e.op) ? 8 : p;
      const s = `${printExpr(e.l, inner)} ${e.op} ${printExpr(e.r, COMPARISONS.has(e.op) ? 8 : p + 1)}`;
      return p < outer || (outer > 0 && p === 0) ? `(${s})` : s;
    }
  }
}

/** The call text of a primitive with its location argument in the form the .def expects (`*x` or `x`). */
function primCall(prim: string, loc: string, values: LExpr[], locArg = 0): string {
  const d = DEF_PRIMITIVES[prim];
  const locText = d?.deref ? `*${loc}` : loc;
  const args = values.map((v) => printExpr(v));
  args.splice(locArg, 0, locText);
  return `${prim}(${args.join(', ')})`;
}

function negate(e: LExpr): LExpr {
  if (e.k === 'un' && e.op === '!') return e.e;
  if (e.k === 'bin') {
    const inv: Record<string, string> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
    if (inv[e.op]) return { ...e, op: inv[e.op] };
  }
  return { k: 'un', op: '!', e };
}

export function printStmtHead(s: LStmt): string {
  switch (s.k) {
    case 'load':
      return s.prim === 'plain' ? `${s.reg} = *${s.loc};` : `${s.reg} = ${primCall(s.prim, s.loc, [])};`;
    case 'store':
      return s.prim === 'plain' ? `*${s.loc} = ${printExpr(s.value)};` : `${primCall(s.prim, s.loc, [s.value])};`;
    case 'fence':
      return `${s.prim}();`;
    case 'lock':
      return `${s.prim}(${s.loc});`;
    case 'rmw': {
      const call = primCall(s.prim, s.loc, s.args, s.locArg);
      return s.reg ? `${s.reg} = ${call};` : `${call};`;
    }
    case 'assign':
      return `${s.reg} = ${printExpr(s.value)};`;
    case 'if':
      return `if (${printExpr(s.cond)}) {`;
  }
}

export interface PrintOptions {
  /** Declare the registers used (`int r0;`) at the top. Default true. */
  declare?: boolean;
  /** Print each statement's C source as a trailing C comment. Default false (lineMap carries it). */
  comments?: boolean;
}

/**
 * Prints `stmts` as litmus-C lines indented by `indent` (a string, or a number of tabs). `lineMap[i]`
 * is the C source of output line i (undefined for braces and declarations).
 */
export function printLitmusThread(
  stmts: LStmt[],
  indent: string | number = 1,
  opts: PrintOptions = {},
): { text: string; lineMap: Array<SrcPos | undefined> } {
  const pad = typeof indent === 'number' ? '\t'.repeat(indent) : indent;
  const lines: string[] = [];
  const map: Array<SrcPos | undefined> = [];
  if (opts.declare ?? true) {
    const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
    for (const r of stmtRegisters(stmts).sort(natural)) {
      lines.push(`${pad}int ${r};`);
      map.push(undefined);
    }
  }
  const comment = (s: LStmt): string => {
    if (!opts.comments) return '';
    const parts: string[] = [];
    if (s.src) parts.push(`${s.src.file.split('/').pop()}:${s.src.line}`);
    if (s.note) parts.push(s.note);
    return parts.length ? ` /* ${parts.join(' ').replace(/\*\//g, '* /')} */` : '';
  };
  const emit = (list: LStmt[], p: string) => {
    for (const s of list) {
      if (s.k === 'if' && s.then.length === 0 && s.else.length > 0) {
        // `if (c) {} else {…}` reads better as `if (!c) {…}`.
        emit([{ ...s, cond: negate(s.cond), then: s.else, else: [] }], p);
        continue;
      }
      lines.push(p + printStmtHead(s) + comment(s));
      map.push(s.src);
      if (s.k === 'if') {
        emit(s.then, p + '\t');
        if (s.else.length) {
          lines.push(`${p}} else {`);
          map.push(undefined);
          emit(s.else, p + '\t');
        }
        lines.push(`${p}}`);
        map.push(undefined);
      }
    }
  };
  emit(stmts, pad);
  return { text: lines.join('\n'), lineMap: map };
}
