// Series assembly from fixture mail: versions, cover letter, trailers from replies, metadata, gaps.
import { describe, expect, it } from 'vitest';
import { readMailbox } from '../../src/ingest/mailbox.js';
import { parseMessage } from '../../src/ingest/message.js';
import { readSeriesFromPath } from '../../src/ingest/read.js';
import { assembleSeries, SelectionError } from '../../src/ingest/series.js';
import type { Message } from '../../src/ingest/types.js';
import { fixture } from './helpers.js';

async function messagesOf(name: string): Promise<Message[]> {
  const out: Message[] = [];
  for await (const raw of readMailbox(fixture(name))) out.push((await parseMessage(raw)).message);
  return out;
}

describe('series from series-v1-v2.mbox', () => {
  it('picks the newest version by default and lists the others', async () => {
    const { series: s, skipped } = await readSeriesFromPath(fixture('series-v1-v2.mbox'));
    expect(skipped).toEqual([]);
    expect(s.version).toBe(2);
    expect(s.versionsAvailable).toEqual([1, 2]);
    expect(s.title).toBe('virtio: order probe against vring interrupts');
    expect(s.total).toBe(2);
    expect(s.cover?.messageId).toBe('20210607100000.2000-1-ana@example.org');
    expect(s.rootMessageId).toBe('20210607100000.2000-1-ana@example.org');
    expect(s.patches.map((p) => p.subject.counter)).toEqual([1, 2]);
    expect(s.problems).toEqual([]);
  });

  it('reads base-commit and prerequisite-patch-id from the cover letter', async () => {
    const { series: s } = await readSeriesFromPath(fixture('series-v1-v2.mbox'));
    expect(s.baseCommit).toBe('8124c8a6b35386f73523d27eacb71b5364a68c4c');
    expect(s.prerequisitePatchIds).toEqual(['0f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a']);
  });

  it('attaches reply trailers to the right patch; a reply to the cover applies to all', async () => {
    const { series: s } = await readSeriesFromPath(fixture('series-v1-v2.mbox'));
    const [p1, p2] = s.patches;
    const fromReplies = (p: typeof p1) => p!.trailers.filter((t) => t.fromMessage !== p!.messageId).map((t) => `${t.kind}: ${t.value}`);
    expect(fromReplies(p1)).toEqual(['Acked-by: Jason Wang <jasowang@redhat.com>']);
    expect(fromReplies(p2)).toEqual([
      'Acked-by: Jason Wang <jasowang@redhat.com>',
      'Reviewed-by: Michael S. Tsirkin <mst@redhat.com>',
      // given in a reply to the review, so it walks up to patch 2
      'Tested-by: Tess Ter <tess@example.net>',
    ]);
    // Quoted trailers and trailers after the signature are not new trailers.
    expect(p2!.trailers.some((t) => t.value.includes('Not A Trailer'))).toBe(false);
    // The patch's own trailers, and an in-body From: as the author.
    expect(p2!.trailers.filter((t) => t.fromMessage === p2!.messageId).map((t) => t.kind)).toEqual(['Fixes', 'Signed-off-by', 'Signed-off-by']);
    expect(p2!.author).toBe('Bo Chen <bo@example.com>');
    // Already present in the patch: not added twice.
    expect(p1!.trailers.filter((t) => t.kind === 'Reviewed-by')).toHaveLength(1);
  });

  it('keeps replies as discussion', async () => {
    const { series: s } = await readSeriesFromPath(fixture('series-v1-v2.mbox'));
    expect(s.discussion.map((d) => d.messageId)).toEqual(['jw-v2-0@redhat.com', 'mst-v2-2@redhat.com', 'tess-1@example.net']);
    expect(s.discussion[1]!.body).toContain('Is dev_warn_once enough here?');
  });

  it('builds an older version on request, with its own replies only', async () => {
    const { series: s } = await readSeriesFromPath(fixture('series-v1-v2.mbox'), { version: 1 });
    expect(s.version).toBe(1);
    expect(s.baseCommit).toBeUndefined();
    expect(s.patches[0]!.trailers.map((t) => t.kind)).toEqual(['Signed-off-by', 'Reviewed-by']);
    expect(s.patches[1]!.trailers.map((t) => t.kind)).toEqual(['Signed-off-by']);
    expect(s.discussion.map((d) => d.messageId)).toEqual(['mst-v1-1@redhat.com']);
  });

  it('rejects a version that is not there, naming the available ones', async () => {
    await expect(readSeriesFromPath(fixture('series-v1-v2.mbox'), { version: 3 })).rejects.toThrow(/version 3 is not in the input .*available: v1, v2/);
  });

  it('selects by Message-ID (that message\'s version) or title substring', async () => {
    const byId = await readSeriesFromPath(fixture('series-v1-v2.mbox'), { series: '<20210601100000.1000-3-ana@example.org>' });
    expect(byId.series.version).toBe(1);
    const byReply = await readSeriesFromPath(fixture('series-v1-v2.mbox'), { series: 'tess-1@example.net' });
    expect(byReply.series.version).toBe(2);
    const byTitle = await readSeriesFromPath(fixture('series-v1-v2.mbox'), { series: 'ORDER PROBE' });
    expect(byTitle.series.version).toBe(2);
    await expect(readSeriesFromPath(fixture('series-v1-v2.mbox'), { series: 'no such title' })).rejects.toBeInstanceOf(SelectionError);
  });
});

describe('assembleSeries over several inputs', () => {
  it('returns every series in the messages, newest version each', async () => {
    const msgs = [
      ...(await messagesOf('series-v1-v2.mbox')),
      ...(await messagesOf('qp-crlf.eml')),
      ...(await messagesOf('base64.eml')),
      ...(await messagesOf('attachment.eml')),
    ];
    const all = await assembleSeries(msgs);
    expect(all.map((s) => [s.title, s.version, s.patches.length]).sort()).toEqual(
      [
        ['virtio: order probe against vring interrupts', 2, 2],
        ['virtio_config: synchronize callbacks in virtio_device_ready()', 2, 1],
        ['virtio: café comment', 2, 1],
        ['virtio: drop a stale comment', 1, 1],
      ].sort(),
    );
  });

  it('decodes quoted-printable with CRLF into an LF diff', async () => {
    const [s] = await assembleSeries(await messagesOf('qp-crlf.eml'));
    const p = s!.patches[0]!;
    expect(p.diff).not.toContain('\r');
    expect(p.description).toBe('Make the setup visible \u2014 before DRIVER_OK.');
    expect(p.files.map((f) => [f.newPath, f.analysed, f.additions, f.deletions])).toEqual([['include/linux/virtio_config.h', true, 3, 0]]);
    expect(s!.extra).toEqual(['net-next']);
    expect(p.problems).toEqual([]);
  });

  it('decodes a base64 body and RFC 2047 headers', async () => {
    const [s] = await assembleSeries(await messagesOf('base64.eml'));
    expect(s!.title).toBe('virtio: café comment');
    expect(s!.patches[0]!.author).toBe('"Ána Ruiz" <ana@example.org>');
    expect(s!.patches[0]!.subject.isResend).toBe(true);
    expect(s!.patches[0]!.files[0]!.newPath).toBe('drivers/virtio/virtio.c');
  });

  it('takes the diff from an attached .patch', async () => {
    const [s] = await assembleSeries(await messagesOf('attachment.eml'));
    const p = s!.patches[0]!;
    expect(p.files.map((f) => [f.newPath, f.additions, f.deletions, f.analysed])).toEqual([['include/linux/virtio.h', 0, 1, true]]);
    expect(p.description).toBe('The comment describes code that moved.');
    expect(p.diff.startsWith('diff --git a/include/linux/virtio.h')).toBe(true);
    expect(p.diff.endsWith(' struct virtqueue;\n')).toBe(true);
  });

  it('reports missing and duplicated patches with their numbers', async () => {
    const msgs = await messagesOf('series-v1-v2.mbox');
    const v2 = msgs.filter((m) => m.messageId.includes('.2000-'));
    const withoutP1 = v2.filter((m) => !m.messageId.endsWith('-2-ana@example.org'));
    const [gap] = await assembleSeries(withoutP1);
    expect(gap!.problems.map((p) => [p.kind, p.message])).toEqual([['missing-patch', 'v2: missing patch 1/2 (have 1 of 2)']]);

    const dup = { ...v2.find((m) => m.messageId.endsWith('-3-ana@example.org'))!, messageId: 'copy-of-2@example.org', date: '2021-06-07T09:00:00.000Z', references: ['20210607100000.2000-1-ana@example.org'] };
    const [d] = await assembleSeries([...v2, dup]);
    expect(d!.problems).toHaveLength(1);
    expect(d!.problems[0]!.kind).toBe('duplicate-patch');
    expect(d!.problems[0]!.message).toMatch(/v2 patch 2\/2 sent 2 times/);
  });
});

describe('assembly edge cases', () => {
  function mail(id: string, subject: string, date: string, extra: Partial<Message> = {}): Message {
    return {
      origin: { source: 'mem', index: 1 },
      messageId: id,
      references: [],
      from: 'Ana Ruiz <ana@example.org>',
      fromAddress: 'ana@example.org',
      to: [],
      cc: [],
      subject,
      date,
      body: `Text.\n\nSigned-off-by: Ana Ruiz <ana@example.org>\n---\ndiff --git a/drivers/virtio/virtio.c b/drivers/virtio/virtio.c\n--- a/drivers/virtio/virtio.c\n+++ b/drivers/virtio/virtio.c\n@@ -1,1 +1,1 @@\n-a\n+${id}\n`,
      attachments: [],
      ...extra,
    };
  }

  it('groups an unthreaded send (--no-thread) by sender, version, size and time', async () => {
    const all = await assembleSeries([
      mail('a1@x', '[PATCH v2 1/3] one', '2021-06-01T10:00:00Z'),
      mail('a2@x', '[PATCH v2 2/3] two', '2021-06-01T10:00:01Z'),
      mail('a3@x', '[PATCH v2 3/3] three', '2021-06-01T10:00:02Z'),
      // a day later: another send, not the same one
      mail('b1@x', '[PATCH 1/3] other', '2021-06-02T10:00:00Z'),
    ]);
    expect(all.map((s) => [s.version, s.patches.length, s.problems.map((p) => p.kind)])).toEqual([
      [2, 3, []],
      [1, 1, ['missing-patch']],
    ]);
  });

  it('a reply with a diff is discussion, not a patch; a [PATCH] without Re: but no diff is a patch with no-diff', async () => {
    const all = await assembleSeries([
      mail('p1@x', '[PATCH] fix', '2021-06-01T10:00:00Z'),
      mail('r1@x', 'Re: [PATCH] fix', '2021-06-01T11:00:00Z', { inReplyTo: 'p1@x', references: ['p1@x'], from: 'Rev <rev@x.org>', fromAddress: 'rev@x.org' }),
    ]);
    expect(all).toHaveLength(1);
    expect(all[0]!.patches).toHaveLength(1);
    expect(all[0]!.discussion.map((d) => d.messageId)).toEqual(['r1@x']);
    const [nd] = await assembleSeries([mail('n@x', '[PATCH] empty', '2021-06-01T10:00:00Z', { body: 'Nothing.\n' })]);
    expect(nd!.problems.map((p) => p.kind)).toEqual(['no-diff']);
  });

  it('patches without a version tag under a v2 cover letter belong to v2', async () => {
    const cover = { ...mail('c@x', '[PATCH v2 0/2] cover', '2021-06-01T10:00:00Z'), body: 'About.\n' };
    const [s] = await assembleSeries([
      cover,
      mail('p1@x', '[PATCH 1/2] one', '2021-06-01T10:00:01Z', { inReplyTo: 'c@x', references: ['c@x'] }),
      mail('p2@x', '[PATCH 2/2] two', '2021-06-01T10:00:02Z', { inReplyTo: 'c@x', references: ['c@x'] }),
    ]);
    expect([s!.version, s!.versionsAvailable, s!.patches.length, s!.problems]).toEqual([2, [2], 2, []]);
  });

  it('matches a reply without thread headers to the patch by its subject', async () => {
    const [s] = await assembleSeries([
      mail('p1@x', '[PATCH v3 1/1] virtio: fix a thing', '2021-06-01T10:00:00Z'),
      mail('r@x', 'RE: [PATCH v3 1/1] virtio: fix a thing', '2021-06-02T10:00:00Z', {
        body: 'Acked-by: Out Look <ol@x.org>\n',
        from: 'Out Look <ol@x.org>',
        fromAddress: 'ol@x.org',
      }),
    ]);
    expect(s!.patches[0]!.trailers.map((t) => `${t.kind} ${t.fromMessage}`)).toContain('Acked-by r@x');
  });

  it('takes Message-IDs from lore and patch.msgid.link URLs', async () => {
    const { messageIdFromSelector } = await import('../../src/ingest/series.js');
    expect(messageIdFromSelector('https://lore.kernel.org/virtualization/20210607100000.2000-1-ana@example.org/')).toBe('20210607100000.2000-1-ana@example.org');
    expect(messageIdFromSelector('https://patch.msgid.link/a1%40x')).toBe('a1@x');
    expect(messageIdFromSelector('<a1@x>')).toBe('a1@x');
    expect(messageIdFromSelector('id:a1@x')).toBe('a1@x');
  });
});

describe('partial re-roll', () => {
  it('fills the unchanged patches of v2 from v1 when only changed ones were sent into the v1 thread', async () => {
    const msgs = await messagesOf('series-v1-v2.mbox');
    const v1 = msgs.filter((m) => m.messageId.includes('.1000-') || m.messageId === 'mst-v1-1@redhat.com');
    const v2p2 = msgs.find((m) => m.messageId === '20210607100000.2000-3-ana@example.org')!;
    const reroll = { ...v2p2, messageId: 'reroll-2@example.org', inReplyTo: '20210601100000.1000-3-ana@example.org', references: ['20210601100000.1000-1-ana@example.org', '20210601100000.1000-3-ana@example.org'] };
    const [s] = await assembleSeries([...v1, reroll]);
    expect(s!.version).toBe(2);
    expect(s!.problems).toEqual([]);
    expect(s!.patches.map((p) => p.messageId)).toEqual(['20210601100000.1000-2-ana@example.org', 'reroll-2@example.org']);
    expect(s!.notes).toEqual(['v2 is a partial re-roll: patch 1/2 taken unchanged from v1 (<20210601100000.1000-2-ana@example.org>)']);
    // The review given to v1's patch 1 stays with it.
    expect(s!.patches[0]!.trailers.map((t) => t.fromMessage)).toContain('mst-v1-1@redhat.com');
  });
});
