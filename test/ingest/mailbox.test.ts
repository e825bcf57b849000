// Reading sources: mboxrd/mboxo unescaping, chunk boundaries, Maildir, .eml, sniffing bad input.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, readMailbox, readStream } from '../../src/ingest/mailbox.js';
import { parseMessage } from '../../src/ingest/message.js';
import { collect, fixture, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

describe('mbox splitting', () => {
  it('splits the fixture mbox into its ten messages and strips the separator line', async () => {
    const msgs = await collect(readMailbox(fixture('series-v1-v2.mbox')));
    expect(msgs).toHaveLength(10);
    expect(msgs.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const m of msgs) {
      expect(m.envelope).toMatch(/^From ana@example.org /);
      expect(m.raw.toString().startsWith('From: ')).toBe(true);
      expect(m.raw.toString().endsWith('\n\n')).toBe(false);
    }
  });

  it('gives the same messages whatever the chunk size (boundaries inside lines and "From ")', async () => {
    const buf = fs.readFileSync(fixture('series-v1-v2.mbox'));
    const whole = await collect(readStream(chunked(buf, buf.length), 'x'));
    for (const size of [1, 3, 7, 64, 4097]) {
      const parts = await collect(readStream(chunked(buf, size), 'x'));
      expect(parts.map((m) => m.raw.toString('latin1'))).toEqual(whole.map((m) => m.raw.toString('latin1')));
    }
  });

  it('undoes mboxrd quoting: one ">" comes off any ">+From " line', async () => {
    const text = 'From a@b Mon Jun  7 10:00:00 2021\nSubject: q\n\n>From one\n>>From two\n>>>From three\n> From not quoted\n';
    const [m] = await collect(readStream(Readable.from([Buffer.from(text)]), 'x'));
    expect(m!.raw.toString()).toBe('Subject: q\n\nFrom one\n>From two\n>>From three\n> From not quoted\n');
  });

  it('undoes mboxo quoting only on ">From " (mboxo cannot tell ">>From " apart)', async () => {
    const msgs = await collect(readMailbox(fixture('mboxo.mbox'), { mboxFormat: 'mboxo' }));
    const { message } = await parseMessage(msgs[0]!);
    expect(message.body).toMatch(/^From the description/m);
    expect(message.body).toMatch(/^>>From a quoted line\./m);
    const rd = await collect(readMailbox(fixture('mboxo.mbox')));
    expect((await parseMessage(rd[0]!)).message.body).toMatch(/^>From a quoted line\./m);
  });

  it('does not split on a "From " line in the middle of a paragraph', async () => {
    const text =
      'From a@b Mon Jun  7 10:00:00 2021\nSubject: one\n\ntext\nFrom here on it is prose\n\n' +
      'From c@d Mon Jun  7 10:00:01 2021\nSubject: two\n\nbody\n';
    const msgs = await collect(readStream(Readable.from([Buffer.from(text)]), 'x'));
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.raw.toString()).toContain('From here on it is prose');
  });

  it('does not split on unescaped prose "From …" after an empty line (careless mboxo writers)', async () => {
    const text = 'From a@b Mon Jun  7 10:00:00 2021\nSubject: one\n\nintro\n\nFrom the start, this was wrong.\n\nFrom c@d Mon Jun  7 10:00:01 2021\nSubject: two\n\ny\n';
    const msgs = await collect(readStream(Readable.from([Buffer.from(text)]), 'x'));
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.raw.toString()).toContain('\nFrom the start, this was wrong.\n');
  });

  it('splits on a well-formed envelope line even without the empty line before it', async () => {
    const text = 'From a@b Mon Jun  7 10:00:00 2021\nSubject: one\n\nx\nFrom c@d Mon Jun  7 10:00:01 2021\nSubject: two\n\ny\n';
    expect(await collect(readStream(Readable.from([Buffer.from(text)]), 'x'))).toHaveLength(2);
  });

  it('reads a CRLF mbox', async () => {
    const text = 'From a@b Mon Jun  7 10:00:00 2021\r\nSubject: one\r\n\r\nx\r\n\r\nFrom c@d Mon Jun  7 10:00:01 2021\r\nSubject: two\r\n\r\ny\r\n';
    const msgs = await collect(readStream(Readable.from([Buffer.from(text)]), 'x'));
    expect(msgs.map((m) => m.raw.toString())).toEqual(['Subject: one\r\n\r\nx\r\n', 'Subject: two\r\n\r\ny\r\n']);
  });
});

describe('other sources', () => {
  it('reads a gzip-compressed mbox (lore t.mbox.gz) from a file or a stream', async () => {
    const { gzipSync } = await import('node:zlib');
    const plain = fs.readFileSync(fixture('series-v1-v2.mbox'));
    const dir = tempDir('gz');
    dirs.push(dir);
    const gz = path.join(dir, 't.mbox.gz');
    fs.writeFileSync(gz, gzipSync(plain));
    const want = (await collect(readMailbox(fixture('series-v1-v2.mbox')))).map((m) => m.raw.toString());
    expect((await collect(readMailbox(gz))).map((m) => m.raw.toString())).toEqual(want);
    expect((await collect(readStream(chunked(gzipSync(plain), 100), '-'))).map((m) => m.raw.toString())).toEqual(want);
    await expect(collect(readStream(Readable.from([gzipSync(plain).subarray(0, 200)]), 'cut.gz'))).rejects.toThrow(/cut\.gz: gzip data is damaged/);
  });

  it('reads a single .eml as one message', async () => {
    const msgs = await collect(readMailbox(fixture('qp-crlf.eml')));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.envelope).toBeUndefined();
  });

  it('reads a Maildir (cur/ and new/, tmp/ ignored) in delivery order', async () => {
    const dir = tempDir('maildir');
    dirs.push(dir);
    for (const d of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, d));
    const mbox = await collect(readMailbox(fixture('series-v1-v2.mbox')));
    mbox.forEach((m, i) => {
      const sub = i % 2 ? 'new' : 'cur';
      fs.writeFileSync(path.join(dir, sub, `16230000${String(i).padStart(2, '0')}.M${i}P1.host${sub === 'cur' ? ':2,S' : ''}`), m.raw);
    });
    fs.writeFileSync(path.join(dir, 'tmp', '1623999999.M1P1.host'), 'Subject: in flight\n\n');
    const msgs = await collect(readMailbox(dir));
    expect(msgs).toHaveLength(10);
    expect(msgs.map((m) => m.raw.toString())).toEqual(mbox.map((m) => m.raw.toString()));
  });

  it('rejects a directory that is not a Maildir', async () => {
    const dir = tempDir('notmaildir');
    dirs.push(dir);
    await expect(collect(readMailbox(dir))).rejects.toThrow(/not a Maildir/);
  });

  it('rejects a file that is not a mailbox, naming it and showing the first line', async () => {
    const err = await collect(readMailbox(fixture('not-an-mbox.txt'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/not-an-mbox\.txt: not an mbox, Maildir or mail message \(first line "This is a shopping list\."/);
  });

  it('closes the file as soon as reading stops, not at garbage collection (Node would warn on stderr)', async () => {
    // how many of this process's descriptors are open on a file of that name
    const openOn = (name: string) =>
      fs.readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`).endsWith(name);
        } catch {
          return false;
        }
      }).length;
    // the close is asynchronous: a few turns of the event loop, far less than any GC would need
    const settle = async (name: string) => {
      for (let i = 0; i < 20 && openOn(name) > 0; i++) await new Promise((r) => setTimeout(r, 5));
    };
    await collect(readMailbox(fixture('not-an-mbox.txt'))).catch(() => undefined);
    await settle('not-an-mbox.txt');
    expect(openOn('not-an-mbox.txt')).toBe(0);
    // and when the caller stops early on a good mbox
    const first = readMailbox(fixture('series-v1-v2.mbox'));
    await first.next();
    await first.return(undefined);
    await settle('series-v1-v2.mbox');
    expect(openOn('series-v1-v2.mbox')).toBe(0);
  });

  it('rejects binary data and empty input', async () => {
    await expect(collect(readStream(Readable.from([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 1])]), 'img.png'))).rejects.toThrow(/img\.png: not an mbox.*binary data/);
    await expect(collect(readStream(Readable.from([]), 'empty'))).rejects.toThrow(/empty input/);
  });

  it('names a missing file', async () => {
    await expect(collect(readMailbox('/nonexistent/x.mbox'))).rejects.toThrow('/nonexistent/x.mbox: cannot read (no such file or directory)');
  });
});
