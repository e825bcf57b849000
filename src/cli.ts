#!/usr/bin/env node
// Command-line wiring only: parse flags, call one stage function, print, and exit with its code.
import { Command } from 'commander';
import { seriesCommand } from './ingest/command.js';
import { litmusCommand } from './sim/command.js';
import { reviewCommand } from './analyze/command.js';

const program = new Command();
program
  .name('ringside')
  .description(
    'Review Linux virtio-core patches for concurrency bugs by model-checking the patched C\n' +
      "under the kernel's own memory model (tools/memory-model, as herd7 reads it).",
  )
  .showHelpAfterError();

seriesCommand(program);
litmusCommand(program);
reviewCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  // User errors are printed by the commands themselves; anything reaching here is a bug.
  console.error(`ringside: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(70);
});
