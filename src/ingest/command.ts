// The `ringside series` subcommand: read mail, assemble the series, print it (human or --json).
import type { Command } from 'commander';
import { InputError } from './mailbox.js';
import { readSeriesFromPath, readAllSeries, ingest, type SeriesResult } from './read.js';
import { SelectionError, summarize, summaryLine } from './series.js';
import type { Problem, Series } from './types.js';

export { readSeriesFromPath } from './read.js';

const HELP = `
Input:
  <source> is an mbox file (mboxrd as lore/b4/public-inbox write it, or mboxo with --mbox-format mboxo;
  gzip-compressed is fine, e.g. lore's t.mbox.gz), a Maildir directory (cur/ and new/), a single .eml
  message, or "-" for standard input. Input is read as a stream and message bodies are spooled to a
  temporary file, so list archives of any size are fine.

Which series:
  The input may hold several series and several versions of each. Patches are grouped the way b4 does:
  by threading (In-Reply-To/References) and, across versions, by the same sender and title.
  A cover letter is [PATCH 0/N] (or the un-prefixed mail the numbered patches answer); a lone [PATCH] is
  1/1. A newer send of the same version (RESEND) replaces the older one, noted in the output.
  Without --series the series whose patches were sent most recently is shown, at its newest version;
  the others are listed at the end (or all of them with --list).
  --series takes a Message-ID (bare, <in brackets>, or a lore / patch.msgid.link URL; of the cover
  letter, a patch or any reply; that message's version is used unless --version is given) or a piece of
  the title (case-insensitive; it must match one series).

Output:
  The version, cover letter, every patch with its files (virtio-core files are marked "analysed", the
  rest "not analysed") and changed-line counts, trailers (including those given in replies; a trailer given
  in reply to the cover letter applies to every patch), base-commit, and any problem found, each naming the
  message. --json prints the Series object that "ringside review" consumes.

Exit status:
  0  the series was read without problems
  1  a message was skipped or a problem was reported (missing/duplicate patch, corrupt diff, …)
  2  usage error or unreadable input (no such file, not a mailbox, no series, unknown version)

Examples:
  $ b4 mbox 20210602021536.39525-1-jasowang@redhat.com && ringside series 20210602021536.39525-1-jasowang@redhat.com.mbx
  $ ringside series virtualization.mbox --list
  $ ringside series virtualization.mbox --series "Packed virtqueue" --version 1
  $ ringside series ~/Mail/virtio --series '<20210602021536.39525-1-jasowang@redhat.com>' --json > series.json
  $ curl -s https://lore.kernel.org/all/<msgid>/t.mbox.gz | ringside series -
`;

interface SeriesFlags {
  json?: boolean;
  version?: string;
  series?: string;
  list?: boolean;
  mboxFormat?: string;
}

export function seriesCommand(program: Command): void {
  program
    .command('series')
    .description('Read patch mail (mbox, Maildir, .eml or stdin) and show the assembled patch series')
    .argument('<source>', 'mbox file (.gz too), Maildir directory, .eml file, or - for stdin')
    .option('--json', 'print the Series as JSON (what later stages consume)')
    .option('--version <N>', 'pick version N of the series (default: the newest)')
    .option('--series <sel>', 'pick a series by Message-ID or title substring (default: the most recent)')
    .option('--list', 'list every series in the input instead of showing one')
    .option('--mbox-format <fmt>', 'how ">From " lines are escaped: mboxrd (default) or mboxo')
    .addHelpText('after', HELP)
    .action(async (source: string, flags: SeriesFlags) => {
      process.exitCode = await runSeries(source, flags);
    });
}

function usage(msg: string): number {
  process.stderr.write(`ringside series: ${msg}\n`);
  return 2;
}

async function runSeries(source: string, flags: SeriesFlags): Promise<number> {
  let version: number | undefined;
  if (flags.version !== undefined) {
    const v = /^v?(\d+)$/i.exec(flags.version.trim());
    if (!v || Number(v[1]) < 1) return usage(`--version expects a positive number, got "${flags.version}"`);
    version = Number(v[1]);
  }
  const fmt = flags.mboxFormat ?? 'mboxrd';
  if (fmt !== 'mboxrd' && fmt !== 'mboxo') return usage(`--mbox-format is mboxrd or mboxo, got "${fmt}"`);
  const mboxFormat = fmt;
  try {
    if (flags.list) return await listSeries(source, mboxFormat, !!flags.json);
    const r = await readSeriesFromPath(source, { version, series: flags.series, mboxFormat });
    if (flags.json) process.stdout.write(JSON.stringify(r.series, null, 2) + '\n');
    else process.stdout.write(renderSeries(r));
    // The human view lists skipped messages with the series' problems; the rest go to stderr.
    for (const p of [...(flags.json ? r.skipped : []), ...r.otherProblems]) process.stderr.write(`ringside series: ${p.message}\n`);
    return r.skipped.length || r.series.problems.length || r.otherProblems.length ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof SelectionError) return usage(e.message);
    throw e;
  }
}

async function listSeries(source: string, mboxFormat: 'mboxrd' | 'mboxo', json: boolean): Promise<number> {
  if (json) {
    const r = await readAllSeries(source, { mboxFormat });
    process.stdout.write(JSON.stringify(r.series, null, 2) + '\n');
    for (const p of [...r.skipped, ...r.messageProblems]) process.stderr.write(`ringside series: ${p.message}\n`);
    return r.skipped.length || r.messageProblems.length || r.series.some((s) => s.problems.length) ? 1 : 0;
  }
  const r = await ingest(source, { mboxFormat });
  r.spool.close();
  if (r.families.length === 0) return usage(`${source}: no patch series found in ${r.messages} message(s)`);
  const list = r.families.map((f, i) => summarize(f, i + 1)).sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  process.stdout.write(`${r.messages} messages, ${list.length} series:\n`);
  for (const s of list) process.stdout.write(`  ${s.date?.slice(0, 10) ?? '          '}  ${summaryLine(s)}\n`);
  for (const p of [...r.skipped, ...r.messageProblems]) process.stderr.write(`ringside series: ${p.message}\n`);
  return r.skipped.length || r.messageProblems.length ? 1 : 0;
}

/** The human-readable view of one series. */
export function renderSeries(r: SeriesResult): string {
  const s: Series = r.series;
  const out: string[] = [];
  const tags = [s.isRfc ? 'RFC' : '', ...(s.extra ?? [])].filter(Boolean).join(' ');
  out.push(`Series: ${s.title || '(no title)'}`);
  out.push(
    `  version v${s.version}${s.versionsAvailable.length > 1 ? ` (versions in input: ${s.versionsAvailable.map((v) => `v${v}`).join(', ')})` : ''}` +
      `${tags ? `  [${tags}]` : ''}`,
  );
  if (s.author) out.push(`  from    ${s.author}${s.date ? `, ${s.date}` : ''}`);
  out.push(`  root    <${s.rootMessageId}>`);
  if (s.baseCommit) out.push(`  base-commit ${s.baseCommit}`);
  for (const p of s.prerequisitePatchIds) out.push(`  prerequisite-patch-id ${p}`);
  for (const p of s.prerequisiteMessageIds ?? []) out.push(`  prerequisite-message-id <${p}>`);
  if (s.cover) {
    out.push('');
    out.push(`Cover letter <${s.cover.messageId}>: ${s.cover.subject}`);
    const lines = s.cover.body.split('\n');
    const shown = lines.slice(0, 12).map((l) => `  | ${l}`);
    out.push(...shown);
    if (lines.length > 12) out.push(`  | … (${lines.length - 12} more lines)`);
  }
  out.push('');
  out.push(`Patches (${s.patches.length} of ${s.total}):`);
  for (const p of s.patches) {
    const n = p.subject.counter !== undefined ? `${p.subject.counter}/${p.subject.total}` : '1/1';
    out.push(`  [${n}] ${p.subject.title}`);
    out.push(`        <${p.messageId}>  ${p.author}`);
    for (const f of p.files) {
      const name = f.newPath === '/dev/null' ? `${f.oldPath} (deleted)` : f.oldPath === '/dev/null' ? `${f.newPath} (new)` : f.oldPath !== f.newPath ? `${f.oldPath} → ${f.newPath}` : f.newPath;
      out.push(`        ${f.analysed ? 'analysed    ' : 'not analysed'}  ${name}  +${f.additions} -${f.deletions}`);
    }
    for (const t of p.trailers) out.push(`        ${t.kind}: ${t.value}${t.fromMessage !== p.messageId ? `  (reply <${t.fromMessage}>)` : ''}`);
    for (const pr of p.problems) out.push(`        problem: ${pr}`);
  }
  if (s.discussion.length) out.push('', `Discussion: ${s.discussion.length} repl${s.discussion.length === 1 ? 'y' : 'ies'} without a patch`);
  if (s.notes?.length) {
    out.push('', 'Notes:');
    for (const n of s.notes) out.push(`  ${n}`);
  }
  const problems: Problem[] = [...s.problems, ...r.skipped];
  out.push('');
  if (problems.length) {
    out.push(`Problems (${problems.length}):`);
    for (const p of problems) out.push(`  ${p.kind}: ${p.message}`);
  } else out.push('Problems: none');
  if (r.candidates.length > 1) {
    const others = r.candidates
      .filter((c) => c.rootMessageId !== s.rootMessageId && c.title !== s.title)
      .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
    out.push('', `${r.candidates.length - 1} other series in the input (pick one with --series, see all with --list):`);
    for (const c of others.slice(0, 5)) out.push(`  ${summaryLine(c)}`);
    if (others.length > 5) out.push('  …');
  }
  return out.join('\n') + '\n';
}
