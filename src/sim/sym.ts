// Symbolic values of litmus threads: expressions over the values that reads will obtain from rf.
import type { Value } from './execution.js';

export type Sym =
  | { k: 'c'; v: Value }
  | { k: 'v'; id: number }
  | { k: 'b'; op: string; a: Sym; b: Sym }
  | { k: 'u'; op: string; a: Sym }
  | { k: 't'; c: Sym; a: Sym; b: Sym };

export class ValueError extends Error {}

export const ZERO: Sym = { k: 'c', v: 0 };
export const ONE: Sym = { k: 'c', v: 1 };

export function cst(v: Value): Sym {
  return { k: 'c', v };
}

export function valueEq(a: Value, b: Value): boolean {
  if (typeof a === 'number') return typeof b === 'number' && a === b;
  return typeof b !== 'number' && a.loc === b.loc;
}

export function truthy(v: Value): boolean {
  return typeof v === 'number' ? v !== 0 : true;
}

export function showValue(v: Value): string {
  return typeof v === 'number' ? String(v) : v.loc;
}

/** herd's value order for sorting states: integers first (numerically), then addresses by name. */
export function compareValue(a: Value, b: Value): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  return a.loc < b.loc ? -1 : a.loc > b.loc ? 1 : 0;
}

function num(v: Value, op: string): number {
  if (typeof v !== 'number') throw new ValueError(`operator '${op}' applied to the address of ${v.loc}`);
  return v;
}

const b2n = (b: boolean): number => (b ? 1 : 0);

export function applyBin(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '==':
      return b2n(valueEq(a, b));
    case '!=':
      return b2n(!valueEq(a, b));
    case '&&':
      return b2n(truthy(a) && truthy(b));
    case '||':
      return b2n(truthy(a) || truthy(b));
  }
  const x = num(a, op);
  const y = num(b, op);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0) throw new ValueError('division by zero');
      return Math.trunc(x / y);
    case '%':
      if (y === 0) throw new ValueError('division by zero');
      return x % y;
    case '&':
      return x & y;
    case '|':
      return x | y;
    case '^':
      return x ^ y;
    case '<<':
      return x << y;
    case '>>':
      return x >> y;
    case '<':
      return b2n(x < y);
    case '<=':
      return b2n(x <= y);
    case '>':
      return b2n(x > y);
    case '>=':
      return b2n(x >= y);
  }
  throw new ValueError(`unknown operator '${op}'`);
}

export function applyUn(op: string, a: Value): Value {
  switch (op) {
    case '!':
      return b2n(!truthy(a));
    case '-':
      return -num(a, op);
    case '~':
      return ~num(a, op);
    case '+':
      return num(a, op);
  }
  throw new ValueError(`unknown operator '${op}'`);
}

/** Builds a binary node, folding constants. */
export function bin(op: string, a: Sym, b: Sym): Sym {
  if (a.k === 'c' && b.k === 'c') return cst(applyBin(op, a.v, b.v));
  return { k: 'b', op, a, b };
}

export function un(op: string, a: Sym): Sym {
  if (a.k === 'c') return cst(applyUn(op, a.v));
  return { k: 'u', op, a };
}

export function tern(c: Sym, a: Sym, b: Sym): Sym {
  if (c.k === 'c') return truthy(c.v) ? a : b;
  return { k: 't', c, a, b };
}

/** Value of s, with variables looked up by `get`; undefined when some variable is not known yet. */
export function evalSym(s: Sym, get: (id: number) => Value | undefined): Value | undefined {
  switch (s.k) {
    case 'c':
      return s.v;
    case 'v':
      return get(s.id);
    case 'b': {
      const a = evalSym(s.a, get);
      if (a === undefined) return undefined;
      const b = evalSym(s.b, get);
      if (b === undefined) return undefined;
      return applyBin(s.op, a, b);
    }
    case 'u': {
      const a = evalSym(s.a, get);
      return a === undefined ? undefined : applyUn(s.op, a);
    }
    case 't': {
      const c = evalSym(s.c, get);
      if (c === undefined) return undefined;
      return evalSym(truthy(c) ? s.a : s.b, get);
    }
  }
}

/** Renumbers variables (thread-local ids → execution-wide ids). */
export function shiftSym(s: Sym, by: number): Sym {
  if (by === 0) return s;
  switch (s.k) {
    case 'c':
      return s;
    case 'v':
      return { k: 'v', id: s.id + by };
    case 'b':
      return { k: 'b', op: s.op, a: shiftSym(s.a, by), b: shiftSym(s.b, by) };
    case 'u':
      return { k: 'u', op: s.op, a: shiftSym(s.a, by) };
    case 't':
      return { k: 't', c: shiftSym(s.c, by), a: shiftSym(s.a, by), b: shiftSym(s.b, by) };
  }
}

export function symVars(s: Sym, out: Set<number> = new Set()): Set<number> {
  switch (s.k) {
    case 'c':
      break;
    case 'v':
      out.add(s.id);
      break;
    case 'b':
      symVars(s.a, out);
      symVars(s.b, out);
      break;
    case 'u':
      symVars(s.a, out);
      break;
    case 't':
      symVars(s.c, out);
      symVars(s.a, out);
      symVars(s.b, out);
      break;
  }
  return out;
}
