// Mail sources (mbox in mboxrd/mboxo form, Maildir, a single .eml, stdin) streamed into raw messages.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** One message as it sits in the source, before MIME parsing. */
export interface RawMessage {
  source: string;
  /** 1-based position in the source. */
  index: number;
  /** The RFC 5322 bytes, with mbox escaping already undone. */
  raw: Buffer;
  /** The mbox "From " envelope line, when there is one. */
  envelope?: string;
}

export type MboxFormat = 'mboxrd' | 'mboxo';

export interface MailboxOptions {
  /**
   * How `>From ` lines were escaped. mboxrd (lore, public-inbox, b4, mutt in recent versions) strips one
   * `>` from any `>+From ` line; mboxo only turns `>From ` back into `From `. Default mboxrd.
   */
  mboxFormat?: MboxFormat;
  /** Name used in messages for stdin. */
  stdinName?: string;
}

/** The input cannot be read at all (missing file, not a mailbox): a usage error, exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export type SourceKind = 'mbox' | 'maildir' | 'eml';

const FROM_ = Buffer.from('From ');

/** Reads any supported source: a path to an mbox/.eml file, a Maildir directory, or '-' for stdin. */
export async function* readMailbox(
  location: string,
  opts: MailboxOptions = {},
): AsyncGenerator<RawMessage> {
  if (location === '-') {
    yield* readStream(process.stdin, opts.stdinName ?? '<stdin>', opts);
    return;
  }
  let st;
  try {
    st = await fsp.stat(location);
  } catch (e) {
    throw new InputError(`${location}: cannot read (${errCode(e)})`);
  }
  if (st.isDirectory()) {
    yield* readMaildir(location);
    return;
  }
  let stream: Readable;
  try {
    const fh = await fsp.open(location, 'r');
    stream = fh.createReadStream({ highWaterMark: 256 * 1024 });
  } catch (e) {
    throw new InputError(`${location}: cannot read (${errCode(e)})`);
  }
  try {
    yield* readStream(stream, location, opts);
  } finally {
    // also when reading stops early (not a mailbox, or the caller stopped): close the file now, not
    // when the handle is garbage-collected (Node warns on stderr then, in the middle of our output)
    stream.destroy();
  }
}

function errCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file or directory';
  if (err?.code === 'EACCES') return 'permission denied';
  return err?.code ?? (err instanceof Error ? err.message : String(e));
}

/** Maildir: every file in cur/ and new/ is one message; tmp/ holds deliveries in progress and is ignored. */
export async function* readMaildir(dir: string): AsyncGenerator<RawMessage> {
  const names: string[] = [];
  let found = false;
  for (const sub of ['cur', 'new']) {
    let entries: string[];
    try {
      entries = await fsp.readdir(path.join(dir, sub));
      found = true;
    } catch {
      continue;
    }
    for (const e of entries) if (!e.startsWith('.')) names.push(path.join(sub, e));
  }
  if (!found) throw new InputError(`${dir}: a directory but not a Maildir (no cur/ or new/ inside)`);
  // Maildir names start with the delivery time, so name order is delivery order; sort on the base name
  // so cur/ and new/ interleave correctly.
  names.sort((a, b) => (path.basename(a) < path.basename(b) ? -1 : path.basename(a) > path.basename(b) ? 1 : 0));
  let index = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    let raw: Buffer;
    try {
      raw = await fsp.readFile(file);
    } catch (e) {
      // An unreadable file in a Maildir is one bad message, not a bad mailbox; the reader of the
      // message reports it (empty raw has no headers).
      raw = Buffer.alloc(0);
      void e;
    }
    index++;
    yield { source: file, index, raw };
  }
}

/**
 * Splits a byte stream into messages. The stream is sniffed: a leading "From " line means mbox, a leading
 * header line means one RFC 5322 message (.eml), anything else is rejected as not a mailbox.
 * The stream is consumed chunk by chunk; only the current message is held in memory.
 */
export async function* readStream(
  stream: AsyncIterable<Buffer | string>,
  source: string,
  opts: MailboxOptions = {},
): AsyncGenerator<RawMessage> {
  stream = gunzipIfNeeded(stream, source);
  const rd = (opts.mboxFormat ?? 'mboxrd') === 'mboxrd';
  let kind: SourceKind | undefined;
  let carry: Buffer = Buffer.alloc(0); // bytes of an incomplete last line
  let parts: Buffer[] = []; // current message
  let envelope: string | undefined;
  let inMessage = false;
  let prevBlank = true; // the line before the current one was empty (or we are at the start)
  let index = 0;
  let sniffed = Buffer.alloc(0);

  const finish = (): RawMessage | undefined => {
    if (!inMessage) return undefined;
    let raw = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    // mbox puts one empty line between messages; it is not part of the message.
    if (raw.length >= 2 && raw[raw.length - 1] === 0x0a) {
      if (raw[raw.length - 2] === 0x0a) raw = raw.subarray(0, raw.length - 1);
      else if (raw.length >= 3 && raw[raw.length - 2] === 0x0d && raw[raw.length - 3] === 0x0a) raw = raw.subarray(0, raw.length - 2);
    }
    index++;
    return { source, index, raw, envelope };
  };

  // Processes complete lines in buf[0..end); returns finished messages.
  const processLines = (buf: Buffer, end: number, out: RawMessage[]): void => {
    let pos = 0;
    let runStart = 0; // start of a run of lines copied verbatim into the current message
    while (pos < end) {
      let nl = buf.indexOf(0x0a, pos);
      if (nl < 0 || nl >= end) nl = end - 1; // only at the final flush: last line without newline
      const lineEnd = nl + 1;
      const c = buf[pos];
      if (c === 0x46 /* F */ && lineEnd - pos >= 5 && buf.compare(FROM_, 0, 5, pos, pos + 5) === 0 && (prevBlank ? looksLikeEnvelope(buf, pos, lineEnd) : isEnvelope(buf, pos, lineEnd))) {
        // Envelope line: closes the previous message and starts a new one.
        if (inMessage && runStart < pos) parts.push(buf.subarray(runStart, pos));
        const m = finish();
        if (m) out.push(m);
        envelope = buf.toString('latin1', pos, lineEnd).replace(/\r?\n$/, '');
        inMessage = true;
        runStart = lineEnd;
        prevBlank = false;
        pos = lineEnd;
        continue;
      }
      if (c === 0x3e /* > */) {
        // Undo From-quoting: mboxrd strips one '>' of ">>>From ", mboxo only of ">From ".
        let q = pos;
        while (q < lineEnd && buf[q] === 0x3e) q++;
        const depth = q - pos;
        if (buf.compare(FROM_, 0, 5, q, Math.min(q + 5, lineEnd)) === 0 && (rd || depth === 1)) {
          if (inMessage) {
            if (runStart < pos) parts.push(buf.subarray(runStart, pos));
            parts.push(buf.subarray(pos + 1, lineEnd));
          }
          runStart = lineEnd;
          prevBlank = false;
          pos = lineEnd;
          continue;
        }
      }
      prevBlank = lineEnd - pos === 1 || (lineEnd - pos === 2 && c === 0x0d);
      pos = lineEnd;
    }
    if (inMessage && runStart < end) parts.push(buf.subarray(runStart, end));
  };

  for await (const chunk0 of stream) {
    const chunk = typeof chunk0 === 'string' ? Buffer.from(chunk0) : chunk0;
    if (kind === undefined) {
      sniffed = Buffer.concat([sniffed, chunk]);
      const k = sniff(sniffed, source, sniffed.length >= 4096 ? 'final' : 'partial');
      if (k === undefined) continue;
      kind = k;
      if (kind === 'eml') {
        parts.push(sniffed);
        continue;
      }
      carry = sniffed;
    } else if (kind === 'eml') {
      parts.push(chunk);
      continue;
    } else {
      carry = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    }
    const lastNl = carry.lastIndexOf(0x0a);
    if (lastNl < 0) continue;
    const out: RawMessage[] = [];
    processLines(carry, lastNl + 1, out);
    // Copy the tail so the big chunk it came from can be freed.
    carry = Buffer.from(carry.subarray(lastNl + 1));
    // Slices of the chunk still referenced by `parts` are fine: they are the current message.
    for (const m of out) yield m;
  }
  if (kind === undefined) {
    if (sniffed.length === 0) throw new InputError(`${source}: empty input, no messages`);
    kind = sniff(sniffed, source, 'final')!;
    if (kind === 'eml') parts.push(sniffed);
    else carry = sniffed;
  }
  if (kind === 'eml') {
    const raw = Buffer.concat(parts);
    yield { source, index: 1, raw };
    return;
  }
  const out: RawMessage[] = [];
  if (carry.length) processLines(carry, carry.length, out);
  const m = finish();
  if (m) out.push(m);
  for (const x of out) yield x;
}

/** Lore hands out t.mbox.gz: a gzip stream (magic 1f 8b) is inflated on the fly. */
async function* gunzipIfNeeded(stream: AsyncIterable<Buffer | string>, source: string): AsyncGenerator<Buffer> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = typeof first.value === 'string' ? Buffer.from(first.value) : first.value;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
  };
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    yield* rest();
    return;
  }
  const gz = Readable.from(rest()).pipe(createGunzip());
  try {
    for await (const chunk of gz) yield chunk as Buffer;
  } catch (e) {
    throw new InputError(`${source}: gzip data is damaged (${(e as Error).message})`);
  }
}

/**
 * After an empty line, a "From " line starts a message if it could be an envelope at all: a sender
 * address, a commit id (git format-patch), MAILER-DAEMON, or a time of day. Unescaped prose such as
 * "From the start, …" (written by a careless mboxo producer) then stays in the body.
 */
function looksLikeEnvelope(buf: Buffer, start: number, end: number): boolean {
  const line = buf.toString('latin1', start, Math.min(end, start + 200));
  return /^From (\S*@\S*|[0-9a-f]{7,40}|MAILER-DAEMON)(\s|$)/i.test(line) || /\b\d{1,2}:\d\d\b/.test(line);
}

/**
 * A "From " line that is not after an empty line still starts a message when it has the envelope's shape
 * ("From sender Wed Jun  2 10:00:00 2021"); some tools do not leave an empty line between messages.
 */
function isEnvelope(buf: Buffer, start: number, end: number): boolean {
  const line = buf.toString('latin1', start, Math.min(end, start + 200));
  return /^From \S+ +(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d(:\d\d)? /.test(line);
}

/** Decides what a byte stream holds from its first bytes. Undefined: need more bytes. */
function sniff(head: Buffer, source: string, phase: 'partial' | 'final'): SourceKind | undefined {
  // Skip a UTF-8 BOM and leading blank lines, which some tools leave in front of an mbox.
  let p = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) p = 3;
  while (p < head.length && (head[p] === 0x0a || head[p] === 0x0d)) p++;
  const nl = head.indexOf(0x0a, p);
  if (nl < 0 && phase === 'partial') return undefined;
  const first = head.toString('latin1', p, nl < 0 ? Math.min(head.length, p + 200) : nl).replace(/\r$/, '');
  if (first.startsWith('From ')) return 'mbox';
  // A header field name is printable ASCII without ':' or space (RFC 5322 §2.2).
  if (/^[!-9;-~]+:/.test(first)) return 'eml';
  if (head.length === 0) throw new InputError(`${source}: empty input, no messages`);
  const shown = JSON.stringify(first.length > 60 ? first.slice(0, 60) + '…' : first);
  const binary = /[\x00-\x08\x0e-\x1f\x7f-\x9f]/.test(first) || head.subarray(0, 512).includes(0);
  throw new InputError(
    `${source}: not an mbox, Maildir or mail message (${binary ? 'binary data' : `first line ${shown}`}; an mbox starts with a "From " line, a message with a header such as "From:")`,
  );
}
