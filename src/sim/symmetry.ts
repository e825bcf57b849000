// Interchangeable threads: which threads of a test are identical, and how one explored execution stands for its images.
import type { LitmusTest } from './litmus/ast.js';
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

/** Classes (two threads or more) of identical threads, each sorted by thread number. */
export function threadClasses(test: LitmusTest): number[][] {
  const byKey = new Map<string, number[]>();
  test.threads.forEach((th, i) => {
    const regs = test.init
      .filter((e) => e.kind === 'reg' && e.thread === th.id)
      .map((e) => `${e.name}=${JSON.stringify(e.value)}:${e.type ?? ''}`)
      .sort();
    // positions differ between threads; everything else must be equal
    const key = JSON.stringify({ params: th.params, body: th.body, regs }, (k, v) => (k === 'pos' ? undefined : v));
    const g = byKey.get(key);
    if (g) g.push(i);
    else byKey.set(key, [i]);
  });
  return [...byKey.values()].filter((g) => g.length > 1);
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

/** An image standing for `weight` images that agree on every thread the condition and display read. */
export interface WeightedImage {
  /** σ⁻¹ (null: the identity). */
  inv: Int32Array | null;
  weight: number;
}

/**
 * Groups images (identity first, as imagesOf gives them) by what the threads in `relevant` take over:
 * images that agree there have the same final state, so one evaluation serves the group.
 */
export function groupImages(maps: Int32Array[], relevant: number[]): WeightedImage[] {
  const out: WeightedImage[] = [];
  const at = new Map<string, number>();
  maps.forEach((m, i) => {
    const key = relevant.map((t) => m[t]).join(',');
    const k = at.get(key);
    if (k !== undefined) out[k].weight++;
    else {
      at.set(key, out.length);
      out.push({ inv: i === 0 ? null : m, weight: 1 });
    }
  });
  return out;
}
