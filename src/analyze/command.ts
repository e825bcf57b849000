// `ringside review <mbox|-> --tree DIR|auto`: reads a series, reviews it against the tree, prints text or JSON.
import type { Command } from 'commander';
import { readSeriesFromPath } from '../ingest/read.js';
import { InputError } from '../ingest/mailbox.js';
import { SelectionError } from '../ingest/series.js';
import { renderReview } from '../reply/text.js';
import { ensureKernelSource, KernelSourceError } from './kernel-source.js';
import { reviewSeries } from './review.js';
import { openTree, TreeError } from './tree.js';

interface ReviewFlags {
  tree: string;
  json?: boolean;
  all?: boolean;
  emitLitmus?: string;
  version?: string;
  series?: string;
  scenario?: string[];
  previous?: boolean;
  exitZero?: boolean;
}

/** User errors: one line, no stack. */
class UsageError extends Error {}

async function run(source: string, flags: ReviewFlags): Promise<number> {
  const version = flags.version !== undefined ? Number(flags.version) : undefined;
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) throw new UsageError(`--version ${flags.version}: not a positive integer`);
  const read = await readSeriesFromPath(source, { version, series: flags.series });
  const series = read.series;
  // Ingest's problem messages already name the message; add `where` only when they do not.
  for (const p of [...read.skipped, ...series.problems]) {
    const where = p.where && !p.message.includes(p.where) ? ` (${p.where})` : '';
    process.stderr.write(`ringside: ${source}: ${p.message}${where}\n`);
  }
  let dir = flags.tree;
  if (dir === 'auto') dir = await ensureKernelSource('6.12');
  const tree = await openTree(dir, { baseCommit: series.baseCommit });
  // With several versions in the input, compare with the one before the reviewed version.
  let previous;
  const earlier = series.versionsAvailable.filter((v) => v < series.version);
  if (flags.previous !== false && earlier.length > 0) {
    const pv = earlier[earlier.length - 1];
    previous = (await readSeriesFromPath(source, { version: pv, series: flags.series })).series;
  }
  const review = await reviewSeries(series, tree, { all: flags.all, emitLitmus: flags.emitLitmus, only: flags.scenario, previous });
  if (flags.json) process.stdout.write(JSON.stringify(review, null, 2) + '\n');
  else process.stdout.write(renderReview(review));
  const bad = review.findings.some((f) => f.status === 'introduced');
  return bad && !flags.exitZero ? 1 : 0;
}

export function reviewCommand(program: Command): void {
  program
    .command('review')
    .description('review a patch series against a kernel tree: which races it introduces, fixes or leaves in place')
    .argument('<mbox>', "mbox / Maildir / .eml holding the series, or '-' for stdin")
    .requiredOption('--tree <dir>', "kernel tree (checkout or extracted source), or 'auto' for the installed linux-source-6.12")
    .option('--json', 'print the typed Review as JSON')
    .option('--all', 'run every scenario, not only those whose code the series touches')
    .option('--emit-litmus <dir>', 'write each scenario instance’s litmus test (patched state) into <dir>')
    .option('--version <n>', 'review this version of the series (default: the newest)')
    .option('--series <which>', 'which series when the input holds several (number or subject text)')
    .option('--scenario <id...>', 'only these scenarios (ids or numbers)')
    .option('--no-previous', 'do not compare with the previous version found in the input')
    .option('--exit-zero', 'exit 0 even when the series introduces a race (advisory runs, demos)')
    .addHelpText(
      'after',
      `
Each scenario (docs/scenarios.md) runs on the base tree, on the patched tree and after every patch
of the series, for both settings of CONFIG_VIRTIO_HARDEN_NOTIFICATION, under the tree's own
tools/memory-model. A race is reported only with a witness execution; a bound or an unsupported
construct gives "inconclusive", never "safe".

Examples:
  ringside review series.mbox --tree ~/linux            review the newest version in the mbox
  ringside review series.mbox --tree auto --all         every scenario, against linux-source-6.12
  b4 am -o - <msgid> | ringside review - --tree ~/linux --json
  ringside review v1.mbox --tree ~/linux --emit-litmus out/   then: herd7 -conf linux-kernel.cfg out/*.litmus

Exit status: 0 no race introduced (or --exit-zero), 1 the series introduces a race, 2 bad input or usage.`,
    )
    .action(async (source: string, flags: ReviewFlags) => {
      try {
        process.exitCode = await run(source, flags);
      } catch (e) {
        if (e instanceof UsageError || e instanceof InputError || e instanceof SelectionError || e instanceof TreeError || e instanceof KernelSourceError) {
          process.stderr.write(`ringside review: ${e.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
    });
}
