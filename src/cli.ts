#!/usr/bin/env node
// Command-line wiring only: parse flags, call one stage function, print, and exit with its code.
import { Command } from 'commander';

/**
 * Each stage registers its own subcommand. Only the stage named on the command line is loaded, so
 * `ringside litmus` does not pay for mail parsing or the C front-end at start-up; help loads all.
 */
const STAGES = {
  series: async (p: Command) => (await import('./ingest/command.js')).seriesCommand(p),
  litmus: async (p: Command) => (await import('./sim/command.js')).litmusCommand(p),
  review: async (p: Command) => (await import('./analyze/command.js')).reviewCommand(p),
} as const;

const program = new Command();
program
  .name('ringside')
  .description(
    "Review Linux virtio-core patches for concurrency bugs by model-checking the patched C under the kernel's own memory model (tools/memory-model, read as herd7 reads it).",
  )
  .showHelpAfterError();

const first = process.argv.slice(2).find((a) => !a.startsWith('-'));
const chosen = first !== undefined && first in STAGES ? [first as keyof typeof STAGES] : (Object.keys(STAGES) as (keyof typeof STAGES)[]);
for (const name of chosen) await STAGES[name](program);

program.parseAsync(process.argv).catch((e: unknown) => {
  // User errors are printed by the commands themselves; anything reaching here is a bug.
  console.error(`ringside: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(70);
});
