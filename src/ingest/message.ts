// Raw message → Message: full MIME parsing with mailparser, plus a light header-only path for fast scans.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { RawMessage } from './mailbox.js';
import type { Message, MessageOrigin, Problem } from './types.js';

export interface ParsedMessage {
  message: Message;
  /** Things wrong with the message that did not stop it being used (unknown charset, broken MIME, …). */
  problems: Problem[];
}

/** The message could not be used at all; the caller reports it and moves on. */
export class MessageError extends Error {
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(message);
    this.name = 'MessageError';
  }
}

/** "series.mbox #12 <id@host>": how a message is named in every problem report. */
export function describeOrigin(o: MessageOrigin): string {
  return `${o.source} #${o.index}${o.messageId ? ` <${o.messageId}>` : ''}`;
}

const PARSER_OPTIONS = {
  skipHtmlToText: false, // an HTML-only mail still yields text to look at
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
} as const;

/** Extracts every <msg-id> in a header value, without the angle brackets. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]+>/g);
  if (ids) return ids.map((s) => s.slice(1, -1));
  // Some mailers omit the brackets; accept a lone token that looks like an id.
  const bare = value.trim();
  return /^[^\s<>@]+@[^\s<>]+$/.test(bare) ? [bare] : [];
}

/** Parses one raw message fully. Throws MessageError only when nothing usable is there. */
export async function parseMessage(raw: RawMessage): Promise<ParsedMessage> {
  const problems: Problem[] = [];
  const head = scanRawHeaders(raw.raw);
  const origin: MessageOrigin = { source: raw.source, index: raw.index };
  const provisional = `${raw.source} #${raw.index}`;
  if (head.fields.length === 0) {
    throw new MessageError(`${provisional}: not a mail message (no header fields)`, provisional);
  }
  const idFromHead = messageIds(head.get('message-id'))[0];
  if (idFromHead) origin.messageId = idFromHead;
  // Messages name the file and position too; `where` is the Message-ID when there is one.
  const named = describeOrigin(origin);
  const where = idFromHead ?? provisional;

  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw.raw, PARSER_OPTIONS);
  } catch (e) {
    throw new MessageError(`${named}: cannot parse MIME structure (${e instanceof Error ? e.message : String(e)})`, where);
  }

  if (!head.complete) {
    problems.push({ kind: 'truncated', message: `${named}: truncated inside its header (no empty line before a body)`, where });
  }
  for (const p of mimeProblems(raw.raw, head)) problems.push({ ...p, message: `${named}: ${p.message}`, where });

  let messageId = idFromHead;
  if (!messageId) {
    messageId = `ringside-${raw.index}@${sanitize(raw.source)}`;
    problems.push({ kind: 'no-message-id', message: `${named}: has no Message-ID; called <${messageId}>`, where });
  }
  const inReplyTo = messageIds(head.get('in-reply-to'))[0];
  const references = messageIds(head.getAll('references').join(' '));

  const from = addressText(parsed.from) || decodeWords(head.get('from') ?? '');
  const fromAddress = (parsed.from?.value[0]?.address ?? extractAddress(from) ?? '').toLowerCase();
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined;

  let body = parsed.text ?? '';
  if (!parsed.text && parsed.html) body = htmlToPlain(parsed.html);
  body = toLf(body);

  const attachments: Message['attachments'] = [];
  for (const a of parsed.attachments ?? []) {
    const filename = a.filename ?? '';
    const ct = (a.contentType ?? '').toLowerCase();
    const textual =
      ct.startsWith('text/') ||
      /\.(patch|diff)$/i.test(filename) ||
      ct === 'application/x-patch' ||
      ct === 'application/x-diff' ||
      (ct === 'application/octet-stream' && /\.(patch|diff|txt)$/i.test(filename));
    if (!textual || ct === 'text/html') continue;
    const ctHeader = a.headers?.get('content-type') as { params?: { charset?: string } } | undefined;
    const charset = ctHeader?.params?.charset;
    attachments.push({ filename: filename || '(unnamed)', contentType: ct, text: toLf(decodeBytes(a.content, charset)) });
  }

  const message: Message = {
    origin: { ...origin, messageId },
    messageId,
    inReplyTo,
    references,
    from,
    fromAddress,
    to: addressList(parsed.to),
    cc: addressList(parsed.cc),
    subject: normalizeSubject(parsed.subject ?? decodeWords(head.get('subject') ?? '')),
    date,
    body,
    attachments,
  };
  return { message, problems };
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-60) || 'input';
}

function toLf(s: string): string {
  return s.indexOf('\r') < 0 ? s : s.replace(/\r\n/g, '\n');
}

/** Collapses folding whitespace; the subject is one line. */
export function normalizeSubject(s: string): string {
  return s.replace(/[\r\n]+[ \t]*/g, ' ').replace(/\s+/g, ' ').trim();
}

function addressText(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  const list = Array.isArray(a) ? a : [a];
  return list.map((x) => x.text).join(', ');
}

function addressList(a: AddressObject | AddressObject[] | undefined): string[] {
  if (!a) return [];
  const list = Array.isArray(a) ? a : [a];
  const out: string[] = [];
  const walk = (vals: AddressObject['value']): void => {
    for (const v of vals) {
      if (v.group) walk(v.group);
      else if (v.address) out.push(v.address.toLowerCase());
    }
  };
  for (const x of list) walk(x.value);
  return out;
}

function extractAddress(s: string): string | undefined {
  return /<([^<>\s]+@[^<>\s]+)>/.exec(s)?.[1] ?? /([^\s<>"]+@[^\s<>"]+)/.exec(s)?.[1];
}

function htmlToPlain(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|pre)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function decodeBytes(buf: Buffer, charset: string | undefined): string {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(buf);
    } catch {
      /* unknown label: fall through to UTF-8 */
    }
  }
  return buf.toString('utf8');
}

// ---------------------------------------------------------------------------------------------------
// The light path: header fields read straight from the bytes, RFC 2047 words decoded. Used for fast
// scans (bench, selection) and as a cross-check of what mailparser saw.

export interface RawHeaders {
  fields: { name: string; value: string }[];
  /** False when the bytes end before the empty line that closes the header. */
  complete: boolean;
  /** Byte offset where the body starts. */
  bodyStart: number;
  get(name: string): string | undefined;
  getAll(name: string): string[];
}

/** Reads the header block of a message: unfolds lines, keeps values raw (not RFC 2047 decoded). */
export function scanRawHeaders(raw: Buffer): RawHeaders {
  let end = -1;
  let bodyStart = raw.length;
  // The header ends at the first empty line (LF LF or CRLF CRLF, or a mix).
  for (let p = raw.indexOf(0x0a); p >= 0; p = raw.indexOf(0x0a, p + 1)) {
    const n = raw[p + 1];
    if (n === 0x0a) {
      end = p;
      bodyStart = p + 2;
      break;
    }
    if (n === 0x0d && raw[p + 2] === 0x0a) {
      end = p;
      bodyStart = p + 3;
      break;
    }
  }
  const complete = end >= 0 || raw.length === 0;
  const text = raw.toString('latin1', 0, end >= 0 ? end : raw.length);
  const fields: { name: string; value: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length) {
      fields[fields.length - 1]!.value += ' ' + line.trim();
      continue;
    }
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const name = line.slice(0, c);
    if (!/^[!-9;-~]+$/.test(name)) continue;
    fields.push({ name: name.toLowerCase(), value: line.slice(c + 1).trim() });
  }
  return {
    fields,
    complete,
    bodyStart,
    get: (n) => fields.find((f) => f.name === n)?.value,
    getAll: (n) => fields.filter((f) => f.name === n).map((f) => f.value),
  };
}

/** The header fields the series assembler needs, from the light path. */
export interface MessageHead {
  origin: MessageOrigin;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  subject: string;
  from: string;
  date?: string;
}

export function parseHead(raw: RawMessage): MessageHead {
  const h = scanRawHeaders(raw.raw);
  const messageId = messageIds(h.get('message-id'))[0];
  const d = h.get('date');
  const t = d ? Date.parse(d.replace(/\s*\([^)]*\)\s*$/, '')) : NaN;
  return {
    origin: { source: raw.source, index: raw.index, messageId },
    messageId,
    inReplyTo: messageIds(h.get('in-reply-to'))[0],
    references: messageIds(h.getAll('references').join(' ')),
    subject: normalizeSubject(decodeWords(h.get('subject') ?? '')),
    from: decodeWords(h.get('from') ?? ''),
    date: Number.isNaN(t) ? undefined : new Date(t).toISOString(),
  };
}

/** Decodes RFC 2047 encoded words ("=?utf-8?q?Caf=C3=A9?="); adjacent words join without the space. */
export function decodeWords(s: string): string {
  if (s.indexOf('=?') < 0) return s;
  const re = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: number[] } | undefined;
  const flush = (): void => {
    if (!pending) return;
    out += decodeBytes(Buffer.from(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const between = s.slice(last, m.index);
    if (!(pending && /^\s*$/.test(between))) {
      flush();
      out += between;
    }
    const charset = m[1]!.split('*')[0]!.toLowerCase();
    const bytes = m[2]!.toLowerCase() === 'b' ? [...Buffer.from(m[3]!, 'base64')] : qBytes(m[3]!);
    if (pending && pending.charset === charset) pending.bytes.push(...bytes);
    else {
      flush();
      pending = { charset, bytes };
    }
    last = re.lastIndex;
  }
  flush();
  return out + s.slice(last);
}

function qBytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// MIME sanity checks that mailparser papers over silently.

function mimeProblems(raw: Buffer, head: RawHeaders): { kind: string; message: string }[] {
  const out: { kind: string; message: string }[] = [];
  const text = raw.toString('latin1');
  // Every Content-Type in the message (top level and parts), unfolded.
  const cts: string[] = [];
  for (const m of text.matchAll(/^content-type:[^\n]*(?:\n[ \t][^\n]*)*/gim)) cts.push(m[0].replace(/\r?\n[ \t]+/g, ' '));
  const seen = new Set<string>();
  for (const ct of cts) {
    const cs = /charset\s*=\s*"?([^";\s]+)"?/i.exec(ct)?.[1];
    if (cs && !seen.has(cs.toLowerCase())) {
      seen.add(cs.toLowerCase());
      if (!charsetKnown(cs)) {
        out.push({ kind: 'unknown-charset', message: `unknown charset "${cs}"; text decoded as UTF-8/Latin-1 and may be garbled` });
      }
    }
    if (/^content-type:\s*multipart\//i.test(ct)) {
      const b = /boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(ct);
      const boundary = b?.[1] ?? b?.[2];
      if (!boundary) {
        out.push({ kind: 'broken-mime', message: 'multipart Content-Type without a boundary; body read as plain text' });
        continue;
      }
      const open = text.indexOf('\n--' + boundary);
      if (open < 0) out.push({ kind: 'broken-mime', message: `multipart boundary "${boundary}" never appears; parts lost` });
      else if (text.indexOf('\n--' + boundary + '--') < 0) {
        out.push({ kind: 'truncated', message: `multipart body ends without its closing boundary "--${boundary}--" (truncated?)` });
      }
    }
  }
  const cte = head.get('content-transfer-encoding')?.toLowerCase();
  if (cte === 'base64') {
    const body = text.slice(head.bodyStart).replace(/\s+/g, '');
    if (/[^A-Za-z0-9+/=]/.test(body)) out.push({ kind: 'broken-mime', message: 'base64 body holds characters outside the base64 alphabet' });
    else if (body.replace(/=+$/, '').length % 4 === 1) out.push({ kind: 'truncated', message: 'base64 body is cut short' });
  }
  return out;
}

const charsetCache = new Map<string, boolean>();
function charsetKnown(cs: string): boolean {
  const k = cs.toLowerCase();
  let v = charsetCache.get(k);
  if (v === undefined) {
    try {
      new TextDecoder(k);
      v = true;
    } catch {
      // Names TextDecoder lacks but mail uses and mailparser decodes.
      v = /^(us-ascii|ascii|utf-?7|x-unknown|unknown-8bit|iso-?8859-\d+|cp\d+|windows-\d+)$/.test(k);
      if (k === 'x-unknown' || k === 'unknown-8bit') v = false;
    }
    charsetCache.set(k, v);
  }
  return v;
}
