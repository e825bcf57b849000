// Shared vocabulary of the environment model: device behaviour, transports, drivers and their choices.
import type { LLine, LocType } from '../scenarios/litmus-builder.js';

export type DeviceKind = 'trusted' | 'buggy' | 'malicious';
export type TransportName = 'pci' | 'mmio' | 'ccw' | 'rcu-fallback';
export type DriverName = 'generic' | 'scsi-event';

/** One consistent set of environment choices a scenario instance runs under. */
export interface EnvChoice {
  device: DeviceKind;
  transport: TransportName;
  driver: DriverName;
  /** CONFIG_VIRTIO_HARDEN_NOTIFICATION. */
  harden: boolean;
}

/** A snippet of the environment: litmus lines plus the shared locations they use. */
export interface EnvSnippet {
  lines: LLine[];
  locs: Record<string, LocType>;
  init?: Record<string, number>;
  /** Assumptions this snippet makes, in words, for the review. */
  assumptions?: string[];
}

export function envLine(model: string, fn: string, text: string, line = 0, code?: string): LLine {
  return { text, site: { origin: 'env', file: `env:${model}`, line, fn, code: code ?? text } };
}

export function joinSnippets(...parts: EnvSnippet[]): EnvSnippet {
  const out: EnvSnippet = { lines: [], locs: {}, init: {}, assumptions: [] };
  for (const p of parts) {
    out.lines.push(...p.lines);
    Object.assign(out.locs, p.locs);
    Object.assign(out.init!, p.init ?? {});
    for (const a of p.assumptions ?? []) if (!out.assumptions!.includes(a)) out.assumptions!.push(a);
  }
  return out;
}
