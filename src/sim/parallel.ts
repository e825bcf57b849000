// Splits one large lock-order search across worker threads and brings their parts' results back (explore.ts runs one part itself).
/*
 * Why it is safe.  A part is a set of "units": the choices of which lock write comes first in the first
 * lock's order.  Every execution of the path choice falls in exactly one unit, so parts that together
 * cover all units find every execution exactly once, and their counts add up.  Kept executions (witness,
 * first consistent execution, first of each flag) are taken from the earliest unit that has one, which is
 * what one thread searching the units in order would keep.  A part that does not report (its worker could
 * not start, failed, or ran past the deadline) is searched again by the calling thread, so a worker can
 * make a search faster but never change its result.
 *
 * explore() is synchronous, so results come back synchronously: each worker posts one message on a port of
 * its own and flags a shared word; the caller waits on the word (Atomics.wait) and reads the message with
 * receiveMessageOnPort.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Event, Execution, Judgement, Value } from './execution.js';
import { EventSet, Relation } from './relation.js';
import type { Bounds } from './types.js';

/** One part of a search: the path choice it belongs to (its indices joined) and its units. */
export interface Share {
  combo: string;
  units: number[];
}

/** How to run a test in a worker: everything a worker needs to rebuild the test and the model. */
export interface WorkerSpec {
  modelDir: string;
  testText: string;
  file: string;
  bounds: Bounds;
  prune: 'auto' | 'on' | 'off';
  coherence: boolean;
}

/** A relation or set as it crosses threads. */
type WireRel = { n: number; data: Uint32Array };
type WireSet = { n: number; bits: Uint32Array };

/** A kept execution as it crosses threads (Judgement.lookup becomes the relations witnesses read). */
export interface WireKept {
  events: Event[];
  po: WireRel;
  rf: WireRel;
  rmw: WireRel;
  addr: WireRel;
  data: WireRel;
  ctrl: WireRel;
  IW: WireSet;
  observedLocs?: string[];
  coSplit?: WireRel;
  consistent: boolean;
  failed?: string;
  flags: string[];
  co: WireRel;
  jrf: WireRel;
  named: [string, WireRel | WireSet][];
  state: [string, Value][];
}

/** What a part reports: the aggregates exploration keeps, and its kept executions with their units. */
export interface ShareResult {
  states: [string, Value[]][];
  positive: number;
  negative: number;
  candidates: number;
  consistent: number;
  pruned: number;
  flags: string[];
  inconclusive?: { reason: string };
  loop?: boolean;
  /** kind: 'witness', 'forbidden', 'sample' or 'flag:<name>'. */
  kept: { kind: string; unit: number; k: WireKept }[];
}

/** Relations the witness and DOT code read through Judgement.lookup (src/sim/witness.ts). */
const LOOKUPS = ['hb', 'pb', 'rb', 'ww-race', 'wr-race', 'rw-race'];

const rel = (r: Relation): WireRel => ({ n: r.n, data: r.data.slice() });
const unRel = (w: WireRel): Relation => new Relation(w.n, w.data);

export function toWire(k: { exec: Execution; judgement: Judgement; state: Map<string, Value>; consistent: boolean }): WireKept {
  const x = k.exec;
  const j = k.judgement;
  const named: [string, WireRel | WireSet][] = [];
  for (const nm of LOOKUPS) {
    const v = j.lookup(nm);
    if (v instanceof Relation) named.push([nm, rel(v)]);
    else if (v instanceof EventSet) named.push([nm, { n: v.n, bits: v.bits.slice() }]);
  }
  const out: WireKept = {
    events: x.events,
    po: rel(x.po),
    rf: rel(x.rf),
    rmw: rel(x.rmw),
    addr: rel(x.addr),
    data: rel(x.data),
    ctrl: rel(x.ctrl),
    IW: { n: x.IW.n, bits: x.IW.bits.slice() },
    consistent: j.consistent,
    flags: j.flags,
    co: rel(j.co),
    jrf: rel(j.rf),
    named,
    state: [...k.state],
  };
  if (x.observedLocs) out.observedLocs = x.observedLocs;
  if (x.coSplit) out.coSplit = rel(x.coSplit);
  if (j.failed !== undefined) out.failed = j.failed;
  return out;
}

export function fromWire(w: WireKept): { exec: Execution; judgement: Judgement; state: Map<string, Value>; consistent: boolean } {
  const exec: Execution = {
    events: w.events,
    po: unRel(w.po),
    rf: unRel(w.rf),
    rmw: unRel(w.rmw),
    addr: unRel(w.addr),
    data: unRel(w.data),
    ctrl: unRel(w.ctrl),
    IW: new EventSet(w.IW.n, w.IW.bits),
  };
  if (w.observedLocs) exec.observedLocs = w.observedLocs;
  if (w.coSplit) exec.coSplit = unRel(w.coSplit);
  const named = new Map<string, Relation | EventSet>(w.named.map(([nm, v]) => [nm, 'data' in v ? unRel(v) : new EventSet(v.n, v.bits)]));
  const judgement: Judgement = { consistent: w.consistent, flags: w.flags, co: unRel(w.co), rf: unRel(w.jrf), lookup: (nm) => named.get(nm) };
  if (w.failed !== undefined) judgement.failed = w.failed;
  return { exec, judgement, state: new Map(w.state), consistent: w.consistent };
}

/** Starts parts on workers; collect() blocks until each reports or the deadline passes (undefined: search it yourself). */
export interface ParallelRunner {
  /** Worker threads a search may use besides the calling thread. */
  workers: number;
  start(shares: Share[], timeoutMs: number, maxExecutions: number): { collect(deadline: number): (ShareResult | undefined)[] };
}

/** At most this many workers, whatever the machine (each loads the model and a copy of the test). */
const MAX_WORKERS = 3;
/** A worker that has not even started after this long is given up (its part is searched by the caller). */
const START_MS = 15_000;

/**
 * How a worker starts: the compiled worker module next to this one, or, when running from the TypeScript
 * sources (tests, bench), a small script that registers tsx first.  Undefined when neither can be found.
 */
function workerScript(): { file: string; eval: boolean } | undefined {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    try {
      const api = createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
      const target = new URL('./explore-worker.ts', here).href;
      return { file: `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`, eval: true };
    } catch {
      return undefined;
    }
  }
  // the bundle (dist/ringside-litmus.cjs) sits one level above dist/sim
  const file = fileURLToPath(new URL(here.endsWith('.cjs') ? './sim/explore-worker.js' : './explore-worker.js', here));
  return existsSync(file) ? { file, eval: false } : undefined;
}

/** Workers for one test, or undefined when this process cannot or should not use any (RINGSIDE_THREADS=1). */
export function parallelRunner(spec: WorkerSpec): ParallelRunner | undefined {
  const env = Number(process.env.RINGSIDE_THREADS ?? '');
  const threads = Number.isInteger(env) && env >= 1 ? env : Math.min(MAX_WORKERS + 1, availableParallelism());
  if (threads < 2 || !spec.modelDir) return undefined;
  const script = workerScript();
  if (!script) return undefined;
  return {
    workers: threads - 1,
    start(shares, timeoutMs, maxExecutions) {
      // word i: 0 = not started, 1 = started, 2 = result posted
      const signal = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, shares.length)));
      const parts = shares.map((share, index): { port: MessagePort; worker: Worker } | undefined => {
        const { port1, port2 } = new MessageChannel();
        try {
          const worker = new Worker(script.file, {
            eval: script.eval,
            workerData: { spec: { ...spec, bounds: { ...spec.bounds, timeoutMs, maxExecutions } }, share, index, signal, port: port2 },
            transferList: [port2],
          });
          worker.unref();
          // an error is reported through the port as a missing result; the listener keeps it from being thrown
          worker.on('error', () => undefined);
          return { port: port1, worker };
        } catch {
          return undefined;
        }
      });
      const started = Date.now();
      return {
        collect(deadline) {
          return parts.map((p, i) => {
            if (!p) return undefined;
            for (;;) {
              const s = Atomics.load(signal, i);
              if (s === 2) break;
              const limit = s === 0 ? Math.min(deadline, started + START_MS) : deadline;
              const left = limit - Date.now();
              if (left <= 0) break;
              Atomics.wait(signal, i, s, Math.min(left, 200));
            }
            const msg = receiveMessageOnPort(p.port)?.message as ShareResult | { error: string } | undefined;
            void p.worker.terminate();
            p.port.close();
            return msg && !('error' in msg) ? msg : undefined;
          });
        },
      };
    },
  };
}
