// Applies a series to the base tree patch by patch (offset and fuzz, per hunk); every prefix is a bisection point.
import { applyPatch, parsePatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';
import { VIRTIO_CORE_FILES, type Patch, type Series } from '../ingest/types.js';

/** The part of a BaseTree that application needs. */
export interface FileSource {
  read(path: string): string | undefined;
}

export interface ApplyProblem {
  /** 1-based patch number in the series. */
  patch: number;
  subject: string;
  file: string;
  /** The hunk header as written in the patch ("@@ -220,6 +226,15 @@ static int …"), when a hunk failed. */
  hunk?: string;
  message: string;
}

export interface BisectionPoint {
  /** 0 = the base; n = after patches 1..n. */
  afterPatch: number;
  /** "base" or "after 3/5: virtio: …". */
  label: string;
  /** The virtio-core files at this point (a file absent from the tree is absent here). */
  files: Map<string, string>;
  /** Hunks of patches 1..afterPatch that did not apply (the point holds what did). */
  failedHunks: number;
}

export interface ApplyResult {
  points: BisectionPoint[];
  problems: ApplyProblem[];
  /** Informational: hunks applied with fuzz, files outside the virtio core ("not analysed"). */
  notes: string[];
  /** Files the series touches outside the four virtio-core files. */
  notAnalysed: string[];
}

export interface ApplyOptions {
  /** The files materialised at each point (default: the four virtio-core files). */
  files?: readonly string[];
  /** Largest fuzz tried per hunk (context lines allowed to differ), like patch's -F. Default 2. */
  maxFuzz?: number;
}

function stripPrefix(name: string | undefined): string {
  if (!name) return '';
  const n = name.trim().split('\t')[0];
  if (n === '/dev/null') return n;
  return n.replace(/^[ab]\//, '');
}

function hunkHeader(h: StructuredPatchHunk): string {
  return `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
}

function patchLabel(p: Patch, n: number, total: number): string {
  return `${n}/${total}: ${p.subject.title}`;
}

/** The diff of one patch as structured file patches; falls back to ingest's FileDiffs if the text does not parse. */
function filePatches(p: Patch): { patches: StructuredPatch[]; error?: string } {
  try {
    const parsed = parsePatch(p.diff).filter((fp) => fp.hunks.length > 0 || fp.oldFileName || fp.newFileName);
    return { patches: parsed };
  } catch (e) {
    const patches: StructuredPatch[] = p.files.map((f) => ({
      oldFileName: f.oldPath,
      newFileName: f.newPath,
      oldHeader: undefined,
      newHeader: undefined,
      hunks: f.hunks.map((h) => ({
        oldStart: h.oldStart,
        oldLines: h.oldLines,
        newStart: h.newStart,
        newLines: h.newLines,
        lines: h.lines.map((l) => (l.type === 'add' ? '+' : l.type === 'del' ? '-' : ' ') + l.content),
      })),
    }));
    return { patches, error: (e as Error).message };
  }
}

/** Applies one hunk at its (shifted) position, trying fuzz 0..maxFuzz; returns the new text and the fuzz used. */
function applyHunk(
  text: string,
  hunk: StructuredPatchHunk,
  shift: number,
  maxFuzz: number,
): { text: string; fuzz: number } | undefined {
  const shifted: StructuredPatchHunk = {
    ...hunk,
    oldStart: Math.max(hunk.oldStart + shift, hunk.oldLines === 0 ? 0 : 1),
    newStart: Math.max(hunk.newStart + shift, hunk.newLines === 0 ? 0 : 1),
  };
  const single: StructuredPatch = {
    oldFileName: 'a',
    newFileName: 'b',
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [shifted],
  };
  for (let fuzz = 0; fuzz <= maxFuzz; fuzz++) {
    let out: string | false;
    try {
      out = applyPatch(text, single, { fuzzFactor: fuzz });
    } catch {
      return undefined;
    }
    if (out !== false) return { text: out, fuzz };
  }
  return undefined;
}

/** Where an applied hunk's result block landed relative to its header (0 when exactly there or not found). */
function hunkOffset(text: string, hunk: StructuredPatchHunk, shift: number): number {
  const block = hunk.lines.filter((l) => l[0] === ' ' || l[0] === '+').map((l) => l.slice(1));
  if (block.length === 0) return 0;
  const lines = text.split('\n');
  const expected = Math.max(hunk.newStart + shift - 1, 0);
  const matchesAt = (i: number) => block.every((b, j) => lines[i + j] === b);
  for (let d = 0; d < lines.length; d++) {
    if (expected + d < lines.length && matchesAt(expected + d)) return d;
    if (d > 0 && expected - d >= 0 && matchesAt(expected - d)) return -d;
  }
  return 0;
}

/**
 * Applies `series` to `tree` patch by patch. A hunk that fails is reported (patch, file, hunk header)
 * and skipped; the rest still applies. Files outside the virtio core are not materialised and never
 * make application fail: they are listed as not analysed.
 */
export function applySeries(tree: FileSource, series: Series, opts: ApplyOptions = {}): ApplyResult {
  const wanted = new Set<string>(opts.files ?? VIRTIO_CORE_FILES);
  const maxFuzz = opts.maxFuzz ?? 2;
  const current = new Map<string, string>();
  for (const f of wanted) {
    const text = tree.read(f);
    if (text !== undefined) current.set(f, text);
  }
  const problems: ApplyProblem[] = [];
  const notes: string[] = [];
  const notAnalysed = new Set<string>();
  const points: BisectionPoint[] = [{ afterPatch: 0, label: 'base', files: new Map(current), failedHunks: 0 }];
  let failedSoFar = 0;
  const total = series.patches.length;

  series.patches.forEach((p, i) => {
    const n = i + 1;
    const subject = p.subject.title;
    const { patches, error } = filePatches(p);
    if (error) notes.push(`patch ${n}/${total} (${subject}): diff text did not parse (${error}); used the ingest hunks`);
    if (patches.length === 0) {
      problems.push({ patch: n, subject, file: '', message: `patch ${n}/${total} (${subject}) has no diff` });
    }
    for (const fp of patches) {
      const oldPath = stripPrefix(fp.oldFileName);
      const newPath = stripPrefix(fp.newFileName);
      const path = newPath && newPath !== '/dev/null' ? newPath : oldPath;
      if (!wanted.has(path) && !wanted.has(oldPath)) {
        notAnalysed.add(path);
        continue;
      }
      // Hunk headers as ingest saw them carry the function context after "@@"; prefer them in messages.
      const fd = p.files.find((f) => f.newPath === path || f.oldPath === path);
      const headerOf = (k: number): string => fd?.hunks[k]?.header ?? hunkHeader(fp.hunks[k]);
      if (newPath === '/dev/null') {
        current.delete(oldPath);
        notes.push(`patch ${n}/${total} deletes ${oldPath}`);
        continue;
      }
      let text: string | undefined = oldPath === '/dev/null' ? '' : current.get(oldPath);
      if (text === undefined) {
        problems.push({
          patch: n,
          subject,
          file: path,
          message: `patch ${n}/${total} (${subject}): ${oldPath} is not in the base tree; its ${fp.hunks.length} hunk(s) were skipped`,
        });
        failedSoFar += fp.hunks.length;
        continue;
      }
      let shift = 0;
      fp.hunks.forEach((h, k) => {
        const r = applyHunk(text!, h, shift, maxFuzz);
        if (!r) {
          failedSoFar++;
          problems.push({
            patch: n,
            subject,
            file: path,
            hunk: headerOf(k),
            message: `patch ${n}/${total} (${subject}): hunk ${headerOf(k)} of ${path} does not apply (fuzz up to ${maxFuzz}); skipped`,
          });
          return;
        }
        if (r.fuzz > 0) notes.push(`patch ${n}/${total}: hunk ${headerOf(k)} of ${path} applied with fuzz ${r.fuzz}`);
        else {
          const off = hunkOffset(r.text, h, shift);
          if (off) notes.push(`patch ${n}/${total}: hunk ${headerOf(k)} of ${path} applied at offset ${off > 0 ? '+' : ''}${off} lines`);
        }
        text = r.text;
        shift += h.newLines - h.oldLines;
      });
      if (oldPath !== path && oldPath !== '/dev/null') current.delete(oldPath);
      current.set(path, text);
    }
    points.push({ afterPatch: n, label: `after ${patchLabel(p, n, total)}`, files: new Map(current), failedHunks: failedSoFar });
  });
  for (const f of notAnalysed) notes.push(`${f}: outside the virtio core, not analysed`);
  return { points, problems, notes, notAnalysed: [...notAnalysed] };
}
