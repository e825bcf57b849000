// The top-level commander program shared by the full CLI (cli.ts) and the bundled `ringside litmus` entry.
import { Command } from 'commander';

export function newProgram(): Command {
  return new Command()
    .name('ringside')
    .description(
      "Review Linux virtio-core patches for concurrency bugs by model-checking the patched C under the kernel's own memory model (tools/memory-model, read as herd7 reads it).",
    )
    .showHelpAfterError();
}

/** The first argument that is not an option: the stage to load (undefined when none is named). */
export function stageArg(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

export function runProgram(program: Command): void {
  program.parseAsync(process.argv).catch((e: unknown) => {
    // User errors are printed by the commands themselves; anything reaching here is a bug.
    console.error(`ringside: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(70);
  });
}
