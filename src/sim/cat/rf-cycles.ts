// Which acyclicity checks of a model contain reads-from, so that a read can be kept from every write it already reaches in one.
/*
 * Why this is sound.  Suppose the model checks `acyclic R`, and R contains every rf edge (or every external
 * one, rfe), possibly restricted as in `[S] ; (… | rfe | …) ; [T]`, in every execution and every `with`
 * branch: this module finds such checks by reading the definitions (unions, closures and that one form of
 * restriction; anything else is not trusted).  Take a partial execution and the lower bound L of R on it
 * (cat/partial.ts: every completion's R contains L).  If a read r reaches a write w in L (r L+ w), then no
 * completion can have r read from w when that edge would be in R (w in S, r in T, and for rfe w on another
 * thread): R would hold the cycle r … w r.  So exploration drops the candidate without judging it.  One
 * bounds evaluation per partial execution serves all its reads and all their candidates.
 *
 * Names are looked up as the model binds them at the check; a check whose names the model binds again later
 * is skipped, because the bounds evaluator reports a name's last binding.
 */
import type { Model } from '../model.js';
import { EventSet, Relation } from '../relation.js';
import type { Expr, Instr } from './ast.js';
import { boundsOf, type PartialInput, type PartialSkeleton } from './partial.js';
import { NATIVE_INCLUDES } from './stdlib.js';
import { EMPTY } from './values.js';

/** How a relation contains reads-from: all of rf or only rfe, with the writes in `dom` and the reads in `ran`. */
interface Containment {
  all: boolean;
  dom: string[];
  ran: string[];
}

/**
 * A check `acyclic R` with R ⊇ (part of) rf, and named relations whose union lies inside R; or (pair) a check
 * `empty … | V | …` with V = `A & rf & Q^-1` (A named relations, in any order): then r cannot read from w when
 * (w, r) is in every A's lower bound and (r, w) in Q's, since (w, r) would be in V (LKMM's plain-coherence:
 * a plain read cannot read from a write it executes before, wr-incoh = pre-race & rf & rw-xbstar^-1).
 */
export interface RfCycleRule {
  check: string;
  parts: string[];
  all: boolean;
  dom: string[];
  ran: string[];
  /** via 'fr': V = A & fr & Q^-1 instead, and r reading w gives fr(r, w') for the writes w' co-after w. */
  pair?: { against: string; withs: string[]; via: 'rf' | 'fr' };
}

/**
 * An atomicity check `empty rmw & (X ; Y)` with X containing fr (or fre) and Y containing co (or coe), as
 * the library generates them: an RMW's read must read from the co-predecessor of its write, since any write
 * w' between the two would give r X w' Y w.  `anyThread`: X and Y contain all of fr and co, so w' may be on
 * the RMW's own thread; otherwise only a w' on another thread counts.
 */
export interface AtomicityRule {
  anyThread: boolean;
}

interface Found {
  rules: RfCycleRule[];
  atomicity?: AtomicityRule;
}

const rulesCache = new WeakMap<Model, Found>();

function found(model: Model): Found {
  let f = rulesCache.get(model);
  if (!f) {
    f = findRules(model);
    rulesCache.set(model, f);
  }
  return f;
}

/** The model's checks that contain reads-from (see above); computed once per model. */
export function rfCycleRules(model: Model): RfCycleRule[] {
  return found(model).rules;
}

/** The model's atomicity check, when it has one in the form AtomicityRule describes. */
export function atomicityRule(model: Model): AtomicityRule | undefined {
  return found(model).atomicity;
}

/** The library relations whose containment is tracked: reads-from, coherence, from-reads, read-modify-write pairs. */
type Base = 'rf' | 'co' | 'fr' | 'rmw';
const BASES: Base[] = ['rf', 'co', 'fr', 'rmw'];

function findRules(model: Model): Found {
  const envs: Record<Base, Map<string, Containment | null>> = { rf: new Map(), co: new Map(), fr: new Map(), rmw: new Map() };
  const env = envs.rf;
  const version = new Map<string, number>();
  const bindAll = (name: string | null, cs: Partial<Record<Base, Containment | null>>): void => {
    if (name === null) return;
    for (const b of BASES) envs[b].set(name, cs[b] ?? null);
    version.set(name, (version.get(name) ?? 0) + 1);
  };
  const bind = (name: string | null, c: Containment | null): void => bindAll(name, { rf: c });
  const ALL: Containment = { all: true, dom: [], ran: [] };
  const EXT: Containment = { all: false, dom: [], ran: [] };
  // the library's own rf and rfe are the execution's reads-from, rmw its read-modify-write pairs; every other
  // library name is opaque, except the coherence order the library generates (and fr, coe, fre from it)
  bindAll('rf', { rf: ALL });
  bindAll('rfe', { rf: EXT });
  bindAll('rmw', { rmw: ALL });
  const NATIVE: Record<string, Partial<Record<Base, Containment>>> = { co: { co: ALL }, coe: { co: EXT }, fr: { fr: ALL }, fre: { fr: EXT } };
  /** Containment of every base by a bound expression; fr also as rf^-1 ; co. */
  const containsAll = (e: Expr): Partial<Record<Base, Containment | null>> => {
    const out: Partial<Record<Base, Containment | null>> = {};
    for (const b of BASES) out[b] = contains(e, envs[b], version);
    if (!out.fr && e.k === 'bin' && e.op === 'seq' && e.args.length === 2 && e.args[0].k === 'un' && e.args[0].op === 'inv') {
      const rf = contains(e.args[0].e, envs.rf, version);
      const co = contains(e.args[1], envs.co, version);
      if (rf && co && rf.all && co.all && !rf.dom.length && !rf.ran.length && !co.dom.length && !co.ran.length) out.fr = ALL;
    }
    return out;
  };
  const plain = (c: Containment | null): c is Containment => !!c && !c.dom.length && !c.ran.length;
  /** Bindings of the form A & rf & Q^-1, with the versions of A and Q when bound (see RfCycleRule.pair). */
  type Form = { against: string; withs: string[]; via: 'rf' | 'fr'; versions: Map<string, number> };
  const pairOf = new Map<string, Form>();
  const pairForm = (e: Expr): Form | undefined => {
    if (e.k !== 'bin' || e.op !== 'inter') return undefined;
    // a & b & c may nest: flatten the intersection
    const args: Expr[] = [];
    const flat = (x: Expr): void => {
      if (x.k === 'bin' && x.op === 'inter') x.args.forEach(flat);
      else args.push(x);
    };
    flat(e);
    let rfSeen = 0;
    let frSeen = 0;
    let against: string | undefined;
    const withs: string[] = [];
    for (const a of args) {
      const c = contains(a, envs.rf, version);
      const f = containsAll(a).fr ?? null;
      if (plain(c) && c.all) rfSeen++;
      else if (plain(f) && f.all) frSeen++;
      else if (a.k === 'un' && a.op === 'inv' && a.e.k === 'var' && against === undefined) against = a.e.name;
      else if (a.k === 'var') withs.push(a.name);
      else return undefined;
    }
    if (rfSeen + frSeen !== 1 || against === undefined) return undefined;
    const versions = new Map<string, number>();
    for (const n of [against, ...withs]) versions.set(n, version.get(n) ?? 0);
    return { against, withs, via: rfSeen ? 'rf' : 'fr', versions };
  };
  let atomicity: AtomicityRule | undefined;
  const found: { rule: RfCycleRule; versions: Map<string, number> }[] = [];
  const including: string[] = [];

  const walk = (instrs: Instr[]): void => {
    for (const i of instrs) {
      switch (i.k) {
        case 'let':
          if (i.rec) for (const b of i.binds) for (const n of names(b.pat)) bind(n, null);
          for (const b of i.binds) {
            if (b.pat.kind === 'one') {
              const form = i.rec ? undefined : pairForm(b.e);
              bindAll(b.pat.name, i.rec ? {} : containsAll(b.e));
              if (b.pat.name !== null) {
                if (form) pairOf.set(b.pat.name, form);
                else pairOf.delete(b.pat.name);
              }
            }
            else for (const n of b.pat.names) bind(n, null);
          }
          break;
        case 'with':
          bind(i.name, null);
          break;
        case 'include': {
          const nat = NATIVE_INCLUDES[i.file];
          if (nat) {
            for (const ni of nat) {
              if (ni.k !== 'let' && ni.k !== 'with') continue;
              const name = ni.k === 'let' ? ni.def.name : ni.name;
              bindAll(name, NATIVE[name] ?? {});
            }
            break;
          }
          const f = model.included.get(i.file);
          if (!f || including.includes(i.file)) break;
          including.push(i.file);
          walk(f.instrs);
          including.pop();
          break;
        }
        case 'test': {
          if (i.kind === 'check' && i.op === 'empty' && !i.neg && i.e.k === 'bin' && i.e.op === 'inter' && i.e.args.length === 2) {
            // (an atomicity check; it is not a pair rule: neither argument is rf)
            // empty rmw & (X ; Y), either way round
            for (const [a, sq] of [i.e.args, [...i.e.args].reverse()]) {
              if (!plain(contains(a, envs.rmw, version)) || contains(a, envs.rmw, version)?.all !== true) continue;
              if (sq.k !== 'bin' || sq.op !== 'seq' || sq.args.length !== 2) continue;
              const x = contains(sq.args[0], envs.fr, version);
              const y = contains(sq.args[1], envs.co, version);
              if (plain(x) && plain(y)) atomicity = { anyThread: (atomicity?.anyThread ?? false) || (x.all && y.all) };
            }
            // empty … | V | … with V = A & rf & Q^-1
          }
          if (i.kind === 'check' && i.op === 'empty' && !i.neg) {
            for (const v of unionNames(i.e)) {
              const form = pairOf.get(v);
              if (!form) continue;
              found.push({ rule: { check: i.name ?? '?', parts: [], all: true, dom: [], ran: [], pair: { against: form.against, withs: form.withs, via: form.via } }, versions: form.versions });
            }
            break;
          }
          if (i.kind !== 'check' || i.op !== 'acyclic' || i.neg) break;
          const c = contains(i.e, env, version);
          const parts = unionNames(i.e);
          if (!c || !parts.length) break;
          const versions = new Map<string, number>();
          for (const n of [...parts, ...c.dom, ...c.ran]) versions.set(n, version.get(n) ?? 0);
          found.push({ rule: { check: i.name ?? '?', parts, all: c.all, dom: c.dom, ran: c.ran }, versions });
          break;
        }
        default:
          break;
      }
    }
  };
  if (model.bell) walk(model.bell.instrs);
  walk(model.cat.instrs);
  // keep a rule only if every name it reads is still bound as it was at the check
  const rules = found.filter((f) => [...f.versions].every(([n, v]) => (version.get(n) ?? 0) === v)).map((f) => f.rule);
  return atomicity ? { rules, atomicity } : { rules };
}

function names(pat: { kind: 'one'; name: string | null } | { kind: 'tuple'; names: (string | null)[] }): (string | null)[] {
  return pat.kind === 'one' ? [pat.name] : pat.names;
}

/** How e contains reads-from, or null when that cannot be read off its syntax. */
function contains(e: Expr, env: Map<string, Containment | null>, version: Map<string, number>): Containment | null {
  switch (e.k) {
    case 'var':
      return env.get(e.name) ?? null;
    case 'un':
      // R+ and R* and R? contain R
      return e.op === 'plus' || e.op === 'star' || e.op === 'opt' ? contains(e.e, env, version) : null;
    case 'bin': {
      if (e.op === 'union') {
        let best: Containment | null = null;
        for (const a of e.args) {
          const c = contains(a, env, version);
          if (c && (!best || score(c) > score(best))) best = c;
        }
        return best;
      }
      if (e.op === 'inter' && e.args.length === 2) {
        // rf & ext (the library's ext, never rebound): the external part
        const ext = e.args.findIndex((a) => a.k === 'var' && a.name === 'ext');
        if (ext < 0 || version.has('ext')) return null;
        const c = contains(e.args[1 - ext], env, version);
        return c ? { ...c, all: false } : null;
      }
      if (e.op === 'seq') {
        // [S] ; … ; X ; … ; [T]: X's rf edges whose write is in every S and read in every T
        const mid = e.args.filter((a) => a.k !== 'toid');
        if (mid.length !== 1) return null;
        const at = e.args.indexOf(mid[0]);
        const dom: string[] = [];
        const ran: string[] = [];
        for (let k = 0; k < e.args.length; k++) {
          if (k === at) continue;
          const a = e.args[k] as Expr & { k: 'toid' };
          if (a.e.k !== 'var') return null;
          (k < at ? dom : ran).push(a.e.name);
        }
        const c = contains(mid[0], env, version);
        return c ? { all: c.all, dom: [...c.dom, ...dom], ran: [...c.ran, ...ran] } : null;
      }
      return null;
    }
    default:
      return null;
  }
}

/** Prefer all of rf over rfe, then fewer restrictions. */
function score(c: Containment): number {
  return (c.all ? 100 : 0) - c.dom.length - c.ran.length;
}

/** The named relations of a union (or the one name), whose lower bounds together bound the whole from below. */
function unionNames(e: Expr): string[] {
  if (e.k === 'var') return [e.name];
  if (e.k === 'bin' && e.op === 'union') return e.args.flatMap((a) => (a.k === 'var' ? [a.name] : []));
  return [];
}

/** One rule on one partial execution: r cannot read from w when w ∈ dom, r ∈ ran, (all or w on another thread) and r reach w. */
export interface RfReach {
  /** Transitive closure of the rule's lower bound (cycle rules). */
  reach?: Relation;
  /**
   * Pair rules: (r, w) must be in against, (w, r) in every one of withs (lower bounds); via fr, for a w' co-after
   * w. against is computed only when some pair is in all of withs (it may cost a bounds evaluation of its own).
   */
  against?: () => Relation | undefined;
  withs?: Relation[];
  via?: 'rf' | 'fr';
  all: boolean;
  /** Writes and reads certainly in the restricting sets (undefined: no restriction). */
  dom?: EventSet;
  ran?: EventSet;
}

/** The rules' reachability on one partial execution (undefined when its bounds cannot be computed). */
export function rfReach(sk: PartialSkeleton, input: PartialInput, rules: RfCycleRule[]): RfReach[] | undefined {
  const wanted = new Set<string>();
  for (const r of rules) for (const n of [...r.parts, ...r.dom, ...r.ran, ...(r.pair ? r.pair.withs : [])]) wanted.add(n);
  const b = boundsOf(sk, input, wanted, true);
  if (!b) return undefined;
  const n = input.exec.events.length;
  const out: RfReach[] = [];
  const setOf = (names: string[]): EventSet | undefined | null => {
    let s: EventSet | undefined;
    for (const nm of names) {
      const v = b.get(nm)?.lo;
      if (v === undefined) return null;
      const e = v === EMPTY ? EventSet.empty(n) : v instanceof EventSet ? v : null;
      if (!e) return null;
      s = s ? s.inter(e) : e;
    }
    return s;
  };
  for (const r of rules) {
    if (r.pair) {
      const withs = r.pair.withs.map((nm) => b.get(nm)?.lo);
      // an empty lower bound (or one the bounds could not give) makes the rule say nothing
      if (!withs.every((x) => x instanceof Relation)) continue;
      const name = r.pair.against;
      let against: Relation | undefined | null = null;
      const get = (): Relation | undefined => {
        if (against === null) {
          const v = boundsOf(sk, input, [name], true)?.get(name)?.lo;
          against = v instanceof Relation ? v : undefined;
        }
        return against;
      };
      out.push({ all: true, against: get, withs: withs as Relation[], via: r.pair.via });
      continue;
    }
    const lo = new Relation(n);
    for (const p of r.parts) {
      const v = b.get(p)?.lo;
      if (v instanceof Relation) lo.data.set(lo.union(v).data);
    }
    const dom = setOf(r.dom);
    const ran = setOf(r.ran);
    if (dom === null || ran === null) continue;
    const x: RfReach = { reach: lo.plus(), all: r.all };
    if (dom) x.dom = dom;
    if (ran) x.ran = ran;
    out.push(x);
  }
  return out;
}

/**
 * Whether some rule keeps read r (of thread tr) from reading write w (of thread tw; -1 for initial writes).
 * `coAfter(w)`: writes every completion's generated co puts after w (for the fr pair rules; none if omitted).
 */
export function reachForbids(rules: RfReach[], r: number, tr: number, w: number, tw: number, coAfter?: (w: number) => Iterable<number>): boolean {
  for (const x of rules) {
    if (x.via === 'fr') {
      if (coAfter) for (const w2 of coAfter(w)) if (x.withs!.every((y) => y.has(r, w2)) && x.against!()?.has(w2, r)) return true;
      continue;
    }
    if (!x.all && tw === tr) continue;
    if (x.dom && !x.dom.has(w)) continue;
    if (x.ran && !x.ran.has(r)) continue;
    if (x.reach?.has(r, w)) return true;
    if (x.against && x.withs!.every((y) => y.has(w, r)) && x.against()?.has(r, w)) return true;
  }
  return false;
}
