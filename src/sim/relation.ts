// Bitset event sets and relations over the events of one execution: the values the cat evaluator computes with.

/** A set of event ids in [0, n), stored as 32-bit words. Immutable by convention once shared. */
export class EventSet {
  constructor(
    readonly n: number,
    readonly bits: Uint32Array = new Uint32Array((n + 31) >>> 5),
  ) {}

  static empty(n: number): EventSet {
    return new EventSet(n);
  }
  static full(n: number): EventSet {
    const s = new EventSet(n);
    for (let i = 0; i < n; i++) s.add(i);
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
    return new EventSet(this.n, this.bits.slice());
  }
  union(o: EventSet): EventSet {
    const r = this.clone();
    for (let k = 0; k < r.bits.length; k++) r.bits[k] |= o.bits[k];
    return r;
  }
  inter(o: EventSet): EventSet {
    const r = this.clone();
    for (let k = 0; k < r.bits.length; k++) r.bits[k] &= o.bits[k];
    return r;
  }
  diff(o: EventSet): EventSet {
    const r = this.clone();
    for (let k = 0; k < r.bits.length; k++) r.bits[k] &= ~o.bits[k];
    return r;
  }
  complement(): EventSet {
    const r = new EventSet(this.n);
    for (let i = 0; i < this.n; i++) if (!this.has(i)) r.add(i);
    return r;
  }
  isEmpty(): boolean {
    for (let k = 0; k < this.bits.length; k++) if (this.bits[k] !== 0) return false;
    return true;
  }
  equals(o: EventSet): boolean {
    for (let k = 0; k < this.bits.length; k++) if (this.bits[k] !== o.bits[k]) return false;
    return true;
  }
  size(): number {
    let c = 0;
    for (let k = 0; k < this.bits.length; k++) {
      let w = this.bits[k];
      while (w) {
        w &= w - 1;
        c++;
      }
    }
    return c;
  }
  *[Symbol.iterator](): IterableIterator<number> {
    for (let k = 0; k < this.bits.length; k++) {
      let w = this.bits[k];
      while (w) {
        const b = 31 - Math.clz32(w & -w);
        yield (k << 5) + b;
        w &= w - 1;
      }
    }
  }
  toArray(): number[] {
    return [...this];
  }
}

/** A binary relation over event ids in [0, n): row i holds the successors of i. */
export class Relation {
  readonly rows: EventSet[];
  constructor(
    readonly n: number,
    rows?: EventSet[],
  ) {
    this.rows = rows ?? Array.from({ length: n }, () => new EventSet(n));
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
    for (const i of a) r.rows[i] = b.clone();
    return r;
  }
  static of(n: number, pairs: Iterable<readonly [number, number]>): Relation {
    const r = new Relation(n);
    for (const [i, j] of pairs) r.add(i, j);
    return r;
  }
  has(i: number, j: number): boolean {
    return this.rows[i].has(j);
  }
  add(i: number, j: number): this {
    this.rows[i].add(j);
    return this;
  }
  clone(): Relation {
    return new Relation(
      this.n,
      this.rows.map((r) => r.clone()),
    );
  }
  union(o: Relation): Relation {
    return new Relation(
      this.n,
      this.rows.map((r, i) => r.union(o.rows[i])),
    );
  }
  inter(o: Relation): Relation {
    return new Relation(
      this.n,
      this.rows.map((r, i) => r.inter(o.rows[i])),
    );
  }
  diff(o: Relation): Relation {
    return new Relation(
      this.n,
      this.rows.map((r, i) => r.diff(o.rows[i])),
    );
  }
  inverse(): Relation {
    const r = new Relation(this.n);
    for (let i = 0; i < this.n; i++) for (const j of this.rows[i]) r.add(j, i);
    return r;
  }
  /** Sequential composition this ; o. */
  seq(o: Relation): Relation {
    const r = new Relation(this.n);
    for (let i = 0; i < this.n; i++) {
      const out = r.rows[i].bits;
      for (const j of this.rows[i]) {
        const b = o.rows[j].bits;
        for (let k = 0; k < out.length; k++) out[k] |= b[k];
      }
    }
    return r;
  }
  /** [s] ; this */
  restrictDomain(s: EventSet): Relation {
    return new Relation(
      this.n,
      this.rows.map((r, i) => (s.has(i) ? r.clone() : new EventSet(this.n))),
    );
  }
  /** this ; [s] */
  restrictRange(s: EventSet): Relation {
    return new Relation(
      this.n,
      this.rows.map((r) => r.inter(s)),
    );
  }
  /** Transitive closure (Warshall on bit rows). */
  plus(): Relation {
    const r = this.clone();
    for (let k = 0; k < this.n; k++) {
      const rk = r.rows[k].bits;
      for (let i = 0; i < this.n; i++) {
        if (r.rows[i].has(k)) {
          const ri = r.rows[i].bits;
          for (let w = 0; w < ri.length; w++) ri[w] |= rk[w];
        }
      }
    }
    return r;
  }
  /** Reflexive-transitive closure over all n events. */
  star(): Relation {
    return this.plus().union(Relation.identity(EventSet.full(this.n)));
  }
  /** Reflexive closure over all n events. */
  opt(): Relation {
    return this.union(Relation.identity(EventSet.full(this.n)));
  }
  domain(): EventSet {
    const s = new EventSet(this.n);
    for (let i = 0; i < this.n; i++) if (!this.rows[i].isEmpty()) s.add(i);
    return s;
  }
  range(): EventSet {
    const s = new EventSet(this.n);
    for (const r of this.rows) for (let k = 0; k < s.bits.length; k++) s.bits[k] |= r.bits[k];
    return s;
  }
  isEmpty(): boolean {
    return this.rows.every((r) => r.isEmpty());
  }
  equals(o: Relation): boolean {
    return this.rows.every((r, i) => r.equals(o.rows[i]));
  }
  isIrreflexive(): boolean {
    for (let i = 0; i < this.n; i++) if (this.rows[i].has(i)) return false;
    return true;
  }
  isAcyclic(): boolean {
    return this.findCycle() === undefined;
  }
  /** A cycle as a list of event ids (first repeated implicitly), or undefined when acyclic. */
  findCycle(): number[] | undefined {
    const colour = new Uint8Array(this.n); // 0 white, 1 grey, 2 black
    const parent = new Int32Array(this.n).fill(-1);
    for (let s = 0; s < this.n; s++) {
      if (colour[s]) continue;
      const stack: [number, IterableIterator<number>][] = [[s, this.rows[s][Symbol.iterator]()]];
      colour[s] = 1;
      while (stack.length) {
        const top = stack[stack.length - 1];
        const nx = top[1].next();
        if (nx.done) {
          colour[top[0]] = 2;
          stack.pop();
          continue;
        }
        const v = nx.value;
        if (colour[v] === 1) {
          const cyc = [v];
          for (let u = top[0]; u !== v && u !== -1; u = parent[u]) cyc.push(u);
          return cyc.reverse();
        }
        if (colour[v] === 0) {
          colour[v] = 1;
          parent[v] = top[0];
          stack.push([v, this.rows[v][Symbol.iterator]()]);
        }
      }
    }
    return undefined;
  }
  *pairs(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.n; i++) for (const j of this.rows[i]) yield [i, j];
  }
  size(): number {
    return this.rows.reduce((a, r) => a + r.size(), 0);
  }
}
