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

export function printExpr(e: LExpr, outer = 0): string {
  switch (e.k) {
    case 'const':
      return String(e.v);
    case 'reg':
      return e.name;
    case 'un': {
      const inner = printExpr(e.e, 11);
      return `${e.op}${inner}`;
    }
    case 'bin': {
      const p = PREC[e.op] ?? 0;
      const s = `${printExpr(e.l, p)} ${e.op} ${printExpr(e.r, p + 1)}`;
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
