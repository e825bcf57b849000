// Interchangeable threads: which threads of a test are identical, and how one explored execution stands for its images.
import type { LitmusTest, Stmt } from './litmus/ast.js';
import { EventSet, Relation } from './relation.js';

/*
 * Why this is sound.  Two threads with the same parameters, the same body and the same initial
 * registers produce the same events in the same program order; only the thread number differs.  A cat
 * model cannot name a thread number (po, rf, co, ext/int, tags and locations carry no thread identity),
 * so renumbering the threads of a candidate execution maps it to a candidate execution with the same
 * judgement.  The group G of such renumberings (any permutation within each class of identical threads)
 * therefore acts on the consistent executions, and exploration needs to visit only one "prefix" per
 * orbit, where a prefix is the path chosen for every thread and the order chosen for each lock's writes.
 *
 * The chosen prefix is the canonical one: within a class, threads sorted by number have non-decreasing
 * keys (path index, position of their first lock write in the lock orders, or "never").  Two prefixes of
 * one orbit that are both canonical are equal (a renumbering that keeps sorted, pairwise distinct keys
 * in place is the identity, and threads with equal keys take no lock and follow the same path, so
 * swapping them changes nothing).  Every execution E found under a canonical prefix p then stands for
 * the executions σ(E), one per distinct image σ(p); these are all distinct, and together over all
 * canonical prefixes they are every consistent execution exactly once.  σ(E) has the same shared
 * memory and the same flags as E; thread σ(t) holds the registers that thread t holds in E.  So the
 * counts and final states come from evaluating the condition once per image, and the model is run once.
 */

/** Classes of interchangeable threads, and the locations each member has to itself. */
export interface ThreadSymmetry {
  /** Classes of two threads or more, each sorted by thread number. */
  classes: number[][];
  /**
   * privates[k][i]: the locations only the i-th member of class k uses, one per private parameter position
   * (the same positions, in the same order, for every member; empty when the class has none).
   */
  privates: string[][][];
}

/**
 * Threads are interchangeable when their bodies are the same once each parameter is named by its
 * position, their parameter types and initial registers are the same, and every parameter position
 * either names one location for all of them (shared) or a location of each one's own (private).
 * Renumbering such threads then also renames their private locations, which must be alike in every
 * other respect: used by no other thread or position, not locks, the same initial value, not pointed to
 * by an initial value, and observed by the condition for all members or for none (herd's FW set holds
 * the final writes of observed locations, and a model may read it).  A group of identical bodies that
 * fails one of these is split into threads with identical parameters, which are interchangeable as
 * they stand.
 */
export function threadSymmetry(test: LitmusTest, observed: ReadonlySet<string> = new Set()): ThreadSymmetry {
  const regsOf = (id: number): string[] =>
    test.init
      .filter((e) => e.kind === 'reg' && e.thread === id)
      .map((e) => `${e.name}=${JSON.stringify(e.value)}:${e.type ?? ''}`)
      .sort();
  const keyOf = (th: LitmusTest['threads'][number], byPosition: boolean): string => {
    const rename = new Map<string, string>();
    if (byPosition) th.params.forEach((p, i) => rename.set(p.name, `$${i}`));
    // positions differ between threads; parameters become their positions
    return JSON.stringify({ types: th.params.map((p) => p.type), names: byPosition ? undefined : th.params.map((p) => p.name), body: th.body, regs: regsOf(th.id) }, (k, v) => {
      if (k === 'pos') return undefined;
      if (v && typeof v === 'object' && v.k === 'id' && rename.has(v.name)) return { k: 'id', name: rename.get(v.name) };
      return v;
    });
  };
  const groupBy = (ts: number[], key: (t: number) => string): number[][] => {
    const m = new Map<string, number[]>();
    for (const t of ts) {
      const k = key(t);
      const g = m.get(k);
      if (g) g.push(t);
      else m.set(k, [t]);
    }
    return [...m.values()];
  };
  const all = test.threads.map((_, i) => i);
  // a parameter shadowed by a local declaration keeps its name (renaming it would mix the two up)
  const shadowed = (i: number): boolean => {
    const declared = new Set<string>();
    collectDecls(test.threads[i].body, declared);
    return test.threads[i].params.some((p) => declared.has(p.name));
  };
  const found: { members: number[]; priv: string[][] }[] = [];
  const claimed = new Set<string>();
  for (const g of groupBy(all, (i) => keyOf(test.threads[i], !shadowed(i)))) {
    if (g.length < 2) continue;
    const priv = privateLocations(test, g, observed, claimed);
    if (priv) {
      found.push({ members: g, priv });
      for (const names of priv) for (const n of names) claimed.add(n);
      continue;
    }
    for (const sub of groupBy(g, (i) => keyOf(test.threads[i], false))) {
      if (sub.length > 1) found.push({ members: sub, priv: sub.map(() => []) });
    }
  }
  found.sort((a, b) => a.members[0] - b.members[0]);
  return { classes: found.map((f) => f.members), privates: found.map((f) => f.priv) };
}

function collectDecls(stmts: Stmt[], out: Set<string>): void {
  for (const st of stmts) {
    switch (st.k) {
      case 'decl':
        for (const d of st.names) out.add(d.name);
        break;
      case 'if':
        collectDecls(st.else ? [st.then, st.else] : [st.then], out);
        break;
      case 'while':
        collectDecls([st.body], out);
        break;
      case 'for':
        collectDecls(st.init ? [st.init, st.body] : [st.body], out);
        break;
      case 'block':
        collectDecls(st.body, out);
        break;
      default:
        break;
    }
  }
}

/**
 * For a group of threads with the same body up to parameter names: per member, its private locations
 * (one per private position), or undefined when the group's locations do not allow renaming them.
 */
function privateLocations(test: LitmusTest, g: number[], observed: ReadonlySet<string>, claimed: ReadonlySet<string>): string[][] | undefined {
  const params = g.map((t) => test.threads[t].params);
  const width = params[0].length;
  const positions: number[] = [];
  for (let p = 0; p < width; p++) {
    const names = params.map((ps) => ps[p].name);
    const distinct = new Set(names).size;
    if (distinct === 1) continue;
    if (distinct !== g.length) return undefined;
    // locks (and SRCU domains) stay shared: their events are ordered by location name in the search
    if (/lock|srcu/i.test(params[0][p].type)) return undefined;
    positions.push(p);
  }
  const priv = params.map((ps) => positions.map((p) => ps[p].name));
  if (!positions.length) return priv;
  // where every location is named as a parameter
  const uses = new Map<string, number>();
  for (const th of test.threads) for (const p of th.params) uses.set(p.name, (uses.get(p.name) ?? 0) + 1);
  const mine = new Set(priv.flat());
  for (const n of mine) if (uses.get(n) !== 1 || claimed.has(n)) return undefined;
  const initOf = (n: string): string => {
    const e = test.init.find((i) => i.kind === 'loc' && i.name === n);
    return e && e.kind === 'loc' ? JSON.stringify({ t: e.type, v: e.value }) : '';
  };
  for (const i of test.init) if (i.value && 'loc' in i.value && mine.has(i.value.loc)) return undefined;
  for (let k = 0; k < positions.length; k++) {
    const names = priv.map((ns) => ns[k]);
    if (new Set(names.map(initOf)).size !== 1) return undefined;
    const seen = names.filter((n) => observed.has(n)).length;
    if (seen !== 0 && seen !== names.length) return undefined;
  }
  return priv;
}

/** A thread's place in its class: which class (-1: none) and the thread numbers of earlier class members. */
export interface ClassIndex {
  classOf: Int32Array;
  /** For each thread, the class members numbered below it. */
  earlier: number[][];
}

export function classIndex(classes: number[][], nThreads: number): ClassIndex {
  const classOf = new Int32Array(nThreads).fill(-1);
  const earlier: number[][] = Array.from({ length: nThreads }, () => []);
  classes.forEach((c, k) => {
    c.forEach((t, i) => {
      classOf[t] = k;
      earlier[t] = c.slice(0, i);
    });
  });
  return { classOf, earlier };
}

/** Whether a path choice is canonical: within each class, path indices do not decrease with the thread number. */
export function canonicalPaths(classes: number[][], pathIdx: ArrayLike<number>): boolean {
  for (const c of classes) for (let i = 1; i < c.length; i++) if (pathIdx[c[i - 1]] > pathIdx[c[i]]) return false;
  return true;
}

/**
 * The distinct images of a canonical prefix, as maps from a thread of the image to the thread of the
 * explored execution whose behaviour it has (σ⁻¹).  `key[t]` is thread t's key in the prefix (see
 * above; equal keys only for threads that the prefix cannot tell apart).  The identity comes first.
 */
export function imagesOf(classes: number[][], key: ArrayLike<number>, nThreads: number): Int32Array[] {
  // per class: every distinct arrangement of its members' keys over its positions
  const perClass: Int32Array[][] = classes.map((c) => arrangements(c, key));
  const out: Int32Array[] = [];
  const cur = new Int32Array(nThreads);
  for (let t = 0; t < nThreads; t++) cur[t] = t;
  const go = (k: number): void => {
    if (k === classes.length) {
      out.push(cur.slice());
      return;
    }
    const c = classes[k];
    for (const arr of perClass[k]) {
      for (let i = 0; i < c.length; i++) cur[c[i]] = arr[i];
      go(k + 1);
    }
    for (const t of c) cur[t] = t;
  };
  go(0);
  return out;
}

/**
 * For one class (members sorted, keys non-decreasing along them): each distinct way of giving the
 * members' behaviours to the class positions, as "position i takes the behaviour of member arr[i]".
 * Members with equal keys are interchangeable, so only the arrangement of keys counts; members of a tie
 * are handed out in order.  The identity arrangement comes first.
 */
function arrangements(members: number[], key: ArrayLike<number>): Int32Array[] {
  const m = members.length;
  // label[i]: the tie group of member i (members sorted, so ties are adjacent)
  const label = new Int32Array(m);
  for (let i = 1; i < m; i++) label[i] = key[members[i]] === key[members[i - 1]] ? label[i - 1] : label[i - 1] + 1;
  const groups: number[][] = [];
  for (let i = 0; i < m; i++) (groups[label[i]] ??= []).push(members[i]);
  const out: Int32Array[] = [];
  const arr = Array.from(label);
  // distinct permutations of a multiset in lexicographic order, starting from the sorted one (identity)
  for (;;) {
    const next = new Int32Array(m);
    const used = new Int32Array(groups.length);
    for (let i = 0; i < m; i++) next[i] = groups[arr[i]][used[arr[i]]++];
    out.push(next);
    let i = m - 2;
    while (i >= 0 && arr[i] >= arr[i + 1]) i--;
    if (i < 0) break;
    let j = m - 1;
    while (arr[j] <= arr[i]) j--;
    [arr[i], arr[j]] = [arr[j], arr[i]];
    for (let a = i + 1, b = m - 1; a < b; a++, b--) [arr[a], arr[b]] = [arr[b], arr[a]];
  }
  return out;
}

/** r carried over by an event map (event e becomes map[e]). */
export function permuteRelation(r: Relation, map: Int32Array): Relation {
  const out = new Relation(r.n);
  for (const [a, b] of r.pairs()) out.add(map[a], map[b]);
  return out;
}

export function permuteSet(s: EventSet, map: Int32Array): EventSet {
  const out = EventSet.empty(s.n);
  for (const e of s) out.add(map[e]);
  return out;
}

/** An image standing for `weight` images that agree on everything the condition and display read. */
export interface WeightedImage {
  /** σ⁻¹ (null: the identity). */
  inv: Int32Array | null;
  weight: number;
  /** Private locations renamed by the image: image location → explored one (locInv) and back (locFwd). */
  locInv?: Map<string, string>;
  locFwd?: Map<string, string>;
}

/** How an image (σ⁻¹ = inv) renames the private locations of the threads it renumbers. */
export function locationMaps(sym: ThreadSymmetry, inv: Int32Array): { locInv: Map<string, string>; locFwd: Map<string, string> } | undefined {
  let locInv: Map<string, string> | undefined;
  sym.classes.forEach((c, k) => {
    const priv = sym.privates[k];
    if (!priv[0]?.length) return;
    c.forEach((t, a) => {
      const u = inv[t];
      if (u === t) return;
      const b = c.indexOf(u);
      priv[a].forEach((name, p) => (locInv ??= new Map()).set(name, priv[b][p]));
    });
  });
  if (!locInv) return undefined;
  return { locInv, locFwd: new Map([...locInv].map(([a, b]) => [b, a])) };
}

/**
 * Groups images (identity first, as imagesOf gives them) by what the threads in `relevant` take over:
 * images that agree there have the same final state, so one evaluation serves the group.  With private
 * locations, values may point at them, so images are told apart by their renaming as well.
 */
export function groupImages(maps: Int32Array[], relevant: number[], sym: ThreadSymmetry): WeightedImage[] {
  const out: WeightedImage[] = [];
  const at = new Map<string, number>();
  const renames = sym.privates.some((p) => p[0]?.length);
  maps.forEach((m, i) => {
    const lm = i === 0 || !renames ? undefined : locationMaps(sym, m);
    const key = relevant.map((t) => m[t]).join(',') + (renames ? `|${[...m].join(',')}` : '');
    const k = at.get(key);
    if (k !== undefined) out[k].weight++;
    else {
      at.set(key, out.length);
      out.push({ inv: i === 0 ? null : m, weight: 1, ...(lm ?? {}) });
    }
  });
  return out;
}
