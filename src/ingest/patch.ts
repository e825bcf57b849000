// A patch mail's text → commit message, exact unified diff (as git apply takes it), files and hunks; the
// virtio-core filter.
import parseDiff from 'parse-diff';
import type { FileDiff, Hunk, HunkLine, Message, Patch, SubjectInfo, Trailer } from './types.js';
import { VIRTIO_CORE_FILES } from './types.js';
import { splitCommitMessage } from './trailers.js';
import { parseSubject } from './subject.js';

export interface ExtractedDiff {
  /** Text before the diff (commit message, "---", notes, diffstat). */
  before: string;
  /** The diff exactly as it will be applied, LF line endings, ending in a newline ('' when none). */
  diff: string;
  /** Text after the diff (signature, base-commit, list footer). */
  after: string;
  /** Per-hunk positions within `diff`, in file order. */
  hunks: ScannedHunk[];
  problems: string[];
}

interface ScannedHunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: HunkLine[];
  /** Index of the file section the hunk belongs to (0-based). */
  file: number;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const FILE_HEADER =
  /^(diff --git |diff -|index [0-9a-f]+\.\.[0-9a-f]+|new file mode |deleted file mode |old mode |new mode |similarity index |dissimilarity index |rename from |rename to |copy from |copy to |Binary files )/;

/** Is line i the first line of a diff? Guards against prose that happens to start with "--- ". */
function diffStartsAt(lines: string[], i: number): boolean {
  const l = lines[i]!;
  if (l.startsWith('diff --git ')) return true;
  if (l.startsWith('Index: ') && lines[i + 1]?.startsWith('====')) return true;
  if (l.startsWith('diff -') && lines[i + 1]?.startsWith('--- ')) return true;
  return l.startsWith('--- ') && l.length > 4 && !!lines[i + 1]?.startsWith('+++ ') && HUNK.test(lines[i + 2] ?? '');
}

/**
 * Finds the diff in a mail text and cuts it out exactly: hunks are read by their line counts, so a removed
 * line "-- " is not taken for the signature, and whatever follows the last hunk (signature, base-commit,
 * a mailing list footer) is left out.
 */
export function extractDiff(text: string): ExtractedDiff {
  const lines = text.split('\n');
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (diffStartsAt(lines, i)) {
      start = i;
      break;
    }
  }
  if (start < 0) return { before: text, diff: '', after: '', hunks: [], problems: [] };

  const out: string[] = [];
  const hunks: ScannedHunk[] = [];
  const problems: string[] = [];
  let file = -1;
  let sawHeaderSinceHunk = false;
  let i = start;
  let end = lines.length;
  let binary = false;
  scan: while (i < lines.length) {
    const l = lines[i]!;
    if (binary) {
      if (/^(literal|delta) \d+$/.test(l) || /^[A-Za-z][!-~]*$/.test(l) || l === '') {
        out.push(l);
        i++;
        continue;
      }
      binary = false;
    }
    if (l.startsWith('diff --git ') || (l.startsWith('diff -') && lines[i + 1]?.startsWith('--- ')) || l.startsWith('Index: ')) {
      file++;
      sawHeaderSinceHunk = true;
      out.push(l);
      i++;
      continue;
    }
    if (l.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      if (!sawHeaderSinceHunk) file++;
      sawHeaderSinceHunk = false;
      out.push(l, lines[i + 1]!);
      i += 2;
      continue;
    }
    if (l === 'GIT binary patch') {
      binary = true;
      out.push(l);
      i++;
      continue;
    }
    if (FILE_HEADER.test(l) || /^={4,}$/.test(l)) {
      if (file < 0) file = 0;
      out.push(l);
      i++;
      continue;
    }
    const h = HUNK.exec(l);
    if (h && file >= 0) {
      sawHeaderSinceHunk = false;
      const hunk: ScannedHunk = {
        header: l,
        oldStart: Number(h[1]),
        oldLines: h[2] === undefined ? 1 : Number(h[2]),
        newStart: Number(h[3]),
        newLines: h[4] === undefined ? 1 : Number(h[4]),
        lines: [],
        file,
      };
      hunks.push(hunk);
      out.push(l);
      const headerAt = out.length;
      i++;
      let oldLeft = hunk.oldLines;
      let newLeft = hunk.newLines;
      let oldLine = hunk.oldStart;
      let newLine = hunk.newStart;
      while (oldLeft > 0 || newLeft > 0) {
        const b = lines[i];
        if (b === undefined || (i === lines.length - 1 && b === '')) {
          problems.push(`hunk ${l} (diff line ${headerAt}) is cut short: ${oldLeft} old and ${newLeft} new lines missing at the end of the mail (truncated?)`);
          end = lines.length;
          break scan;
        }
        const c = b[0];
        // An empty line in a hunk is an empty context line whose leading space a mailer dropped; git
        // apply accepts it the same way.
        if ((c === ' ' || b === '') && oldLeft > 0 && newLeft > 0) {
          // Written back with its space, which every patch tool (not only git apply) understands.
          out.push(b === '' ? ' ' : b);
          hunk.lines.push({ type: 'context', content: b.slice(1), oldLine: oldLine++, newLine: newLine++, patchLine: out.length });
          oldLeft--;
          newLeft--;
        } else if (c === '-' && oldLeft > 0) {
          out.push(b);
          hunk.lines.push({ type: 'del', content: b.slice(1), oldLine: oldLine++, patchLine: out.length });
          oldLeft--;
        } else if (c === '+' && newLeft > 0) {
          out.push(b);
          hunk.lines.push({ type: 'add', content: b.slice(1), newLine: newLine++, patchLine: out.length });
          newLeft--;
        } else if (c === '\\') {
          out.push(b);
        } else {
          problems.push(
            `corrupt hunk ${l} (diff line ${headerAt}): body line ${i + 1} ${JSON.stringify(b.length > 60 ? b.slice(0, 60) + '…' : b)} ` +
              `is not a diff line (${oldLeft} old and ${newLeft} new lines still expected; wrapped or damaged by the mailer?)`,
          );
          end = i;
          break scan;
        }
        i++;
      }
      // "\ No newline at end of file" may follow the last line of a hunk.
      while (lines[i]?.startsWith('\\ ')) out.push(lines[i++]!);
      continue;
    }
    // Anything else after the diff has begun ends it (signature "-- ", base-commit:, a list footer), unless
    // it is blank lines between two file diffs.
    if (l.trim() === '') {
      let j = i;
      while (j < lines.length && lines[j]!.trim() === '') j++;
      if (j < lines.length && diffStartsAt(lines, j)) {
        i = j;
        continue;
      }
    }
    end = i;
    break;
  }
  if (i >= lines.length) end = lines.length;
  while (out.length && out[out.length - 1] === '' && !binary) out.pop();
  const diff = out.length ? out.join('\n') + '\n' : '';
  if (hunks.length === 0 && !diff.includes('GIT binary patch') && !/^(rename|copy|new file mode|deleted file mode|old mode|new mode)/m.test(diff)) {
    problems.push('diff has file headers but no hunks');
  }
  return {
    before: lines.slice(0, start).join('\n'),
    diff,
    after: lines.slice(end).join('\n'),
    hunks,
    problems,
  };
}

/** Files and hunks of a diff: parse-diff for the file structure, the scanner's positions for the lines. */
export function diffFiles(ex: ExtractedDiff): { files: FileDiff[]; problems: string[] } {
  const problems: string[] = [];
  if (!ex.diff) return { files: [], problems };
  const parsed = parseDiff(ex.diff);
  const files: FileDiff[] = [];
  let h = 0;
  for (const f of parsed) {
    const oldPath = cleanPath(f.from, f.new);
    const newPath = cleanPath(f.to, f.deleted);
    const hunks: Hunk[] = [];
    for (const c of f.chunks) {
      const s = ex.hunks[h++];
      if (!s || s.oldStart !== c.oldStart || s.newStart !== c.newStart) {
        problems.push(`hunk ${c.content} of ${newPath === '/dev/null' ? oldPath : newPath} could not be matched to the mail text`);
        continue;
      }
      hunks.push({ header: s.header, oldStart: s.oldStart, oldLines: s.oldLines, newStart: s.newStart, newLines: s.newLines, lines: s.lines });
    }
    let additions = 0;
    let deletions = 0;
    for (const hk of hunks) for (const l of hk.lines) l.type === 'add' ? additions++ : l.type === 'del' ? deletions++ : 0;
    files.push({
      oldPath,
      newPath,
      hunks,
      additions,
      deletions,
      analysed: isVirtioCore(oldPath) || isVirtioCore(newPath),
    });
  }
  if (h < ex.hunks.length) problems.push(`${ex.hunks.length - h} hunk(s) were not assigned to a file`);
  return { files, problems };
}

function cleanPath(p: string | undefined, isDevNull?: boolean): string {
  if (isDevNull || !p || p === '/dev/null') return '/dev/null';
  return p.replace(/^"|"$/g, '');
}

export function isVirtioCore(path: string): boolean {
  return (VIRTIO_CORE_FILES as readonly string[]).includes(path);
}

/** Headers git format-patch writes at the top of a patch file, as found in an attached .patch. */
interface InBodyHeaders {
  from?: string;
  subject?: string;
  date?: string;
}

/** Strips "From: / Date: / Subject:" lines at the top of a commit message (format-patch, or an attachment). */
function takeInBodyHeaders(text: string): { headers: InBodyHeaders; rest: string } {
  const lines = text.split('\n');
  let i = 0;
  if (/^From [0-9a-f]{40} /.test(lines[0] ?? '')) i++; // mbox line of a format-patch file
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const headers: InBodyHeaders = {};
  const begin = i;
  let any = false;
  while (i < lines.length) {
    const m = /^(From|Subject|Date):\s*(.*)$/i.exec(lines[i]!);
    if (!m) {
      // Continuation of a folded header line in a .patch file.
      if (any && /^[ \t]+\S/.test(lines[i]!)) {
        i++;
        continue;
      }
      break;
    }
    any = true;
    const k = m[1]!.toLowerCase() as keyof InBodyHeaders;
    headers[k] = m[2]!;
    i++;
  }
  // In-body headers end with an empty line; without one, the lines were prose.
  if (!any || (i < lines.length && lines[i]!.trim() !== '')) return { headers: {}, rest: lines.slice(begin).join('\n') };
  return { headers, rest: lines.slice(i + 1).join('\n') };
}

/**
 * Builds a Patch from a patch mail. The diff comes from the body, or from a text attachment when the body
 * has none (a patch sent as an attachment).
 */
export function buildPatch(msg: Message, subject: SubjectInfo): Patch {
  const problems: string[] = [];
  let text = msg.body;
  let ex = extractDiff(text);
  if (!ex.diff) {
    for (const a of msg.attachments) {
      const ax = extractDiff(a.text);
      if (ax.diff) {
        // The commit message is the mail body plus whatever the attached file carries before its diff.
        const body = msg.body.trim();
        text = a.text;
        ex = { ...ax, before: body && !ax.before.trim() ? body : ax.before };
        break;
      }
    }
  }
  if (!ex.diff) problems.push('no diff found in the message');
  problems.push(...ex.problems);

  // Scissors ("-- >8 --"): the text above is discussion, below is the commit message.
  let commit = ex.before;
  const sc = /^-- ?>8 ?--.*$|^-{2,} ?8< ?-{2,}.*$/m.exec(commit);
  if (sc) commit = commit.slice(sc.index + sc[0].length).replace(/^\n/, '');
  const { headers, rest } = takeInBodyHeaders(commit);
  commit = rest;
  // The commit message ends at the "---" line git format-patch puts before the notes and diffstat.
  const sep = /^---[ \t]*$/m.exec(commit);
  const message = sep ? commit.slice(0, sep.index) : commit;
  const split = splitCommitMessage(message.replace(/^\n+/, ''));
  const trailers: Trailer[] = split.trailers.map((t) => ({ kind: t.kind, value: t.value, fromMessage: msg.messageId }));

  const df = diffFiles(ex);
  problems.push(...df.problems);
  if (ex.diff && df.files.length === 0) problems.push('diff holds no file changes');

  // An in-body "Subject:" (after scissors) names the commit better than the mail's subject.
  const inBodyTitle = headers.subject ? parseSubject(headers.subject.trim()).title : '';
  return {
    messageId: msg.messageId,
    subject: inBodyTitle ? { ...subject, title: inBodyTitle } : subject,
    author: headers.from?.trim() || msg.from,
    date: msg.date,
    description: split.description,
    diff: ex.diff,
    files: df.files,
    trailers,
    problems,
  };
}

/** Quick test used during assembly: does this text carry a diff at all? */
export function hasDiff(text: string): boolean {
  if (text.indexOf('\n+++ ') < 0 && text.indexOf('diff --git ') < 0) return false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if ((l[0] === 'd' || l[0] === '-' || l[0] === 'I') && diffStartsAt(lines, i)) return true;
  }
  return false;
}
