// The ingest pipeline: source → messages (streamed, bodies spooled to a temp file) → series families →
// the selected Series. Memory holds only small per-message records, whatever the input size.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMailbox, type MailboxOptions } from './mailbox.js';
import { MessageError, parseMessage, parseHead, type MessageHead } from './message.js';
import {
  SelectionError,
  buildSeries,
  groupSeries,
  recordOf,
  selectFamily,
  summarize,
  type FamilySummary,
  type MailRecord,
  type Selection,
  type SeriesFamily,
} from './series.js';
import type { Message, Problem, Series } from './types.js';

/** Full messages written to a temp file and read back by Message-ID, so bodies do not pile up in memory. */
export class MessageSpool {
  private readonly dir: string;
  private readonly fd: number;
  private size = 0;
  private readonly index = new Map<string, { offset: number; length: number }>();

  private removed = false;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-spool-'));
    const file = path.join(this.dir, 'messages.jsonl');
    this.fd = fs.openSync(file, 'w+');
    // Unlinked at once where the OS allows it: the open descriptor keeps the data, and nothing is left
    // behind even if the process is killed.
    try {
      fs.unlinkSync(file);
      fs.rmdirSync(this.dir);
      this.removed = true;
    } catch {
      /* removed in close() instead */
    }
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  put(m: Message): void {
    const buf = Buffer.from(JSON.stringify(m) + '\n');
    fs.writeSync(this.fd, buf, 0, buf.length, this.size);
    this.index.set(m.messageId, { offset: this.size, length: buf.length });
    this.size += buf.length;
  }

  get(id: string): Message {
    const at = this.index.get(id);
    if (!at) throw new Error(`message <${id}> not in spool`);
    const buf = Buffer.alloc(at.length);
    fs.readSync(this.fd, buf, 0, at.length, at.offset);
    return JSON.parse(buf.toString('utf8')) as Message;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } finally {
      if (!this.removed) fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

export interface ReadOptions extends MailboxOptions, Selection {}

export interface IngestResult {
  families: SeriesFamily[];
  /** Messages that could not be used at all, each named. */
  skipped: Problem[];
  /** Problems of every message read (also those outside any series). */
  messageProblems: Problem[];
  messages: number;
  duplicates: number;
  spool: MessageSpool;
}

/** Reads every message of a source, parses it with mailparser, and groups the series families. */
export async function ingest(location: string, opts: MailboxOptions = {}, onMessage?: (n: number) => void): Promise<IngestResult> {
  const spool = new MessageSpool();
  const records: MailRecord[] = [];
  const skipped: Problem[] = [];
  const messageProblems: Problem[] = [];
  let messages = 0;
  let duplicates = 0;
  try {
    for await (const raw of readMailbox(location, opts)) {
      messages++;
      onMessage?.(messages);
      try {
        const { message, problems } = await parseMessage(raw);
        messageProblems.push(...problems);
        if (spool.has(message.messageId)) {
          duplicates++;
          continue;
        }
        spool.put(message);
        records.push(recordOf(message, problems));
      } catch (e) {
        if (!(e instanceof MessageError)) throw e;
        skipped.push({ kind: 'bad-message', message: `${e.message}; skipped`, where: e.where });
      }
    }
  } catch (e) {
    spool.close();
    throw e;
  }
  return { families: groupSeries(records), skipped, messageProblems, messages, duplicates, spool };
}

export interface SeriesResult {
  series: Series;
  /** Messages that could not be used at all. */
  skipped: Problem[];
  /** Problems in messages that are not part of the chosen series. */
  otherProblems: Problem[];
  /** Every series family in the input (the chosen one included), for listing. */
  candidates: FamilySummary[];
  messages: number;
}

/**
 * What the review command calls: read a source, pick a series (see selectFamily) and build it.
 * Throws InputError (unreadable input) or SelectionError (no/ambiguous series, unknown version).
 */
export async function readSeriesFromPath(location: string, opts: ReadOptions = {}): Promise<SeriesResult> {
  const r = await ingest(location, opts);
  try {
    if (r.families.length === 0) {
      const name = location === '-' ? (opts.stdinName ?? '<stdin>') : location;
      const why = r.skipped.length ? `; ${r.skipped.length} message(s) could not be read: ${r.skipped[0]!.message}` : '';
      throw new SelectionError(`${name}: no patch series found in ${r.messages} message(s)${why}`);
    }
    const { family, version } = selectFamily(r.families, opts);
    const series = await buildSeries(family, version, (id) => r.spool.get(id));
    const inSeries = new Set(series.problems.map((p) => p.message));
    return {
      series,
      skipped: r.skipped,
      otherProblems: r.messageProblems.filter((p) => !inSeries.has(p.message)),
      candidates: r.families.map((f, i) => summarize(f, i + 1)),
      messages: r.messages,
    };
  } finally {
    r.spool.close();
  }
}

/** Every series in a source, each at its newest version (or all versions with allVersions). */
export async function readAllSeries(location: string, opts: MailboxOptions & { allVersions?: boolean } = {}): Promise<{ series: Series[]; skipped: Problem[]; messageProblems: Problem[]; messages: number }> {
  const r = await ingest(location, opts);
  try {
    const series: Series[] = [];
    for (const f of r.families) {
      const versions = opts.allVersions ? [...f.versions.keys()].sort((a, b) => a - b) : [undefined];
      for (const v of versions) series.push(await buildSeries(f, v, (id) => r.spool.get(id)));
    }
    return { series, skipped: r.skipped, messageProblems: r.messageProblems, messages: r.messages };
  } finally {
    r.spool.close();
  }
}

/** The light path: split and read header fields only (no MIME parsing). For scans and the benchmark. */
export async function* scanHeads(location: string, opts: MailboxOptions = {}): AsyncGenerator<MessageHead> {
  for await (const raw of readMailbox(location, opts)) yield parseHead(raw);
}
