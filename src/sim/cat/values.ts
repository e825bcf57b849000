// Runtime values of the cat evaluator (event sets, relations, tags, tuples, sets of values, closures) and their operators.
import { EventSet, Relation } from '../relation.js';
import type { Loc } from './ast.js';
import { fmtLoc } from './ast.js';

/** The polymorphic empty value (`0`, `{}`, and what `domain 0` gives): an empty set or relation. */
export class VEmpty {
  readonly t = 'empty';
}
export const EMPTY = new VEmpty();

/** One event (an element obtained by iterating over a set). */
export class VEvent {
  readonly t = 'event';
  constructor(readonly id: number) {}
}
/** One pair of events (an element obtained by iterating over a relation). */
export class VPair {
  readonly t = 'pair';
  constructor(
    readonly a: number,
    readonly b: number,
  ) {}
}
export class VTag {
  readonly t = 'tag';
  constructor(readonly name: string) {}
}
export class VTuple {
  readonly t = 'tuple';
  constructor(readonly items: Value[]) {}
}
/** A set of values other than events and pairs: sets of relations, sets of sets, sets of tags. */
export class VSet {
  readonly t = 'vset';
  constructor(readonly items: Value[]) {}
}

/** Runtime frame of local variables (function parameters, let … in). */
export interface Frame {
  v: (Value | undefined)[];
  up: Frame | null;
}

export class VClo {
  readonly t = 'clo';
  constructor(
    readonly name: string,
    /** Number of parameters: 1 for `f x`/`f(x)`, k for `f(x1,…,xk)` (a tuple argument). */
    readonly arity: number,
    readonly tupled: boolean,
    readonly body: (ctx: any, fr: Frame) => Value,
    readonly frame: Frame | null,
  ) {}
}

/** A function written natively (stdlib primitives and library functions). */
export class VPrim {
  readonly t = 'prim';
  constructor(
    readonly name: string,
    readonly fn: (arg: Value, ctx: any, loc: Loc) => Value,
  ) {}
}

/** An internal value of a natively provided library (never visible to model text by name). */
export class VNative<T = unknown> {
  readonly t = 'native';
  constructor(readonly v: T) {}
}

export type Value = EventSet | Relation | VEmpty | VEvent | VPair | VTag | VTuple | VSet | VClo | VPrim | VNative;

/** An error while evaluating the model on an execution (type mismatch, unbound name, …). */
export class CatRuntimeError extends Error {
  constructor(
    readonly loc: Loc | undefined,
    msg: string,
  ) {
    super(loc ? `${fmtLoc(loc)}: ${msg}` : msg);
  }
}

export function typeName(v: Value): string {
  if (v instanceof EventSet) return 'event set';
  if (v instanceof Relation) return 'relation';
  switch (v.t) {
    case 'empty':
      return 'empty set';
    case 'event':
      return 'event';
    case 'pair':
      return 'pair of events';
    case 'tag':
      return 'tag';
    case 'tuple':
      return 'tuple';
    case 'vset':
      return 'set of values';
    case 'clo':
    case 'prim':
      return 'function';
    case 'native':
      return 'library value';
  }
}

export function isEmptyValue(v: Value): boolean {
  if (v instanceof EventSet || v instanceof Relation) return v.isEmpty();
  if (v === EMPTY) return true;
  if (v instanceof VSet) return v.items.length === 0;
  return false;
}

/** Structural equality, used by fixpoint iteration and set-of-values deduplication. */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Relation) {
    if (b instanceof Relation) return a.equals(b);
    return b === EMPTY && a.isEmpty();
  }
  if (a instanceof EventSet) {
    if (b instanceof EventSet) return a.equals(b);
    return b === EMPTY && a.isEmpty();
  }
  if (a === EMPTY) return isEmptyValue(b);
  if (b === EMPTY) return isEmptyValue(a);
  return valueKey(a) === valueKey(b);
}

/** A canonical string for a value (sets of values are deduplicated by it). */
export function valueKey(v: Value): string {
  if (v instanceof Relation) return v.isEmpty() ? '0' : 'R' + Array.from(v.data).join(',');
  if (v instanceof EventSet) return v.isEmpty() ? '0' : 'S' + Array.from(v.bits).join(',');
  switch (v.t) {
    case 'empty':
      return '0';
    case 'event':
      return 'e' + v.id;
    case 'pair':
      return `p${v.a},${v.b}`;
    case 'tag':
      return "'" + v.name;
    case 'tuple':
      return '(' + v.items.map(valueKey).join(';') + ')';
    case 'vset':
      return '{' + v.items.map(valueKey).sort().join(';') + '}';
    case 'clo':
    case 'prim':
      return 'fn:' + v.name;
    case 'native':
      return 'native';
  }
}

function mismatch(loc: Loc | undefined, op: string, a: Value, b?: Value): never {
  throw new CatRuntimeError(loc, `${op}: cannot combine ${typeName(a)}${b ? ` and ${typeName(b)}` : ''}`);
}

export function union(a: Value, b: Value, loc?: Loc): Value {
  if (a === EMPTY) return b;
  if (b === EMPTY) return a;
  if (a instanceof Relation && b instanceof Relation) return a.union(b);
  if (a instanceof EventSet && b instanceof EventSet) return a.union(b);
  if (a instanceof VSet && b instanceof VSet) {
    let r: Value = a;
    for (const x of b.items) r = addElement(x, r, 0, loc);
    return r;
  }
  return mismatch(loc, '|', a, b);
}

export function inter(a: Value, b: Value, loc?: Loc): Value {
  if (a === EMPTY || b === EMPTY) {
    const o = a === EMPTY ? b : a;
    if (o === EMPTY || o instanceof Relation || o instanceof EventSet || o instanceof VSet) return EMPTY;
    return mismatch(loc, '&', a, b);
  }
  if (a instanceof Relation && b instanceof Relation) return a.inter(b);
  if (a instanceof EventSet && b instanceof EventSet) return a.inter(b);
  if (a instanceof VSet && b instanceof VSet) {
    const keys = new Set(b.items.map(valueKey));
    return new VSet(a.items.filter((x) => keys.has(valueKey(x))));
  }
  return mismatch(loc, '&', a, b);
}

export function diff(a: Value, b: Value, loc?: Loc): Value {
  if (a === EMPTY) return EMPTY;
  if (b === EMPTY) return a;
  if (a instanceof Relation && b instanceof Relation) return a.diff(b);
  if (a instanceof EventSet && b instanceof EventSet) return a.diff(b);
  if (a instanceof VSet && b instanceof VSet) {
    const keys = new Set(b.items.map(valueKey));
    return new VSet(a.items.filter((x) => !keys.has(valueKey(x))));
  }
  return mismatch(loc, '\\', a, b);
}

export function cartesian(a: Value, b: Value, loc?: Loc): Value {
  if ((a === EMPTY || a instanceof EventSet) && (b === EMPTY || b instanceof EventSet)) {
    if (a === EMPTY || b === EMPTY) return EMPTY;
    return Relation.product(a as EventSet, b as EventSet);
  }
  return mismatch(loc, '*', a, b);
}

/** `x ++ s`: add element x to the collection s (events to sets, pairs to relations, other values to sets of values). */
export function addElement(x: Value, s: Value, n: number, loc?: Loc): Value {
  if (x instanceof VEvent && (s === EMPTY || s instanceof EventSet)) {
    return (s instanceof EventSet ? s.clone() : new EventSet(n)).add(x.id);
  }
  if (x instanceof VPair && (s === EMPTY || s instanceof Relation)) {
    return (s instanceof Relation ? s.clone() : new Relation(n)).add(x.a, x.b);
  }
  if (s === EMPTY || s instanceof VSet) {
    const items = s === EMPTY ? [] : (s as VSet).items;
    const k = valueKey(x);
    if (items.some((y) => valueKey(y) === k)) return s;
    return new VSet([...items, x]);
  }
  return mismatch(loc, '++', x, s);
}

export function asRel(v: Value, n: number, loc?: Loc): Relation {
  if (v instanceof Relation) return v;
  if (v === EMPTY) return new Relation(n);
  throw new CatRuntimeError(loc, `expected a relation, found ${typeName(v)}`);
}

export function asSet(v: Value, n: number, loc?: Loc): EventSet {
  if (v instanceof EventSet) return v;
  if (v === EMPTY) return new EventSet(n);
  throw new CatRuntimeError(loc, `expected a set of events, found ${typeName(v)}`);
}

/** The elements of a collection, as values: events of a set, pairs of a relation, items of a set of values. */
export function elements(v: Value, loc?: Loc): Value[] {
  if (v === EMPTY) return [];
  if (v instanceof EventSet) return v.toArray().map((i) => new VEvent(i));
  if (v instanceof Relation) return [...v.pairs()].map(([a, b]) => new VPair(a, b));
  if (v instanceof VSet) return v.items;
  throw new CatRuntimeError(loc, `expected a set, found ${typeName(v)}`);
}

