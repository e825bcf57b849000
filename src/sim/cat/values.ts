// Runtime values of the cat evaluator (event sets, relations, tags, tuples, sets of values, closures) and their operators.
import { allocWords, EventSet, Relation } from '../relation.js';
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

/*
 * Relation operators with fast paths for the evaluator's hot spots (judging one complete execution per lock
 * order of a lock-heavy test). Each gives exactly what the Relation method of the same meaning gives; they
 * live here because relation.ts is shared with the rest of the engine.
 */

/** The rows of r with at least one successor, in increasing order. */
function busyRows(d: Uint32Array, n: number, w: number): number[] {
  const rows: number[] = [];
  if (w === 1) {
    for (let i = 0; i < n; i++) if (d[i] !== 0) rows.push(i);
  } else if (w === 2) {
    for (let i = 0; i < n; i++) if ((d[2 * i] | d[2 * i + 1]) !== 0) rows.push(i);
  } else {
    for (let i = 0; i < n; i++) {
      const b = i * w;
      for (let k = 0; k < w; k++)
        if (d[b + k] !== 0) {
          rows.push(i);
          break;
        }
    }
  }
  return rows;
}

/**
 * r+ (as Relation.plus): Warshall's algorithm over the rows that have successors only. A row with none keeps
 * none (it only ever gains the rows of its successors), so neither as pivot nor as target does it change anything.
 */
export function plusRel(r: Relation): Relation {
  return plusDfs(r) ?? warshall(r);
}

let stateScratch = new Uint8Array(64);

/**
 * r+ for an acyclic r in one depth-first pass: when an event is finished, its successors are, and its row is
 * the union of its successors and their rows. Undefined when r has a cycle (Warshall handles those).
 */
function plusDfs(r: Relation): Relation | undefined {
  const n = r.n,
    w = r.w,
    src = r.data;
  if (stateScratch.length < n) stateScratch = new Uint8Array(n);
  const state = stateScratch;
  state.fill(0, 0, n);
  const out = new Relation(n);
  const d = out.data;
  for (let i = 0; i < n; i++) {
    if (state[i] !== 0) continue;
    let busy = false;
    for (let k = i * w, e = k + w; k < e; k++) if (src[k] !== 0) busy = true;
    if (!busy) {
      state[i] = 2;
      continue;
    }
    if (!visit(i, w, src, d, state)) return undefined;
  }
  return out;
}

/** Finish event i (state: 0 unvisited, 1 on the current path, 2 finished); false on a cycle. */
function visit(i: number, w: number, src: Uint32Array, d: Uint32Array, state: Uint8Array): boolean {
  state[i] = 1;
  const ib = i * w;
  for (let k = 0; k < w; k++) {
    let x = src[ib + k];
    while (x) {
      const t = x & -x;
      const j = (k << 5) + 31 - Math.clz32(t);
      x ^= t;
      const s = state[j];
      if (s === 1 || (s === 0 && !visit(j, w, src, d, state))) return false;
      const jb = j * w;
      for (let q = 0; q < w; q++) d[ib + q] |= d[jb + q];
    }
    d[ib + k] |= src[ib + k];
  }
  state[i] = 2;
  return true;
}

function warshall(r: Relation): Relation {
  const out = r.clone();
  const d = out.data,
    w = out.w;
  const rows = busyRows(d, out.n, w);
  const m = rows.length;
  if (w === 1) {
    for (let x = 0; x < m; x++) {
      const k = rows[x];
      const bit = 1 << k,
        rk = d[k];
      for (let y = 0; y < m; y++) {
        const i = rows[y];
        if (d[i] & bit) d[i] |= rk;
      }
    }
  } else if (w === 2) {
    for (let x = 0; x < m; x++) {
      const k = rows[x];
      const kw = k >>> 5,
        bit = 1 << (k & 31),
        r0 = d[2 * k],
        r1 = d[2 * k + 1];
      for (let y = 0; y < m; y++) {
        const i = rows[y];
        if (d[2 * i + kw] & bit) {
          d[2 * i] |= r0;
          d[2 * i + 1] |= r1;
        }
      }
    }
  } else {
    for (let x = 0; x < m; x++) {
      const k = rows[x];
      const kw = k >>> 5,
        bit = 1 << (k & 31),
        kb = k * w;
      for (let y = 0; y < m; y++) {
        const ib = rows[y] * w;
        if (d[ib + kw] & bit) for (let q = 0; q < w; q++) d[ib + q] |= d[kb + q];
      }
    }
  }
  return out;
}

/** r* over all n events (as Relation.star). */
export function starRel(r: Relation): Relation {
  const out = plusRel(r);
  const d = out.data,
    w = out.w;
  for (let i = 0; i < out.n; i++) d[i * w + (i >>> 5)] |= 1 << (i & 31);
  return out;
}

let selfScratch = new Uint32Array(8);
let busyScratch = new Uint32Array(8);

/**
 * a ; b (as Relation.seq). Rows of b are sorted first: empty ones contribute nothing, and one holding only its
 * own event j (as in the r? and r* the model composes with) contributes j, which a's row already holds. So
 * only the other rows are merged: a dense a composed with a mostly-reflexive b costs little.
 */
export function seqRel(a: Relation, b: Relation): Relation {
  const n = a.n,
    w = a.w,
    x = a.data,
    y = b.data;
  const d = allocWords(x.length);
  if (w === 1) {
    let self = 0,
      busy = 0;
    for (let j = 0; j < n; j++) {
      const r = y[j];
      if (r === 0) continue;
      if ((r ^ (1 << j)) === 0) self |= r;
      else busy |= 1 << j;
    }
    for (let i = 0; i < n; i++) {
      let v = x[i] & busy,
        acc = x[i] & self;
      while (v) {
        const t = v & -v;
        acc |= y[31 - Math.clz32(t)];
        v ^= t;
      }
      d[i] = acc;
    }
  } else if (w === 2) {
    let s0 = 0,
      s1 = 0,
      m0 = 0,
      m1 = 0;
    for (let j = 0; j < n; j++) {
      const r0 = y[2 * j],
        r1 = y[2 * j + 1];
      if ((r0 | r1) === 0) continue;
      if (j < 32) {
        if ((r0 ^ (1 << j)) === 0 && r1 === 0) s0 |= r0;
        else m0 |= 1 << j;
      } else if (r0 === 0 && (r1 ^ (1 << (j - 32))) === 0) s1 |= r1;
      else m1 |= 1 << (j - 32);
    }
    for (let i = 0; i < n; i++) {
      const u0 = x[2 * i],
        u1 = x[2 * i + 1];
      if ((u0 | u1) === 0) continue;
      let v0 = u0 & m0,
        v1 = u1 & m1,
        a0 = u0 & s0,
        a1 = u1 & s1;
      while (v0) {
        const t = v0 & -v0;
        const j = 31 - Math.clz32(t);
        a0 |= y[2 * j];
        a1 |= y[2 * j + 1];
        v0 ^= t;
      }
      while (v1) {
        const t = v1 & -v1;
        const j = 63 - Math.clz32(t);
        a0 |= y[2 * j];
        a1 |= y[2 * j + 1];
        v1 ^= t;
      }
      d[2 * i] = a0;
      d[2 * i + 1] = a1;
    }
  } else {
    if (selfScratch.length < w) {
      selfScratch = new Uint32Array(w);
      busyScratch = new Uint32Array(w);
    }
    const self = selfScratch,
      busy = busyScratch;
    self.fill(0, 0, w);
    busy.fill(0, 0, w);
    for (let j = 0; j < n; j++) {
      const jb = j * w,
        jw = j >>> 5,
        bit = 1 << (j & 31);
      let any = 0,
        others = 0;
      for (let q = 0; q < w; q++) {
        const r = y[jb + q];
        any |= r;
        others |= q === jw ? r & ~bit : r;
      }
      if (any === 0) continue;
      if (others === 0) self[jw] |= bit;
      else busy[jw] |= bit;
    }
    for (let i = 0; i < n; i++) {
      const base = i * w;
      for (let k = 0; k < w; k++) {
        const u = x[base + k];
        d[base + k] |= u & self[k];
        let v = u & busy[k];
        while (v) {
          const t = v & -v;
          const jb = ((k << 5) + 31 - Math.clz32(t)) * w;
          for (let q = 0; q < w; q++) d[base + q] |= y[jb + q];
          v ^= t;
        }
      }
    }
  }
  return new Relation(n, d);
}

let aliveScratch = new Uint32Array(8);

/**
 * Whether r has no cycle (as Relation.isAcyclic): events with no successor left are removed until none is
 * left (acyclic) or no more can go. Events are visited from the last to the first, since the model's
 * relations mostly lead to later events (program order), so that one pass usually removes them all.
 */
export function acyclicRel(r: Relation): boolean {
  const n = r.n,
    w = r.w,
    d = r.data;
  if (aliveScratch.length < w) aliveScratch = new Uint32Array(w);
  const alive = aliveScratch;
  for (let k = 0; k < w; k++) alive[k] = 0xffffffff;
  let remaining = n;
  let progress = true;
  while (remaining > 0 && progress) {
    progress = false;
    for (let i = n - 1; i >= 0; i--) {
      const iw = i >>> 5,
        ib = 1 << (i & 31);
      if (!(alive[iw] & ib)) continue;
      let sink = true;
      for (let k = i * w, e = k + w, q = 0; k < e; k++, q++)
        if (d[k] & alive[q]) {
          sink = false;
          break;
        }
      if (sink) {
        alive[iw] &= ~ib;
        remaining--;
        progress = true;
      }
    }
  }
  return remaining === 0;
}
