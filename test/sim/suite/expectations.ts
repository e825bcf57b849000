// Reads the expected results written in litmus headers: our own suite's Expected-* lines and upstream's Result: lines.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation } from '../../../src/sim/types.js';

export type ModelVersion = '6.12' | '6.1';
export const MODEL_VERSIONS: readonly ModelVersion[] = ['6.12', '6.1'];

/** What one of our litmus files promises for one model version. */
export interface Expectation {
  observation: Observation;
  /** Every flag herd would print for the test, sorted (empty: none). */
  flags: string[];
}

/** The header of one of our litmus files. */
export interface SuiteHeader {
  /** Model versions the test is meant for (`Models:` line; default both). */
  models: ModelVersion[];
  byVersion: Partial<Record<ModelVersion, Expectation>>;
}

const OBSERVATIONS = new Set<Observation>(['Never', 'Sometimes', 'Always']);

/** The first (* … *) comment after the `C name` line, where both our headers and upstream's live. */
export function headerComment(text: string): string {
  const start = text.indexOf('(*');
  if (start < 0) return '';
  const end = text.indexOf('*)', start + 2);
  return end < 0 ? '' : text.slice(start + 2, end);
}

function field(comment: string, name: string): string | undefined {
  const re = new RegExp(`^[\\s*]*${name.replace(/[.]/g, '\\.')}:[ \\t]*(.*)$`, 'm');
  return re.exec(comment)?.[1]?.trim();
}

function parseFlags(s: string | undefined): string[] {
  if (!s) return [];
  return s
    .split(/[,\s]+/)
    .filter((f) => f.length > 0)
    .sort();
}

function parseObservation(s: string | undefined, file: string, what: string): Observation {
  const w = s?.split(/\s+/)[0];
  if (!w || !OBSERVATIONS.has(w as Observation)) {
    throw new Error(`${file}: ${what} must be Never, Sometimes or Always (got ${s ?? 'nothing'})`);
  }
  return w as Observation;
}

/** Parses `Expected:`, `Expected-6.1:`, `Expected-flags:`, `Expected-6.1-flags:` and `Models:`. */
export function parseSuiteHeader(text: string, file: string): SuiteHeader {
  const c = headerComment(text);
  const base = parseObservation(field(c, 'Expected'), file, 'Expected');
  const baseFlags = parseFlags(field(c, 'Expected-flags'));
  const models = (field(c, 'Models')?.split(/[,\s]+/).filter(Boolean) ?? [...MODEL_VERSIONS]) as ModelVersion[];
  for (const m of models) {
    if (!MODEL_VERSIONS.includes(m)) throw new Error(`${file}: unknown model version ${m} in Models:`);
  }
  const byVersion: SuiteHeader['byVersion'] = {};
  for (const v of models) {
    if (v === '6.1') {
      const obs61 = field(c, 'Expected-6.1');
      const flags61 = field(c, 'Expected-6.1-flags');
      byVersion[v] = {
        observation: obs61 ? parseObservation(obs61, file, 'Expected-6.1') : base,
        flags: flags61 !== undefined ? parseFlags(flags61) : baseFlags,
      };
    } else {
      byVersion[v] = { observation: base, flags: baseFlags };
    }
  }
  return { models, byVersion };
}

/** Upstream's own claim: `Result: Never|Sometimes|Always`, with DATARACE when a race is expected. */
export interface UpstreamResult {
  observation: Observation;
  dataRace: boolean;
}

export function parseUpstreamResult(text: string, file: string): UpstreamResult | undefined {
  const c = headerComment(text);
  const line = field(c, 'Result');
  if (!line) return undefined;
  return {
    observation: parseObservation(line, file, 'Result'),
    dataRace: /\bDATARACE\b/.test(line),
  };
}

/** All *.litmus files below a directory, sorted, as paths. */
export function litmusFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.litmus')) out.push(p);
    }
  };
  walk(dir);
  return out;
}
