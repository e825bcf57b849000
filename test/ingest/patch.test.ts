// Diff extraction from patch mails: exact cut, line positions, damaged diffs, and git-apply-able text.
import { applyPatch, parsePatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { buildPatch, extractDiff, hasDiff } from '../../src/ingest/patch.js';
import { parseSubject } from '../../src/ingest/subject.js';
import type { Message } from '../../src/ingest/types.js';

const DIFF = [
  'diff --git a/drivers/virtio/virtio_ring.c b/drivers/virtio/virtio_ring.c',
  'index 88f0b16b11b8..99a1c27c22c9 100644',
  '--- a/drivers/virtio/virtio_ring.c',
  '+++ b/drivers/virtio/virtio_ring.c',
  '@@ -1,6 +1,6 @@',
  ' int a;',
  '-- removed line that looks like a signature',
  '-- ',
  '+int b;',
  '+int c;',
  '',
  ' int d;',
  ' int e;',
  'diff --git a/drivers/net/virtio_net.c b/drivers/net/virtio_net.c',
  'index 2b3c4d5e6f70..3c4d5e6f7081 100644',
  '--- a/drivers/net/virtio_net.c',
  '+++ b/drivers/net/virtio_net.c',
  '@@ -10,2 +10,2 @@ static int f(void)',
  ' x();',
  '-y();',
  '\\ No newline at end of file',
  '+z();',
  '\\ No newline at end of file',
  '',
].join('\n');

const MAIL = `The ring needs another field.

Reviewed-by: Someone <some@example.com>
Signed-off-by: Ana Ruiz <ana@example.org>
---
v2: reworded

 drivers/virtio/virtio_ring.c | 4 ++--
 1 file changed

${DIFF}-- 
2.31.1


base-commit: 8124c8a6b35386f73523d27eacb71b5364a68c4c
_______________________________________________
Virtualization mailing list
Virtualization@lists.linux-foundation.org
https://lists.linuxfoundation.org/mailman/listinfo/virtualization
`;

function msg(body: string, extra: Partial<Message> = {}): Message {
  return {
    origin: { source: 't', index: 1 },
    messageId: 'id@x',
    references: [],
    from: 'Ana Ruiz <ana@example.org>',
    fromAddress: 'ana@example.org',
    to: [],
    cc: [],
    subject: '[PATCH] t',
    body,
    attachments: [],
    ...extra,
  };
}

describe('extractDiff', () => {
  it('cuts the diff exactly: no diffstat, signature, base-commit or list footer; "-- " inside a hunk stays', () => {
    const ex = extractDiff(MAIL);
    expect(ex.problems).toEqual([]);
    expect(ex.diff).toBe(DIFF.replace('\n\n int d;', '\n \n int d;'));
    expect(ex.before).toContain(' 1 file changed');
    expect(ex.after).toMatch(/^-- \n2\.31\.1/);
    expect(ex.after).toContain('Virtualization mailing list');
  });

  it('records line numbers and the line of each hunk line within Patch.diff', () => {
    const p = buildPatch(msg(MAIL), parseSubject('[PATCH] t'));
    const diffLines = p.diff.split('\n');
    for (const f of p.files)
      for (const h of f.hunks)
        for (const l of h.lines) {
          const prefix = l.type === 'add' ? '+' : l.type === 'del' ? '-' : ' ';
          const at = diffLines[l.patchLine - 1]!;
          // An empty context line that lost its space in the mail gets it back in Patch.diff.
          expect(at).toBe(prefix + l.content);
        }
    const ring = p.files[0]!;
    expect(ring.hunks[0]!.lines.map((l) => [l.type, l.oldLine, l.newLine])).toEqual([
      ['context', 1, 1],
      ['del', 2, undefined],
      ['del', 3, undefined],
      ['add', undefined, 2],
      ['add', undefined, 3],
      ['context', 4, 4],
      ['context', 5, 5],
      ['context', 6, 6],
    ]);
    expect([ring.additions, ring.deletions]).toEqual([2, 2]);
  });

  it('marks the four virtio-core files analysed and others not', () => {
    const p = buildPatch(msg(MAIL), parseSubject('[PATCH] t'));
    expect(p.files.map((f) => [f.newPath, f.analysed])).toEqual([
      ['drivers/virtio/virtio_ring.c', true],
      ['drivers/net/virtio_net.c', false],
    ]);
  });

  it('splits the commit message from its trailers and notes', () => {
    const p = buildPatch(msg(MAIL), parseSubject('[PATCH] t'));
    expect(p.description).toBe('The ring needs another field.');
    expect(p.trailers.map((t) => t.kind)).toEqual(['Reviewed-by', 'Signed-off-by']);
    expect(p.trailers.every((t) => t.fromMessage === 'id@x')).toBe(true);
  });

  it('produces text the diff package parses and applies', () => {
    const body = 'Fix.\n\nSigned-off-by: A <a@b.c>\n---\n' + [
      'diff --git a/include/linux/virtio.h b/include/linux/virtio.h',
      '--- a/include/linux/virtio.h',
      '+++ b/include/linux/virtio.h',
      '@@ -2,3 +2,3 @@',
      ' b',
      '-c',
      '+C',
      ' d',
      '',
    ].join('\n') + '-- \n2.31.1\n';
    const p = buildPatch(msg(body), parseSubject('[PATCH] t'));
    expect(parsePatch(p.diff)).toHaveLength(1);
    expect(applyPatch('a\nb\nc\nd\ne\n', p.diff)).toBe('a\nb\nC\nd\ne\n');
  });

  it('reports a line wrapped by the mailer, naming the hunk and the line', () => {
    const wrapped = MAIL.replace('+int c;', '+int c = some_long_call(a,\nb);');
    const ex = extractDiff(wrapped);
    expect(ex.problems).toHaveLength(1);
    expect(ex.problems[0]).toMatch(/corrupt hunk @@ -1,6 \+1,6 @@ \(diff line 5\): body line \d+ "b\);" is not a diff line/);
  });

  it('reports a hunk cut short at the end of the mail', () => {
    const cut = MAIL.slice(0, MAIL.indexOf(' int d;'));
    expect(extractDiff(cut).problems[0]).toMatch(/hunk @@ -1,6 \+1,6 @@ \(diff line 5\) is cut short: 2 old and 2 new lines missing/);
  });

  it('accepts a rename without hunks', () => {
    const ex = extractDiff('Move.\n---\ndiff --git a/a.c b/b.c\nsimilarity index 100%\nrename from a.c\nrename to b.c\n-- \n2.31.1\n');
    expect(ex.problems).toEqual([]);
    expect(ex.diff).toBe('diff --git a/a.c b/b.c\nsimilarity index 100%\nrename from a.c\nrename to b.c\n');
  });

  it('finds no diff in prose that mentions "--- "', () => {
    expect(hasDiff('a\n--- not a diff\n+++ really not\nbye\n')).toBe(false);
    expect(extractDiff('just words\n').diff).toBe('');
    const p = buildPatch(msg('No diff here.\n\nSigned-off-by: A <a@b.c>\n'), parseSubject('[PATCH] t'));
    expect(p.problems).toEqual(['no diff found in the message']);
  });

  it('takes the author from an in-body From: and the message after scissors', () => {
    const body = 'Some chatter first.\n\n-- >8 --\nFrom: Bo Chen <bo@example.com>\nSubject: the real subject\n\nReal message.\n\nSigned-off-by: Bo Chen <bo@example.com>\n---\n' + DIFF;
    const p = buildPatch(msg(body), parseSubject('[PATCH] t'));
    expect(p.author).toBe('Bo Chen <bo@example.com>');
    expect(p.description).toBe('Real message.');
    expect(p.subject.title).toBe('the real subject');
  });
});

describe('reply trailers', async () => {
  const { replyTrailers } = await import('../../src/ingest/trailers.js');
  it('takes unquoted person trailers before the signature only', () => {
    const body = '> Signed-off-by: Quoted <q@x.org>\n\nLooks good.\nReviewed-by: Rev Iewer <rev@x.org>\nacked-by: Low Case <low@x.org>\nReviewed-by: nobody in particular\n-- \nSigned-off-by: Sig <sig@x.org>\n';
    expect(replyTrailers(body)).toEqual([
      { kind: 'Reviewed-by', value: 'Rev Iewer <rev@x.org>' },
      { kind: 'Acked-by', value: 'Low Case <low@x.org>' },
    ]);
  });
  it("ignores a build bot's request to be credited next time", () => {
    const body = 'If you fix the issue, kindly add following tag as appropriate\nReported-by: kernel test robot <lkp@intel.com>\n';
    expect(replyTrailers(body)).toEqual([]);
  });
});
