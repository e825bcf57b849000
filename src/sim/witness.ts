// Witness rendering: a per-CPU timeline (topological order of hb ∪ po ∪ rf) with rf labels and stale reads, and DOT graphs.
import type { Event, Execution, Judgement, Value } from './execution.js';
import type { LitmusTest } from './litmus/ast.js';
import { EventSet, Relation } from './relation.js';
import { showValue } from './sym.js';
import type { Witness, WitnessStep } from './types.js';

interface Kept {
  exec: Execution;
  judgement: Judgement;
  state: Map<string, Value>;
  consistent: boolean;
}

const LOCK_TAGS = new Set(['LKR', 'LKW', 'UL', 'LF', 'RL', 'RU']);

function lockClass(e: Event): string | undefined {
  return e.tags.find((t) => LOCK_TAGS.has(t));
}

/** A short label: `W[once] x=1`, `R[acquire] y=0`, `F[mb]`, `LKR l`. */
export function eventLabel(e: Event): string {
  const lc = lockClass(e);
  if (lc) return `${lc} ${e.loc}`;
  const tags = e.tags.length ? `[${e.tags.join(',')}]` : '';
  const star = e.atomic ? '*' : '';
  if (e.kind === 'F') {
    return e.loc !== undefined ? `SRCU${tags} ${e.loc}${e.value !== undefined ? `=${showValue(e.value)}` : ''}` : `F${tags}`;
  }
  return `${e.kind}${star}${tags} ${e.loc}=${e.value === undefined ? '?' : showValue(e.value)}`;
}

function writerName(exec: Execution, w: number): string {
  const e = exec.events[w];
  if (e.thread < 0) return 'init';
  return `P${e.thread}:${e.source ? `line ${e.source.line}` : `#${e.poIndex}`}`;
}

function asRelation(x: unknown): Relation | undefined {
  return x instanceof Relation ? x : undefined;
}

/** A topological order of hb ∪ po ∪ rf over the non-initial events (cycles, in forbidden candidates, are broken by event order). */
export function timelineOrder(exec: Execution, j: Judgement): number[] {
  const hb = asRelation(j.lookup('hb'));
  const nodes = exec.events.filter((e) => e.thread >= 0).map((e) => e.id);
  const m = nodes.length;
  const indeg = new Int32Array(m);
  const succ: number[][] = nodes.map(() => []);
  for (let x = 0; x < m; x++) {
    for (let y = 0; y < m; y++) {
      if (x === y) continue;
      const a = nodes[x];
      const b = nodes[y];
      if (exec.po.has(a, b) || j.rf.has(a, b) || (hb !== undefined && hb.has(a, b))) {
        succ[x].push(y);
        indeg[y]++;
      }
    }
  }
  // Kahn's algorithm, lowest event id first; a cycle (only in forbidden candidates) is broken the same way.
  const done = new Uint8Array(m);
  const order: number[] = [];
  while (order.length < m) {
    let pick = -1;
    for (let x = 0; x < m; x++) {
      if (!done[x] && indeg[x] === 0) {
        pick = x;
        break;
      }
    }
    if (pick < 0) for (let x = 0; x < m && pick < 0; x++) if (!done[x]) pick = x;
    done[pick] = 1;
    order.push(nodes[pick]);
    for (const y of succ[pick]) indeg[y]--;
  }
  return order;
}

/** The write each read takes its value from (under the judgement's rf, which includes the model's additions). */
function sourceOf(j: Judgement, r: number, n: number): number | undefined {
  for (let w = 0; w < n; w++) if (j.rf.has(w, r)) return w;
  return undefined;
}

export function witnessSteps(exec: Execution, j: Judgement): WitnessStep[] {
  const n = exec.events.length;
  const order = timelineOrder(exec, j);
  const races = raceMap(exec, j);
  const seen = new EventSet(n);
  const steps: WitnessStep[] = [];
  for (const id of order) {
    const e = exec.events[id];
    const step: WitnessStep = {
      thread: e.thread,
      kind: e.kind,
      text: e.source?.text ?? eventLabel(e),
      tags: e.tags,
    };
    if (e.source) step.line = e.source.line;
    if (e.loc !== undefined) step.loc = e.loc;
    if (e.value !== undefined) step.value = e.value;
    if (e.kind === 'R' || lockClass(e) === 'LKR' || lockClass(e) === 'RL' || lockClass(e) === 'RU' || lockClass(e) === 'LF') {
      const w = sourceOf(j, id, n);
      if (w !== undefined) {
        step.readsFrom = writerName(exec, w);
        // Stale: a write that is co-after the one read already appears earlier in this timeline.
        for (const x of seen) if (j.co.has(w, x) && exec.events[x].loc === e.loc) step.stale = true;
        if (step.stale !== true) step.stale = false;
      }
    }
    const partners = races.get(id);
    if (partners) step.racesWith = partners.map((o) => writerName(exec, o));
    seen.add(id);
    steps.push(step);
  }
  return steps;
}

/** Pairs of accesses the model's race relations (ww-race, wr-race, rw-race) relate, by event. */
function raceMap(exec: Execution, j: Judgement): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (!j.consistent || !j.flags.includes('data-race')) return out;
  for (const name of ['ww-race', 'wr-race', 'rw-race']) {
    const r = asRelation(j.lookup(name));
    if (!r) continue;
    for (const [a, b] of r.pairs()) {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ]) {
        const l = out.get(x) ?? [];
        if (!l.includes(y)) l.push(y);
        out.set(x, l);
      }
    }
  }
  void exec;
  return out;
}

/** Relations whose acyclicity (or irreflexivity) the LKMM checks of these names state. */
const CHECK_RELATION: Record<string, string> = { 'happens-before': 'hb', propagation: 'pb', rcu: 'rb' };

function shortEvent(exec: Execution, id: number): string {
  const e = exec.events[id];
  return `${e.thread < 0 ? 'init' : `P${e.thread}`} ${eventLabel(e)}${e.source ? ` (line ${e.source.line})` : ''}`;
}

/** The cycle that makes a named check fail, in words, when the model binds the relation it checks. */
export function failingCycle(exec: Execution, j: Judgement): string | undefined {
  const name = j.failed ? CHECK_RELATION[j.failed] : undefined;
  if (!name) return undefined;
  const r = asRelation(j.lookup(name));
  if (!r) return undefined;
  for (let i = 0; i < r.n; i++) if (r.has(i, i)) return `${name} relates ${shortEvent(exec, i)} to itself`;
  const cyc = r.findCycle();
  if (!cyc) return undefined;
  return `${name} cycle: ${[...cyc, cyc[0]].map((i) => shortEvent(exec, i)).join(' -> ')}`;
}

export function verdictReason(k: Kept, modelName: string): string {
  const j = k.judgement;
  if (!k.consistent) {
    const cyc = failingCycle(k.exec, j);
    return `forbidden by ${modelName}: this candidate execution violates '${j.failed ?? 'a check'}'${cyc ? ` (${cyc})` : ''}`;
  }
  const f = j.flags.length ? `; flags raised: ${j.flags.join(', ')}` : '';
  return `allowed by ${modelName}: the execution passes every check of the model${f}`;
}

export function buildWitness(test: LitmusTest, k: Kept, model: { name: string }): Witness {
  const state: Record<string, Value> = {};
  for (const [key, v] of k.state) state[key] = v;
  return {
    steps: witnessSteps(k.exec, k.judgement),
    state,
    verdictReason: verdictReason(k, model.name),
    flags: k.consistent ? [...k.judgement.flags].sort() : [],
    dot: toDot(test.name, k.exec, k.judgement),
  };
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/**
 * The witness as CPU columns, one event per row in timeline order. Each row shows the source statement
 * the first time the statement appears, then the event; reads say which write they read from, and
 * stale reads (a co-later write to that location is already in the timeline) are marked.
 */
export function formatTimeline(w: Witness): string;
export function formatTimeline(test: LitmusTest, w: Witness): string;
export function formatTimeline(a: Witness | LitmusTest, b?: Witness): string {
  const w = 'steps' in a ? a : b!;
  const threads = 'steps' in a ? Math.max(0, ...w.steps.map((s) => s.thread + 1)) : a.threads.length;
  const rows: string[][] = [];
  const lastLine = new Map<number, number>();
  for (const s of w.steps) {
    const cells: string[] = [];
    if (s.line !== undefined && lastLine.get(s.thread) !== s.line) {
      lastLine.set(s.thread, s.line);
      const head = Array<string>(threads).fill('');
      head[s.thread] = `${s.line}: ${s.text}`;
      rows.push(head);
    }
    let desc = describeStep(s);
    if (s.readsFrom) desc += ` <- ${s.readsFrom}${s.stale ? '  (STALE)' : ''}`;
    if (s.racesWith?.length) desc += `  (RACE with ${s.racesWith.join(', ')})`;
    for (let t = 0; t < threads; t++) cells.push(t === s.thread ? `    ${desc}` : '');
    rows.push(cells);
  }
  const widths = Array.from({ length: threads }, (_, t) =>
    Math.min(60, Math.max(`P${t}`.length, ...rows.map((r) => r[t].length))),
  );
  const line = (cells: string[]) => cells.map((c, t) => pad(c, widths[t])).join(' | ').trimEnd();
  const out: string[] = [];
  out.push(line(widths.map((_, t) => `P${t}`)));
  out.push(widths.map((wd) => '-'.repeat(wd)).join('-+-'));
  for (const r of rows) out.push(line(r));
  const st = Object.entries(w.state)
    .map(([k, v]) => `${k}=${showValue(v)};`)
    .join(' ');
  out.push('');
  out.push(`Outcome: ${st}`);
  out.push(`Verdict: ${w.verdictReason}`);
  if (w.flags.length) out.push(`Flags: ${w.flags.join(', ')}`);
  return out.join('\n') + '\n';
}

function describeStep(s: WitnessStep): string {
  const lc = s.tags.find((t) => LOCK_TAGS.has(t));
  if (lc) return `${lc} ${s.loc}`;
  const tags = s.tags.length ? `[${s.tags.join(',')}]` : '';
  if (s.kind === 'F') return s.loc !== undefined ? `SRCU${tags} ${s.loc}` : `F${tags}`;
  return `${s.kind}${tags} ${s.loc}=${s.value === undefined ? '?' : showValue(s.value)}`;
}

function dotId(e: Event): string {
  return `e${e.id}`;
}

function escape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** DOT graph of an execution: events clustered per thread, with po (immediate), rf, co (immediate) and fr edges. */
export function toDot(name: string, exec: Execution, j: Judgement, caption?: string): string {
  const n = exec.events.length;
  const out: string[] = [];
  out.push(`digraph "${escape(name)}" {`);
  out.push('  rankdir=TB; node [shape=box, fontsize=10]; edge [fontsize=9];');
  const what = caption ?? (j.consistent ? 'allowed execution' : `forbidden candidate (violates '${j.failed ?? '?'}')`);
  out.push(`  labelloc=t; label="${escape(`${name}: ${what}`)}";`);
  const threads = [...new Set(exec.events.map((e) => e.thread))].sort((a, b) => a - b);
  for (const t of threads) {
    const evs = exec.events.filter((e) => e.thread === t);
    out.push(`  subgraph cluster_${t < 0 ? 'init' : `P${t}`} {`);
    out.push(`    label="${t < 0 ? 'init' : `P${t}`}";`);
    for (const e of evs) {
      const lab = t < 0 ? `${e.loc}=${e.value === undefined ? '?' : showValue(e.value)}` : eventLabel(e);
      const src = e.source ? `\\n${escape(e.source.text)}` : '';
      out.push(`    ${dotId(e)} [label="${escape(lab)}${src}"];`);
    }
    out.push('  }');
  }
  const edge = (a: number, b: number, lab: string, colour: string) =>
    out.push(`  e${a} -> e${b} [label="${lab}", color=${colour}, fontcolor=${colour}];`);
  // po: only immediate successors, to keep the graph readable.
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (!exec.po.has(a, b)) continue;
      let immediate = true;
      for (let c = 0; c < n && immediate; c++) if (exec.po.has(a, c) && exec.po.has(c, b)) immediate = false;
      if (immediate) edge(a, b, 'po', 'black');
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (j.rf.has(a, b)) edge(a, b, 'rf', 'red');
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (!j.co.has(a, b)) continue;
      let immediate = true;
      for (let c = 0; c < n && immediate; c++) if (j.co.has(a, c) && j.co.has(c, b)) immediate = false;
      if (immediate) edge(a, b, 'co', 'blue');
    }
  }
  // fr = rf^-1 ; co
  for (let r = 0; r < n; r++) {
    for (let w = 0; w < n; w++) {
      if (!j.rf.has(w, r)) continue;
      for (let w2 = 0; w2 < n; w2++) if (j.co.has(w, w2) && w2 !== r) edge(r, w2, 'fr', 'orange');
    }
  }
  out.push('}');
  return out.join('\n') + '\n';
}
