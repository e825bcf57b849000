// Bitset event sets and relations over the events of one execution: the values the cat evaluator computes with.

/*
 * Word storage comes from 64 KiB arenas: the evaluator creates many small, short-lived sets and relations,
 * and giving each its own ArrayBuffer (which V8 allocates outside the JS heap once above 64 bytes) costs
 * about fifteen times more than a view into a shared buffer. A chunk is freed when no view of it remains.
 */
const ARENA_BYTES = 1 << 16;
let arena = new ArrayBuffer(ARENA_BYTES);
let arenaOff = 0;

/** Fresh zeroed words. */
export function allocWords(len: number): Uint32Array {
  const bytes = len << 2;
  if (bytes > ARENA_BYTES >>> 4) return new Uint32Array(len);
  if (arenaOff + bytes > ARENA_BYTES) {
    arena = new ArrayBuffer(ARENA_BYTES);
    arenaOff = 0;
  }
  const a = new Uint32Array(arena, arenaOff, len);
  arenaOff += bytes;
  return a;
}

/** A copy of src in fresh words. */
export function copyWords(src: Uint32Array): Uint32Array {
  const a = allocWords(src.length);
  a.set(src);
  return a;
}

/** A set of event ids in [0, n), stored as 32-bit words. Immutable by convention once shared. */
export class EventSet {
  constructor(
    readonly n: number,
    readonly bits: Uint32Array = allocWords((n + 31) >>> 5),
  ) {}

  static empty(n: number): EventSet {
    return new EventSet(n);
  }
  static full(n: number): EventSet {
    const s = new EventSet(n);
    const b = s.bits;
    for (let k = 0; k < b.length; k++) b[k] = 0xffffffff;
    const rem = n & 31;
    if (rem && b.length) b[b.length - 1] = (1 << rem) - 1;
    return s;
  }
  static of(n: number, ids: Iterable<number>): EventSet {
    const s = new EventSet(n);
    for (const i of ids) s.add(i);
    return s;
  }
  has(i: number): boolean {
    return (this.bits[i >>> 5] & (1 << (i & 31))) !== 0;
  }
  add(i: number): this {
    this.bits[i >>> 5] |= 1 << (i & 31);
    return this;
  }
  delete(i: number): this {
    this.bits[i >>> 5] &= ~(1 << (i & 31));
    return this;
  }
  clone(): EventSet {
    return new EventSet(this.n, copyWords(this.bits));
  }
  union(o: EventSet): EventSet {
    const r = this.clone();
    const a = r.bits,
      b = o.bits;
    for (let k = 0; k < a.length; k++) a[k] |= b[k];
    return r;
  }
  inter(o: EventSet): EventSet {
    const r = this.clone();
    const a = r.bits,
      b = o.bits;
    for (let k = 0; k < a.length; k++) a[k] &= b[k];
    return r;
  }
  diff(o: EventSet): EventSet {
    const r = this.clone();
    const a = r.bits,
      b = o.bits;
    for (let k = 0; k < a.length; k++) a[k] &= ~b[k];
    return r;
  }
  complement(): EventSet {
    const r = EventSet.full(this.n);
    const a = r.bits,
      b = this.bits;
    for (let k = 0; k < a.length; k++) a[k] &= ~b[k];
    return r;
  }
  isEmpty(): boolean {
    const b = this.bits;
    for (let k = 0; k < b.length; k++) if (b[k] !== 0) return false;
    return true;
  }
  equals(o: EventSet): boolean {
    const a = this.bits,
      b = o.bits;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  }
  /** True when every element of this is in o. */
  subsetOf(o: EventSet): boolean {
    const a = this.bits,
      b = o.bits;
    for (let k = 0; k < a.length; k++) if ((a[k] & ~b[k]) !== 0) return false;
    return true;
  }
  size(): number {
    let c = 0;
    const b = this.bits;
    for (let k = 0; k < b.length; k++) c += popcount(b[k]);
    return c;
  }
  *[Symbol.iterator](): IterableIterator<number> {
    const b = this.bits;
    for (let k = 0; k < b.length; k++) {
      let w = b[k];
      while (w) {
        const t = w & -w;
        yield (k << 5) + 31 - Math.clz32(t);
        w ^= t;
      }
    }
  }
  toArray(): number[] {
    const out: number[] = [];
    const b = this.bits;
    for (let k = 0; k < b.length; k++) {
      let w = b[k];
      while (w) {
        const t = w & -w;
        out.push((k << 5) + 31 - Math.clz32(t));
        w ^= t;
      }
    }
    return out;
  }
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * A binary relation over event ids in [0, n): row i holds the successors of i.
 * Stored as one flat word array (n rows of w words) so that the evaluator's operators are tight loops;
 * `rows` exposes each row as an EventSet view sharing that storage (mutating a view mutates the relation).
 */
let selfScratch = new Uint32Array(8);
let busyScratch = new Uint32Array(8);

/**
 * The rows of a ; b (n rows of w words each) written into d, which may be a itself: each row of a is read
 * whole before its row of d is written. Rows of b are sorted first: an empty one contributes nothing, and
 * one holding only its own event j (as in the r? and r* the models compose with) contributes j, which a's
 * row already holds; only the other rows are merged, so a dense a composed with a mostly-reflexive b is cheap.
 */
function seqRows(n: number, w: number, x: Uint32Array, y: Uint32Array, d: Uint32Array): void {
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
    // two words per row (33 to 64 events, the usual size of lock tests): no inner word loop
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
    const row = new Uint32Array(w);
    for (let i = 0; i < n; i++) {
      const base = i * w;
      for (let k = 0; k < w; k++) row[k] = x[base + k] & self[k];
      for (let k = 0; k < w; k++) {
        let v = x[base + k] & busy[k];
        while (v) {
          const t = v & -v;
          const jb = ((k << 5) + 31 - Math.clz32(t)) * w;
          for (let q = 0; q < w; q++) row[q] |= y[jb + q];
          v ^= t;
        }
      }
      d.set(row, base);
    }
  }
}

export class Relation {
  readonly n: number;
  /** Words per row. */
  readonly w: number;
  /** Row i occupies data[i*w, (i+1)*w). */
  readonly data: Uint32Array;
  private _rows?: readonly EventSet[];

  constructor(n: number, rows?: EventSet[] | Uint32Array) {
    this.n = n;
    this.w = (n + 31) >>> 5;
    if (rows instanceof Uint32Array) {
      this.data = rows;
    } else {
      this.data = allocWords(n * this.w);
      if (rows) for (let i = 0; i < n; i++) this.data.set(rows[i].bits, i * this.w);
    }
  }

  /** Row views (successor sets), sharing this relation's storage. */
  get rows(): readonly EventSet[] {
    if (!this._rows) {
      const w = this.w;
      this._rows = Object.freeze(
        Array.from({ length: this.n }, (_, i) => new EventSet(this.n, this.data.subarray(i * w, (i + 1) * w))),
      );
    }
    return this._rows;
  }
  /** A copy of row i's successors. */
  row(i: number): EventSet {
    return new EventSet(this.n, copyWords(this.data.subarray(i * this.w, (i + 1) * this.w)));
  }

  static empty(n: number): Relation {
    return new Relation(n);
  }
  static identity(on: EventSet): Relation {
    const r = new Relation(on.n);
    for (const i of on) r.add(i, i);
    return r;
  }
  /** Cartesian product a * b. */
  static product(a: EventSet, b: EventSet): Relation {
    const r = new Relation(a.n);
    const w = r.w;
    for (const i of a) r.data.set(b.bits, i * w);
    return r;
  }
  static of(n: number, pairs: Iterable<readonly [number, number]>): Relation {
    const r = new Relation(n);
    for (const [i, j] of pairs) r.add(i, j);
    return r;
  }
  has(i: number, j: number): boolean {
    return (this.data[i * this.w + (j >>> 5)] & (1 << (j & 31))) !== 0;
  }
  add(i: number, j: number): this {
    this.data[i * this.w + (j >>> 5)] |= 1 << (j & 31);
    return this;
  }
  delete(i: number, j: number): this {
    this.data[i * this.w + (j >>> 5)] &= ~(1 << (j & 31));
    return this;
  }
  clone(): Relation {
    return new Relation(this.n, copyWords(this.data));
  }
  union(o: Relation): Relation {
    const a = this.data,
      b = o.data,
      d = allocWords(a.length);
    for (let k = 0; k < d.length; k++) d[k] = a[k] | b[k];
    return new Relation(this.n, d);
  }
  inter(o: Relation): Relation {
    const a = this.data,
      b = o.data,
      d = allocWords(a.length);
    for (let k = 0; k < d.length; k++) d[k] = a[k] & b[k];
    return new Relation(this.n, d);
  }
  diff(o: Relation): Relation {
    const a = this.data,
      b = o.data,
      d = allocWords(a.length);
    for (let k = 0; k < d.length; k++) d[k] = a[k] & ~b[k];
    return new Relation(this.n, d);
  }
  /** All pairs not in this (over all n events). */
  complement(): Relation {
    const full = EventSet.full(this.n).bits;
    const d = allocWords(this.data.length),
      a = this.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) for (let k = 0; k < w; k++) d[i * w + k] = full[k] & ~a[i * w + k];
    return new Relation(this.n, d);
  }
  inverse(): Relation {
    const r = new Relation(this.n);
    const a = this.data,
      d = r.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) {
      const ibit = 1 << (i & 31),
        iword = i >>> 5;
      for (let k = 0; k < w; k++) {
        let x = a[i * w + k];
        while (x) {
          const t = x & -x;
          const j = (k << 5) + 31 - Math.clz32(t);
          d[j * w + iword] |= ibit;
          x ^= t;
        }
      }
    }
    return r;
  }
  /** Sequential composition this ; o. */
  seq(o: Relation): Relation {
    const d = allocWords(this.data.length);
    seqRows(this.n, this.w, this.data, o.data, d);
    return new Relation(this.n, d);
  }
  /*
   * In-place forms, for a relation its maker has just created and not yet handed out (values are immutable
   * once shared): they spare the evaluators one fresh relation per step of an n-ary union or a sequence.
   */
  /** this := this | o; returns this. */
  unionInPlace(o: Relation): this {
    const d = this.data,
      b = o.data;
    for (let k = 0; k < d.length; k++) d[k] |= b[k];
    return this;
  }
  /** this := this ; [s]; returns this. */
  restrictRangeInPlace(s: EventSet): this {
    const d = this.data,
      w = this.w,
      b = s.bits;
    if (w === 1) {
      const m = b[0];
      for (let i = 0; i < d.length; i++) d[i] &= m;
    } else if (w === 2) {
      const m0 = b[0],
        m1 = b[1];
      for (let i = 0; i < d.length; i += 2) {
        d[i] &= m0;
        d[i + 1] &= m1;
      }
    } else for (let i = 0; i < this.n; i++) for (let k = 0; k < w; k++) d[i * w + k] &= b[k];
    return this;
  }
  /** this := this ; o (o must not be this: each row is rewritten from itself and o's rows); returns this. */
  seqInPlace(o: Relation): this {
    if (o === this) throw new Error('seqInPlace: operand is the receiver');
    seqRows(this.n, this.w, this.data, o.data, this.data);
    return this;
  }
  /** this \ (o ; o), computed only on the rows this has (singlestep's shape, without the whole o ; o). */
  diffSeqSelf(o: Relation): Relation {
    const n = this.n,
      w = this.w,
      a = this.data,
      b = o.data;
    const d = allocWords(a.length);
    for (let i = 0; i < n; i++) {
      const base = i * w;
      let any = 0;
      for (let k = 0; k < w; k++) any |= a[base + k];
      if (any === 0) continue;
      for (let k = 0; k < w; k++) d[base + k] = a[base + k];
      for (let k = 0; k < w; k++) {
        let x = b[base + k];
        while (x) {
          const t = x & -x;
          const jb = ((k << 5) + 31 - Math.clz32(t)) * w;
          for (let m = 0; m < w; m++) d[base + m] &= ~b[jb + m];
          x ^= t;
        }
      }
    }
    return new Relation(n, d);
  }
  /** [s] ; this */
  restrictDomain(s: EventSet): Relation {
    const a = this.data,
      d = allocWords(a.length),
      w = this.w,
      b = s.bits;
    for (let i = 0; i < this.n; i++)
      if (b[i >>> 5] & (1 << (i & 31))) for (let k = i * w, e = k + w; k < e; k++) d[k] = a[k];
    return new Relation(this.n, d);
  }
  /** this ; [s] */
  restrictRange(s: EventSet): Relation {
    const a = this.data,
      d = allocWords(a.length),
      w = this.w,
      b = s.bits;
    if (w === 1) {
      const m = b[0];
      for (let i = 0; i < d.length; i++) d[i] = a[i] & m;
    } else if (w === 2) {
      const m0 = b[0],
        m1 = b[1];
      for (let i = 0; i < d.length; i += 2) {
        d[i] = a[i] & m0;
        d[i + 1] = a[i + 1] & m1;
      }
    } else for (let i = 0; i < this.n; i++) for (let k = 0; k < w; k++) d[i * w + k] = a[i * w + k] & b[k];
    return new Relation(this.n, d);
  }
  /**
   * Transitive closure: Warshall on bit rows; above 64 events, an acyclic relation (most of what models
   * close) by one depth-first walk instead, each row the union of its successors' closed rows.
   */
  plus(): Relation {
    const r = this.clone();
    // up to two words a row, Warshall's n² cheap steps cost about as little as the walk
    if (this.w <= 2 || !closeAcyclic(this.data, r.data, this.n, this.w)) warshall(r.data, this.n, this.w);
    return r;
  }
  /** Reflexive-transitive closure over all n events. */
  star(): Relation {
    const r = this.plus();
    const d = r.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) d[i * w + (i >>> 5)] |= 1 << (i & 31);
    return r;
  }
  /** Reflexive closure over all n events. */
  opt(): Relation {
    const r = this.clone();
    const d = r.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) d[i * w + (i >>> 5)] |= 1 << (i & 31);
    return r;
  }
  domain(): EventSet {
    const s = new EventSet(this.n),
      d = this.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) {
      for (let k = 0; k < w; k++)
        if (d[i * w + k] !== 0) {
          s.add(i);
          break;
        }
    }
    return s;
  }
  range(): EventSet {
    const s = new EventSet(this.n),
      b = s.bits,
      d = this.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) for (let k = 0; k < w; k++) b[k] |= d[i * w + k];
    return s;
  }
  isEmpty(): boolean {
    const d = this.data;
    for (let k = 0; k < d.length; k++) if (d[k] !== 0) return false;
    return true;
  }
  equals(o: Relation): boolean {
    const a = this.data,
      b = o.data;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  }
  isIrreflexive(): boolean {
    const d = this.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) if (d[i * w + (i >>> 5)] & (1 << (i & 31))) return false;
    return true;
  }
  /** Acyclicity by a depth-first walk (a cycle is an edge back to an event still on the walk's path). */
  isAcyclic(): boolean {
    return closeAcyclic(this.data, null, this.n, this.w);
  }
  /** A cycle as a list of event ids (first repeated implicitly), or undefined when acyclic. */
  findCycle(): number[] | undefined {
    const n = this.n;
    const colour = new Uint8Array(n); // 0 white, 1 grey, 2 black
    const parent = new Int32Array(n).fill(-1);
    for (let s = 0; s < n; s++) {
      if (colour[s]) continue;
      const stack: [number, number[], number][] = [[s, this.row(s).toArray(), 0]];
      colour[s] = 1;
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (top[2] >= top[1].length) {
          colour[top[0]] = 2;
          stack.pop();
          continue;
        }
        const v = top[1][top[2]++];
        if (colour[v] === 1) {
          const cyc = [v];
          for (let u = top[0]; u !== v && u !== -1; u = parent[u]) cyc.push(u);
          return cyc.reverse();
        }
        if (colour[v] === 0) {
          colour[v] = 1;
          parent[v] = top[0];
          stack.push([v, this.row(v).toArray(), 0]);
        }
      }
    }
    return undefined;
  }
  *pairs(): IterableIterator<[number, number]> {
    const d = this.data,
      w = this.w;
    for (let i = 0; i < this.n; i++) {
      for (let k = 0; k < w; k++) {
        let x = d[i * w + k];
        while (x) {
          const t = x & -x;
          yield [i, (k << 5) + 31 - Math.clz32(t)];
          x ^= t;
        }
      }
    }
  }
  size(): number {
    let c = 0;
    const d = this.data;
    for (let k = 0; k < d.length; k++) c += popcount(d[k]);
    return c;
  }
}

/*
 * Scratch arrays of the depth-first walk (closeAcyclic), reused: closures and acyclicity tests are among the
 * evaluators' most frequent operations, and the walk never re-enters itself.
 */
let walkState = new Uint8Array(64);
let walkNode = new Int32Array(64);
let walkWord = new Int32Array(64);
let walkBits = new Int32Array(64);

/**
 * Depth-first walk of the relation in src (n rows of w words); false as soon as it meets a cycle. When
 * acyclic and out is given (a copy of src), each row of out becomes that row's transitive closure: rows are
 * finished in post-order, so a row's successors are all final when it takes their union. When it stops at a
 * cycle, out holds pairs of the closure only (and all of src): Warshall on it then gives the closure.
 */
function closeAcyclic(src: Uint32Array, out: Uint32Array | null, n: number, w: number): boolean {
  if (walkState.length < n) {
    const len = Math.max(n, 2 * walkState.length);
    walkState = new Uint8Array(len);
    walkNode = new Int32Array(len);
    walkWord = new Int32Array(len);
    walkBits = new Int32Array(len);
  }
  // 0: not seen, 1: on the current path, 2: finished
  const state = walkState,
    node = walkNode,
    word = walkWord,
    bits = walkBits;
  state.fill(0, 0, n);
  for (let s = 0; s < n; s++) {
    if (state[s] !== 0) continue;
    let sp = 0;
    node[0] = s;
    word[0] = 0;
    bits[0] = src[s * w];
    state[s] = 1;
    while (sp >= 0) {
      const v = node[sp];
      let k = word[sp],
        x = bits[sp];
      while (x === 0 && ++k < w) x = src[v * w + k];
      if (x !== 0) {
        const t = x & -x;
        bits[sp] = x ^ t;
        word[sp] = k;
        const j = (k << 5) + 31 - Math.clz32(t);
        const sj = state[j];
        if (sj === 0) {
          let any = 0;
          for (let m = j * w, e = m + w; m < e; m++) any |= src[m];
          if (any === 0) {
            // no successor: finished as it is
            state[j] = 2;
            continue;
          }
          state[j] = 1;
          sp++;
          node[sp] = j;
          word[sp] = 0;
          bits[sp] = src[j * w];
        } else if (sj === 1) return false;
        continue;
      }
      // every successor is finished: v's closed row is its successors and their closed rows
      if (out !== null) {
        const vb = v * w;
        if (w === 1) {
          let y = src[v],
            acc = y;
          while (y) {
            const t = y & -y;
            acc |= out[31 - Math.clz32(t)];
            y ^= t;
          }
          out[v] = acc;
        } else {
          for (let kk = 0; kk < w; kk++) {
            let y = src[vb + kk];
            while (y) {
              const t = y & -y;
              const jb = ((kk << 5) + 31 - Math.clz32(t)) * w;
              for (let m = 0; m < w; m++) out[vb + m] |= out[jb + m];
              y ^= t;
            }
          }
        }
      }
      state[v] = 2;
      sp--;
    }
  }
  return true;
}

/** Warshall's transitive closure, in place on n rows of w words. */
function warshall(d: Uint32Array, n: number, w: number): void {
  if (w === 1) {
    for (let k = 0; k < n; k++) {
      const bit = 1 << k,
        rk = d[k];
      if (rk === 0) continue;
      for (let i = 0; i < n; i++) if (d[i] & bit) d[i] |= rk;
    }
  } else if (w === 2) {
    for (let k = 0; k < n; k++) {
      const kw = k >>> 5,
        bit = 1 << (k & 31),
        r0 = d[2 * k],
        r1 = d[2 * k + 1];
      // row k does not change during its own step (row k | row k = row k): read once
      if ((r0 | r1) === 0) continue;
      for (let i = 0; i < n; i++)
        if (d[2 * i + kw] & bit) {
          d[2 * i] |= r0;
          d[2 * i + 1] |= r1;
        }
    }
  } else {
    for (let k = 0; k < n; k++) {
      const kw = k >>> 5,
        bit = 1 << (k & 31),
        kb = k * w;
      for (let i = 0; i < n; i++) {
        const ib = i * w;
        if (d[ib + kw] & bit) for (let m = 0; m < w; m++) d[ib + m] |= d[kb + m];
      }
    }
  }
}
