// Subject prefix parsing in the forms seen on kernel lists, including damaged ones.
import { describe, expect, it } from 'vitest';
import { parseSubject } from '../../src/ingest/subject.js';

describe('parseSubject', () => {
  const cases: [string, Partial<ReturnType<typeof parseSubject>>][] = [
    ['[PATCH v3 2/9] virtio: fix', { version: 3, counter: 2, total: 9, isPatch: true, title: 'virtio: fix', isReply: false }],
    ['[PATCH V2 net-next 5/5] virtio_net: x', { version: 2, counter: 5, total: 5, extra: ['net-next'], title: 'virtio_net: x' }],
    ['[RFC PATCH 0/3] big idea', { isRfc: true, counter: 0, total: 3, version: 1, title: 'big idea' }],
    ['[PATCH RESEND v2 1/1] virtio: again', { isResend: true, version: 2, counter: 1, total: 1 }],
    ['[PATCH] lone', { isPatch: true, version: 1, title: 'lone' }],
    ['[PATCH v2 RESEND 3/4] order swapped', { isResend: true, version: 2, counter: 3, total: 4 }],
    ['Re: [PATCH v4] virtio-net: Add validation', { isReply: true, version: 4, isPatch: true, title: 'virtio-net: Add validation' }],
    ['RE: Re: [PATCH 2/3] vdpa: x', { isReply: true, counter: 2, total: 3 }],
    ['[RFC][PATCH v2 1/2] two groups', { isRfc: true, version: 2, counter: 1, total: 2, title: 'two groups' }],
    ['[PATCHv5 01/12] glued and padded', { version: 5, counter: 1, total: 12 }],
    ['[PATCH net v2 0/2] virtio-net: fix for build_skb()', { version: 2, counter: 0, total: 2, extra: ['net'] }],
    ['[virtio-dev] [PATCH v3] list tag first', { version: 3, extra: ['virtio-dev'], title: 'list tag first' }],
    ['[PATCH v2 1/3 virtio: unbalanced bracket', { version: 2, counter: 1, total: 3, title: 'virtio: unbalanced bracket' }],
    ['PATCH v2 2/3] missing open bracket', { version: 2, counter: 2, total: 3, title: 'missing open bracket' }],
    ['[[PATCH 1/2]] doubled', { counter: 1, total: 2, title: 'doubled' }],
    ['[PATCH V2 0/4] ', { counter: 0, total: 4, version: 2, title: '' }],
    ['Re[2]: [PATCH] numbered reply marker', { isReply: true, title: 'numbered reply marker' }],
    ['virtio: no tags at all', { isPatch: false, title: 'virtio: no tags at all', tags: [] }],
    ['[GIT PULL] vhost: fixes', { isPatch: false, extra: ['GIT', 'PULL'] }],
  ];
  for (const [subject, want] of cases) {
    it(JSON.stringify(subject), () => {
      expect(parseSubject(subject)).toMatchObject(want);
    });
  }

  it('a lone [PATCH] has no counter', () => {
    const s = parseSubject('[PATCH] lone');
    expect(s.counter).toBeUndefined();
    expect(s.total).toBeUndefined();
  });

  it('keeps every tag in order', () => {
    expect(parseSubject('[PATCH v3 net-next 2/9] t').tags).toEqual(['PATCH', 'v3', 'net-next', '2/9']);
  });
});
