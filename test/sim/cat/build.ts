// Builds small hand-made executions (events, po, rf, dependencies) for the cat evaluator's tests.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Event, EventKind, Execution, Value } from '../../../src/sim/execution.js';
import { EventSet, Relation } from '../../../src/sim/relation.js';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';

export async function modelDir(version: '6.12' | '6.1'): Promise<string> {
  const root = await ensureKernelSource(version);
  return join(root, 'tools', 'memory-model');
}

export function litmusDir(dir: string): string {
  return join(dir, 'litmus-tests');
}

export function listLitmus(dir: string): string[] {
  return readdirSync(litmusDir(dir)).filter((f) => f.endsWith('.litmus'));
}

/** Accumulates events thread by thread; po is each thread's creation order. */
export class ExecBuilder {
  events: Event[] = [];
  private inits = new Map<string, number>();
  private rfPairs: [number, number][] = [];
  private extra: Record<'rmw' | 'addr' | 'data' | 'ctrl', [number, number][]> = { rmw: [], addr: [], data: [], ctrl: [] };
  observed: string[] = [];

  /** The initial write of loc (created on first use). */
  init(loc: string, value: Value = 0): number {
    let id = this.inits.get(loc);
    if (id === undefined) {
      id = this.events.length;
      this.events.push({ id, thread: -1, poIndex: 0, kind: 'W', loc, value, tags: [] });
      this.inits.set(loc, id);
    }
    return id;
  }

  ev(thread: number, kind: EventKind, loc?: string, value?: Value, tags: string[] = [], atomic = false): number {
    if (loc !== undefined && kind !== 'F') this.init(loc);
    const id = this.events.length;
    const poIndex = this.events.filter((e) => e.thread === thread).length;
    const e: Event = { id, thread, poIndex, kind, tags };
    if (loc !== undefined) e.loc = loc;
    if (value !== undefined) e.value = value;
    if (atomic) e.atomic = true;
    this.events.push(e);
    return id;
  }
  W(thread: number, loc: string, value: number, tags: string[] = ['once']): number {
    return this.ev(thread, 'W', loc, value, tags);
  }
  R(thread: number, loc: string, value: number, tags: string[] = ['once']): number {
    return this.ev(thread, 'R', loc, value, tags);
  }
  F(thread: number, tag: string): number {
    return this.ev(thread, 'F', undefined, undefined, [tag]);
  }
  rf(w: number, r: number): this {
    this.rfPairs.push([w, r]);
    return this;
  }
  /** rf from the initial write of r's location. */
  rfInit(r: number): this {
    return this.rf(this.init(this.events[r].loc!), r);
  }
  rel(kind: 'rmw' | 'addr' | 'data' | 'ctrl', a: number, b: number): this {
    this.extra[kind].push([a, b]);
    return this;
  }

  build(): Execution {
    const n = this.events.length;
    const po = new Relation(n);
    for (const a of this.events)
      for (const b of this.events) if (a.thread >= 0 && a.thread === b.thread && a.poIndex < b.poIndex) po.add(a.id, b.id);
    return {
      events: this.events,
      po,
      rf: Relation.of(n, this.rfPairs),
      rmw: Relation.of(n, this.extra.rmw),
      addr: Relation.of(n, this.extra.addr),
      data: Relation.of(n, this.extra.data),
      ctrl: Relation.of(n, this.extra.ctrl),
      IW: EventSet.of(n, this.inits.values()),
      observedLocs: this.observed,
    };
  }
}
