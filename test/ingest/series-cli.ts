// Runs only the `series` subcommand, so its tests do not depend on the other stages' commands.
import { Command } from 'commander';
import { seriesCommand } from '../../src/ingest/command.js';

const program = new Command().name('ringside').exitOverride((err) => {
  process.exitCode = err.exitCode === 0 ? 0 : 2;
  throw err;
});
seriesCommand(program);
program.parseAsync(process.argv).catch((e: unknown) => {
  if (e && typeof e === 'object' && 'code' in e && String((e as { code: string }).code).startsWith('commander.')) return;
  console.error(`ringside: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 70;
});
