// The real corpus (one month of the virtualization list, read from ../shared/corpus, never copied):
// every message parsed, series assembled, and properties measured on it checked.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMailbox } from '../../src/ingest/mailbox.js';
import { parseHead } from '../../src/ingest/message.js';
import { ingest, type IngestResult } from '../../src/ingest/read.js';
import { buildSeries } from '../../src/ingest/series.js';
import { parseSubject } from '../../src/ingest/subject.js';
import type { Series } from '../../src/ingest/types.js';
import { CORPUS } from './helpers.js';

describe('virtualization-list-2021-06.mbox', () => {
  let r: IngestResult;
  let series: Series[];
  beforeAll(async () => {
    if (!fs.existsSync(CORPUS)) throw new Error(`corpus missing: ${CORPUS}`);
    r = await ingest(CORPUS);
    series = [];
    try {
      for (const f of r.families) series.push(await buildSeries(f, undefined, (id) => r.spool.get(id)));
    } finally {
      r.spool.close();
    }
  });

  it('parses all 660 messages with none skipped', () => {
    expect(r.messages).toBe(660);
    expect(r.skipped).toEqual([]);
    expect(r.duplicates).toBe(0);
    expect(r.messageProblems).toEqual([]);
  });

  it('attaches every [PATCH n/N] mail (and cover letter) to a series', async () => {
    const ids = new Set<string>();
    for (const f of r.families) for (const v of f.versions.values()) for (const x of [...v.covers, ...[...v.patches.values()].flat()]) ids.add(x.messageId);
    let numbered = 0;
    for await (const raw of readMailbox(CORPUS)) {
      const h = parseHead(raw);
      const s = parseSubject(h.subject);
      if (!s.isReply && s.isPatch && s.counter !== undefined) {
        numbered++;
        expect(ids.has(h.messageId!), `${h.messageId} ${h.subject}`).toBe(true);
      }
    }
    expect(numbered).toBe(203);
    expect(ids.size).toBe(219);
  });

  it('assembles the 35 series measured by hand, 4 of them with several versions', () => {
    expect(series).toHaveLength(35);
    expect(series.filter((s) => s.versionsAvailable.length > 1).map((s) => `${s.title} ${s.versionsAvailable.join(',')}`).sort()).toEqual([
      'Add support for ACPI VIOT 3,4,5',
      'Packed virtqueue state support for vDPA 1,2',
      'x86/sev-es: Fixes for SEV-ES Guest Support 3,4,5',
      'x86/sev: Fixes for SEV-ES Guest Support 1,6,7',
    ]);
  });

  it('groups a 30-patch series whose cover letter has no [PATCH] prefix', () => {
    const s = series.find((x) => x.title.startsWith('simplify gendisk'))!;
    expect(s.patches).toHaveLength(30);
    expect(s.cover?.messageId).toBe('20210602065345.355274-1-hch@lst.de');
    expect(s.problems).toEqual([]);
  });

  it('picks the RESEND of v2 and notes the earlier send', () => {
    const s = series.find((x) => x.title === 'Packed virtqueue state support for vDPA')!;
    expect(s.version).toBe(2);
    expect(s.cover!.subject).toBe('[PATCH V2 RESEND 0/4] Packed virtqueue state support for vDPA');
    expect(s.notes!.length).toBe(5);
  });

  it('reports exactly the gaps and duplicates in the month, naming them', () => {
    const problems = series.flatMap((s) => s.problems.map((p) => `${p.kind}: ${p.message}`));
    expect(problems).toEqual([
      expect.stringMatching(/^missing-patch: v3: missing patch 3\/3 \(have 2 of 3\)$/),
      expect.stringMatching(/^duplicate-patch: duplicate v1 patch 2\/3 sent 2 times \(<20210622144825\.27588-3-joro@8bytes\.org>, <YNLXQIZ5e1wjkshG@8bytes\.org>\)/),
    ]);
  });

  it('extracts every diff cleanly: git apply --numstat agrees on every file', () => {
    const all = series.flatMap((s) => s.patches);
    for (const p of all) expect(p.problems, p.messageId).toEqual([]);
    expect(all).toHaveLength(154);
    expect(all.flatMap((p) => p.files).filter((f) => f.analysed)).toHaveLength(14);
    // One git run over all diffs: it reads them as one patch and lists every file in order.
    const numstat = execFileSync('git', ['apply', '--numstat', '-'], { input: all.map((p) => p.diff).join(''), stdio: ['pipe', 'pipe', 'ignore'] })
      .toString()
      .trim()
      .split('\n')
      .map((l) => l.split('\t').slice(0, 2).join(' '));
    expect(all.flatMap((p) => p.files.map((f) => `${f.additions} ${f.deletions}`))).toEqual(numstat);
  });

  it('collects trailers from replies', () => {
    const fromReplies = series.flatMap((s) => s.patches.flatMap((p) => p.trailers.filter((t) => t.fromMessage !== p.messageId)));
    expect(fromReplies.length).toBeGreaterThan(30);
    expect(fromReplies.every((t) => /-by$/.test(t.kind) || ['Fixes', 'Link'].includes(t.kind))).toBe(true);
  });
});
