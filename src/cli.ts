#!/usr/bin/env node
// Command-line wiring only: parse flags, call one stage function, print, and exit with its code.
import type { Command } from 'commander';
import { newProgram, runProgram, stageArg } from './bin/program.js';

/**
 * Each stage registers its own subcommand. Only the stage named on the command line is loaded, so
 * `ringside litmus` does not pay for mail parsing or the C front-end at start-up; help loads all.
 * (The installed bin, bin/ringside.cts, runs `ringside litmus` from a bundle instead: bin/litmus-main.ts.)
 */
const STAGES = {
  series: async (p: Command) => (await import('./ingest/command.js')).seriesCommand(p),
  litmus: async (p: Command) => (await import('./sim/command.js')).litmusCommand(p),
  review: async (p: Command) => (await import('./analyze/command.js')).reviewCommand(p),
} as const;

async function main(): Promise<void> {
  const program = newProgram();
  const first = stageArg(process.argv);
  const chosen = first !== undefined && first in STAGES ? [first as keyof typeof STAGES] : (Object.keys(STAGES) as (keyof typeof STAGES)[]);
  for (const name of chosen) await STAGES[name](program);
  runProgram(program);
}

await main();
