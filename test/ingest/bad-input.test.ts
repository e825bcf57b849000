// Bad input: each case gets a clear message naming the message, and the rest is still processed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/ingest/mailbox.js';
import { ingest, readSeriesFromPath } from '../../src/ingest/read.js';
import { buildSeries, selectFamily } from '../../src/ingest/series.js';
import { writeSyntheticMbox } from '../fixtures/mail/synthetic.js';
import { fixture, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('bad input', () => {
  it('a file that is not an mbox is an input error naming the file', async () => {
    await expect(readSeriesFromPath(fixture('not-an-mbox.txt'))).rejects.toThrow(InputError);
    await expect(readSeriesFromPath(fixture('not-an-mbox.txt'))).rejects.toThrow(/not-an-mbox\.txt: not an mbox/);
  });

  it('a truncated message: the cut hunk is reported on that message; the earlier patch is intact', async () => {
    const { series: s } = await readSeriesFromPath(fixture('truncated.mbox'));
    expect(s.patches).toHaveLength(2);
    expect(s.patches[0]!.problems).toEqual([]);
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toMatchObject({ kind: 'corrupt-diff', where: 't-2@example.org' });
    expect(s.problems[0]!.message).toMatch(/truncated\.mbox #2 <t-2@example\.org> \(patch 2\/2\): hunk @@ -2150,8 \+2150,10 @@ .* is cut short/);
  });

  describe('bad-input.mbox', async () => {
    const r = await readSeriesFromPath(fixture('bad-input.mbox'), { series: 'broken mime' });
    const kinds = r.series.problems.map((p) => `${p.kind} ${p.where}`);

    it('broken MIME (multipart without a boundary) is named and the message still read', () => {
      expect(kinds).toContain('broken-mime broken-1@example.com');
      const p = r.series.problems.find((x) => x.kind === 'broken-mime')!;
      expect(p.message).toBe(`${fixture('bad-input.mbox')} #1 <broken-1@example.com>: multipart Content-Type without a boundary; body read as plain text`);
    });

    it('an unknown charset is named; the patch is still used', () => {
      const p = r.series.problems.find((x) => x.kind === 'unknown-charset')!;
      expect(p.message).toMatch(/#2 <charset-2@example\.com>: unknown charset "x-klingon-8"/);
      expect(r.series.patches[1]!.files[0]!.newPath).toBe('drivers/virtio/virtio.c');
    });

    it('a patch mail with no diff is reported with its number', () => {
      const p = r.series.problems.filter((x) => x.kind === 'no-diff').map((x) => x.message);
      expect(p).toContainEqual(expect.stringMatching(/#3 <nodiff-3@example\.com> \(patch 3\/3\): no diff found/));
    });

    it('text that is not a message is skipped by position, the rest goes on', () => {
      expect(r.skipped).toEqual([expect.objectContaining({ kind: 'bad-message', message: expect.stringMatching(/bad-input\.mbox #5: not a mail message.*skipped/) })]);
      expect(r.messages).toBe(6);
      expect(r.candidates).toHaveLength(3);
    });

    it('a message cut inside its header is named', () => {
      expect(r.otherProblems.map((p) => p.message)).toContainEqual(expect.stringMatching(/#6 <cut-header@example\.com>: truncated inside its header/));
    });

    it('a corrupt diff and a subject with odd brackets', async () => {
      const c = await readSeriesFromPath(fixture('bad-input.mbox'), { series: 'corrupt-1@example.com' });
      expect(c.series.version).toBe(2);
      expect(c.series.title).toBe('virtio: odd brackets 1/1');
      expect(c.series.problems).toEqual([
        expect.objectContaining({ kind: 'corrupt-diff', where: 'corrupt-1@example.com', message: expect.stringMatching(/corrupt hunk @@ -2150,8 \+2150,10 @@ .*"before DRIVER_OK\\"\);" is not a diff line/) }),
      ]);
    });
  });

  it('a message without a Message-ID gets a named stand-in and a problem', async () => {
    const { readStream } = await import('../../src/ingest/mailbox.js');
    const { parseMessage } = await import('../../src/ingest/message.js');
    const { Readable } = await import('node:stream');
    const text = 'From a@b Mon Jun  7 10:00:00 2021\nFrom: A <a@b.org>\nSubject: [PATCH] no id\n\nbody\n';
    for await (const raw of readStream(Readable.from([Buffer.from(text)]), 'stdin')) {
      const { message, problems } = await parseMessage(raw);
      expect(message.messageId).toBe('ringside-1@stdin');
      expect(problems).toEqual([{ kind: 'no-message-id', message: 'stdin #1: has no Message-ID; called <ringside-1@stdin>', where: 'stdin #1' }]);
    }
  });

  it('a 50 MB mbox is processed with bounded memory', async () => {
    const dir = tempDir('big');
    dirs.push(dir);
    const file = path.join(dir, 'big.mbox');
    const stats = writeSyntheticMbox(file, { bytes: 50 * 1024 * 1024, seed: 7, hunkScale: 6 });
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const r = await ingest(file, {}, () => {
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    });
    try {
      expect(r.messages).toBe(stats.messages);
      expect(r.skipped).toEqual([]);
      const { family, version } = selectFamily(r.families, {});
      const s = await buildSeries(family, version, (id) => r.spool.get(id));
      expect(s.patches.length).toBeGreaterThan(0);
    } finally {
      r.spool.close();
    }
    const growthMb = (peak - base) / 1e6;
    // Well under the 300 MB bound; records are ~1 KB per message, the rest is collectable garbage.
    expect(growthMb).toBeLessThan(200);
    expect(stats.messages).toBeGreaterThan(3000);
  });
});
