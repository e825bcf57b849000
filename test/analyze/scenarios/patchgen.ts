// Generates patch mails at test time: edits the real kernel files, diffs them with createTwoFilesPatch, wraps format-patch style.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';

/** One textual edit of a kernel file; `find` must occur exactly once (the helper fails loudly otherwise). */
export interface Edit {
  file: string;
  find: string;
  replace: string;
}

export interface PatchSpec {
  subject: string;
  body: string;
  edits: Edit[];
}

export interface SeriesSpec {
  title: string;
  version: number;
  author?: string;
  cover?: string;
  patches: PatchSpec[];
  /** Distinguishes Message-IDs of different series generated in one run. */
  tag: string;
  date?: Date;
}

export function applyEdits(files: Map<string, string>, edits: Edit[]): Map<string, string> {
  const out = new Map(files);
  for (const e of edits) {
    const text = out.get(e.file);
    if (text === undefined) throw new Error(`patchgen: ${e.file} not loaded`);
    const i = text.indexOf(e.find);
    if (i < 0) throw new Error(`patchgen: ${e.file}: text not found: ${JSON.stringify(e.find.slice(0, 80))}`);
    if (text.indexOf(e.find, i + 1) >= 0) throw new Error(`patchgen: ${e.file}: text occurs more than once: ${JSON.stringify(e.find.slice(0, 80))}`);
    out.set(e.file, text.slice(0, i) + e.replace + text.slice(i + e.find.length));
  }
  return out;
}

export function loadCore(root: string, files: string[]): Map<string, string> {
  return new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

function diffOf(before: Map<string, string>, after: Map<string, string>): { text: string; stat: string[] } {
  let text = '';
  const stat: string[] = [];
  for (const [f, a] of after) {
    const b = before.get(f)!;
    if (a === b) continue;
    const p = createTwoFilesPatch(`a/${f}`, `b/${f}`, b, a, undefined, undefined, { context: 3 });
    // createTwoFilesPatch starts with an "Index:"/"====" header; git style starts at diff --git.
    const body = p.split('\n').filter((l, i) => !(i < 2 && (l.startsWith('Index:') || l.startsWith('====')))).join('\n');
    text += `diff --git a/${f} b/${f}\n` + body.replace(/^--- a\/(.*?)\t.*$/m, '--- a/$1').replace(/^\+\+\+ b\/(.*?)\t.*$/m, '+++ b/$1');
    const adds = body.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).length;
    const dels = body.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---')).length;
    stat.push(` ${f} | ${adds + dels} ${'+'.repeat(Math.min(adds, 40))}${'-'.repeat(Math.min(dels, 40))}`);
  }
  return { text, stat };
}

function mail(h: { from: string; date: Date; subject: string; messageId: string; inReplyTo?: string }, body: string): string {
  const lines = [
    `From ringside-example Mon Sep 17 00:00:00 2001`,
    `From: ${h.from}`,
    `Date: ${h.date.toUTCString().replace('GMT', '+0000')}`,
    `Subject: ${h.subject}`,
    `Message-Id: <${h.messageId}>`,
    ...(h.inReplyTo ? [`In-Reply-To: <${h.inReplyTo}>`, `References: <${h.inReplyTo}>`] : []),
    'To: virtualization@lists.linux.dev',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    // mboxrd: escape body lines that start with "From ".
    ...body.split('\n').map((l) => (/^>*From /.test(l) ? '>' + l : l)),
    '',
  ];
  return lines.join('\n');
}

/** A format-patch style mbox for a series of cumulative edits to `base` (the real kernel files). */
export function seriesMbox(base: Map<string, string>, s: SeriesSpec): string {
  const n = s.patches.length;
  const from = s.author ?? 'Ringside Example <example@ringside.invalid>';
  const date0 = s.date ?? new Date(Date.UTC(2026, 0, 5, 10, 0, 0));
  const v = s.version > 1 ? ` v${s.version}` : '';
  const coverId = `${s.tag}-v${s.version}-0@ringside.invalid`;
  const out: string[] = [];
  const single = n === 1 && !s.cover;
  if (!single) {
    out.push(
      mail(
        { from, date: date0, subject: `[PATCH${v} 0/${n}] ${s.title}`, messageId: coverId },
        `${s.cover ?? s.title}\n\n-- \n2.45.0\n`,
      ),
    );
  }
  let cur = base;
  s.patches.forEach((p, i) => {
    const next = applyEdits(cur, p.edits);
    const d = diffOf(cur, next);
    const counter = single ? '' : ` ${i + 1}/${n}`;
    const body = `${p.body.trim()}\n\nSigned-off-by: ${from}\n---\n${d.stat.join('\n')}\n\n${d.text}-- \n2.45.0\n`;
    out.push(
      mail(
        {
          from,
          date: new Date(date0.getTime() + (i + 1) * 60_000),
          subject: `[PATCH${v}${counter}] ${p.subject}`,
          messageId: single ? coverId : `${s.tag}-v${s.version}-${i + 1}@ringside.invalid`,
          inReplyTo: single ? undefined : coverId,
        },
        body,
      ),
    );
    cur = next;
  });
  return out.join('\n');
}
