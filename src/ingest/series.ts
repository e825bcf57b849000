// Messages → Series, the b4 way: patches and cover letters grouped into series families and versions by
// threading and titles, replies attached (their trailers to the patch they answer), gaps and duplicates
// reported.
import type { Message, Patch, Problem, Series, SubjectInfo, Trailer } from './types.js';
import { parseSubject, titleKey } from './subject.js';
import { buildPatch, hasDiff } from './patch.js';
import { replyTrailers, seriesMeta, type SeriesMeta, type TrailerLine } from './trailers.js';
import { describeOrigin } from './message.js';

export type Role = 'patch' | 'cover' | 'reply';

/** What assembly keeps of each message (bodies stay outside, fetched through a loader when needed). */
export interface MailRecord {
  messageId: string;
  where: string;
  inReplyTo?: string;
  /** The root and the nearest few References (enough to find the patch a reply answers). */
  references: string[];
  from: string;
  fromAddress: string;
  info: SubjectInfo;
  date?: string;
  /** Date in ms, or the input position when the date is missing, so ordering stays stable. */
  time: number;
  position: number;
  role: Role;
  hasDiff: boolean;
  /** Trailers the message gives as a reply (empty for patches, covers and replies that carry a diff). */
  trailers: TrailerLine[];
  meta: SeriesMeta;
  /** Problems found while reading the message. */
  problems: Problem[];
}

export function recordOf(msg: Message, problems: Problem[] = []): MailRecord {
  const info = parseSubject(msg.subject);
  const diffInBody = hasDiff(msg.body);
  const diff = diffInBody || msg.attachments.some((a) => hasDiff(a.text));
  let role: Role = 'reply';
  if (!info.isReply) {
    if (info.isPatch && info.counter === 0 && (info.total ?? 0) > 0) role = 'cover';
    else if (diff || (info.isPatch && info.tags.some((t) => /patch/i.test(t)))) role = 'patch';
  }
  const t = msg.date ? Date.parse(msg.date) : NaN;
  // Records outlive their message; a JSON round trip gives them their own strings, so substrings do not
  // keep whole message bodies alive (V8 slices share the parent string).
  return detach({
    messageId: msg.messageId,
    where: describeOrigin(msg.origin),
    inReplyTo: msg.inReplyTo,
    // The thread root and the nearest ancestors are all assembly looks at; deep threads carry dozens.
    references: msg.references.length > 6 ? [msg.references[0]!, ...msg.references.slice(-5)] : msg.references,
    from: msg.from,
    fromAddress: msg.fromAddress,
    info,
    date: msg.date,
    time: Number.isNaN(t) ? msg.origin.index : t,
    position: msg.origin.index,
    role,
    hasDiff: diff,
    trailers: role === 'reply' && !diff ? replyTrailers(msg.body) : [],
    meta: role === 'reply' ? { prerequisitePatchIds: [], prerequisiteMessageIds: [] } : seriesMeta(msg.body),
    problems,
  });
}

function detach<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** One version of a series as found in the input (possibly sent more than once). */
export interface VersionGroup {
  version: number;
  covers: MailRecord[];
  /** Every patch mail of this version by counter (a lone [PATCH] is 1/1). */
  patches: Map<number, MailRecord[]>;
  /** Replies whose nearest patch/cover ancestor is in this version, with that ancestor's Message-ID. */
  replies: { record: MailRecord; target: string }[];
}

/** All versions of one series: the family b4 would call one series with several revisions. */
export interface SeriesFamily {
  versions: Map<number, VersionGroup>;
  fromAddress: string;
  /** Latest time a patch or cover letter of the family was sent, for picking the most recent series. */
  latest: number;
  size: number;
}

export interface FamilySummary {
  index: number;
  title: string;
  author: string;
  versions: number[];
  newest: number;
  patches: number;
  total: number;
  rootMessageId: string;
  date?: string;
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    if (!this.parent.has(root)) this.parent.set(root, root);
    // Path compression.
    for (let cur = x; cur !== root; ) {
      const next: string = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

function counterOf(r: MailRecord): number {
  return r.info.counter ?? 1;
}

/** Groups records into series families. Replies are attached to the version they answer. */
export function groupSeries(records: Iterable<MailRecord>): SeriesFamily[] {
  const byId = new Map<string, MailRecord>();
  const patchish: MailRecord[] = [];
  const replies: MailRecord[] = [];
  for (const r of records) {
    if (byId.has(r.messageId)) continue; // the same mail twice (cross-posted, merged archives)
    byId.set(r.messageId, r);
    if (r.role === 'reply') replies.push(r);
    else patchish.push(r);
  }

  // A cover letter without a [PATCH 0/N] prefix (some senders write a bare subject): the parent that
  // numbered patches of the same sender answer, when it is no reply and carries no diff, is the cover.
  for (const r of [...patchish]) {
    const parent = r.inReplyTo ? byId.get(r.inReplyTo) : undefined;
    if (!parent || parent.role !== 'reply' || parent.info.isReply || parent.hasDiff) continue;
    if (parent.fromAddress !== r.fromAddress || r.info.total === undefined || r.info.counter === 0) continue;
    const cover: MailRecord = {
      ...parent,
      role: 'cover',
      info: { ...parent.info, isPatch: true, counter: 0, total: r.info.total, version: r.info.version, isRfc: parent.info.isRfc || r.info.isRfc },
    };
    byId.set(parent.messageId, cover);
    replies.splice(replies.indexOf(parent), 1);
    patchish.push(cover);
  }

  // A patch whose subject has no version tag, threaded under a cover letter of a later version from the
  // same sender, belongs to that version (format-patch run without -v on the patches).
  for (const r of patchish) {
    if (r.role !== 'patch' || r.info.tags.some((t) => /^(patch|rfc)?-?v\d+$/i.test(t))) continue;
    const parent = r.inReplyTo ? byId.get(r.inReplyTo) : undefined;
    if (parent?.role === 'cover' && parent.fromAddress === r.fromAddress && parent.info.version > r.info.version) {
      r.info = { ...r.info, version: parent.info.version };
    }
  }

  const uf = new UnionFind();
  const titleOwners = new Map<string, MailRecord[]>();
  for (const r of patchish) {
    uf.find(r.messageId);
    // Threading: a patch sent in reply to a patch or cover letter of the same sender belongs with it
    // (the patches under their cover, or v2 sent in reply to v1). When the parent is not in the input (a
    // list that got only some patches of a series), patches answering the same absent mail still group.
    for (const a of ancestors(r, byId)) {
      const anc = byId.get(a);
      if (anc?.role === 'reply') continue;
      if (!anc) uf.union(r.messageId, `absent\0${r.fromAddress}\0${a}`);
      else if (anc.fromAddress === r.fromAddress) uf.union(r.messageId, a);
      break;
    }
    // Titles: the same sender's cover (or patch) with the same title in another version, or in another
    // send of the same version with the same patch count (a RESEND). A lone patch that repeats the title
    // of one patch of a larger series is a separate submission.
    const tk = titleKey(r.info.title);
    if (tk) {
      const key = `${r.role}\0${r.fromAddress}\0${tk}`;
      const owners = titleOwners.get(key) ?? [];
      for (const o of owners) {
        if (o.info.version !== r.info.version || (o.info.total ?? 1) === (r.info.total ?? 1)) uf.union(r.messageId, o.messageId);
      }
      owners.push(r);
      titleOwners.set(key, owners);
    }
  }

  // Series sent without threading (git send-email --no-thread): the same sender's numbered patches of
  // one version and size, with no thread headers, sent minutes apart, are one send.
  const loose = new Map<string, MailRecord[]>();
  for (const r of patchish) {
    if (r.inReplyTo || r.references.length || (r.info.total ?? 1) <= 1) continue;
    const key = `${r.fromAddress}\0${r.info.version}\0${r.info.total}\0${r.info.isRfc}`;
    const list = loose.get(key) ?? [];
    list.push(r);
    loose.set(key, list);
  }
  for (const list of loose.values()) {
    list.sort((a, b) => a.time - b.time);
    let cluster = new Set<number>();
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      const c = r.info.counter ?? 1;
      const prev = list[i - 1];
      if (prev && r.time - prev.time <= 10 * 60_000 && !cluster.has(c)) uf.union(r.messageId, prev.messageId);
      else cluster = new Set();
      cluster.add(c);
    }
  }

  const families = new Map<string, SeriesFamily>();
  const familyOf = new Map<string, SeriesFamily>();
  for (const r of patchish) {
    const root = uf.find(r.messageId);
    let f = families.get(root);
    if (!f) {
      f = { versions: new Map(), fromAddress: r.fromAddress, latest: -Infinity, size: 0 };
      families.set(root, f);
    }
    familyOf.set(r.messageId, f);
    const v = versionOf(f, r.info.version);
    if (r.role === 'cover') v.covers.push(r);
    else {
      const c = counterOf(r);
      const list = v.patches.get(c) ?? [];
      list.push(r);
      v.patches.set(c, list);
    }
    f.latest = Math.max(f.latest, r.time);
    f.size++;
  }

  // Replies from mailers that drop In-Reply-To/References are matched on the subject they answer, when
  // exactly one patch or cover letter carries it.
  const bySubject = new Map<string, string[]>();
  for (const r of patchish) {
    const k = subjectKey(r.info);
    bySubject.set(k, [...(bySubject.get(k) ?? []), r.messageId]);
  }
  for (const r of replies) {
    let target: string | undefined;
    for (const a of ancestors(r, byId)) {
      const anc = byId.get(a);
      if (!anc || anc.role === 'reply') continue;
      target = a;
      break;
    }
    if (!target && !r.inReplyTo && r.references.length === 0 && r.info.isReply && r.info.isPatch) {
      const hits = bySubject.get(subjectKey(r.info)) ?? [];
      if (hits.length === 1) target = hits[0];
    }
    if (!target) continue;
    const anc = byId.get(target)!;
    versionOf(familyOf.get(target)!, anc.info.version).replies.push({ record: r, target });
  }
  return [...families.values()];
}

function subjectKey(i: SubjectInfo): string {
  return `${i.version}\0${i.counter ?? 1}\0${i.total ?? 1}\0${titleKey(i.title)}`;
}

function versionOf(f: SeriesFamily, version: number): VersionGroup {
  let v = f.versions.get(version);
  if (!v) {
    v = { version, covers: [], patches: new Map(), replies: [] };
    f.versions.set(version, v);
  }
  return v;
}

/**
 * The chain of Message-IDs above a message, nearest first: In-Reply-To, then References from the end, then
 * (when a parent is in the input) the parent's own ancestors, for mailers that send a short References.
 */
function ancestors(r: MailRecord, byId: Map<string, MailRecord>): string[] {
  const out: string[] = [];
  const seen = new Set<string>([r.messageId]);
  let cur: MailRecord | undefined = r;
  for (let depth = 0; cur && depth < 100; depth++) {
    const chain = [cur.inReplyTo, ...[...cur.references].reverse()].filter((x): x is string => !!x);
    let next: MailRecord | undefined;
    for (const id of chain) {
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      if (!next) next = byId.get(id);
    }
    cur = next;
  }
  return out;
}

export function familyVersions(f: SeriesFamily): number[] {
  return [...f.versions.keys()].sort((a, b) => a - b);
}

function newestVersion(f: SeriesFamily): number {
  // A version with only a cover letter (patches missing) still counts: it is reported as incomplete.
  return Math.max(...f.versions.keys());
}

/** Loads a full message by Message-ID (from memory or the spool). */
export type MessageLoader = (messageId: string) => Message | Promise<Message>;

/** Builds the Series for one version of a family. */
export async function buildSeries(f: SeriesFamily, version: number | undefined, load: MessageLoader): Promise<Series> {
  const chosenVersion = version ?? newestVersion(f);
  const v = f.versions.get(chosenVersion);
  if (!v) throw new Error(`version ${chosenVersion} not in this series`);
  const problems: Problem[] = [];
  const notes: string[] = [];
  const vtag = `v${chosenVersion}`;

  // The total of the latest send wins; mails of an earlier send with another patch count are set aside.
  const all = [...v.covers, ...[...v.patches.values()].flat()];
  const latest = all.reduce((a, b) => (b.time > a.time ? b : a));
  const total = latest.info.total ?? Math.max(...[...v.patches.keys()]);
  const fits = (r: MailRecord): boolean => (r.info.total ?? 1) === total || (r.info.total === undefined && total <= 1);
  const setAside = all.filter((r) => !fits(r));
  if (setAside.length) {
    const totals = [...new Set(setAside.map((r) => r.info.total ?? 1))].join(', ');
    problems.push({
      kind: 'inconsistent-total',
      message: `${vtag}: ${setAside.length} mail(s) say the series has ${totals} patches but the latest send has ${total}; using the latest send (${setAside.map((r) => `<${r.messageId}>`).join(', ')} set aside)`,
      where: latest.messageId,
    });
  }

  const pickLatest = (list: MailRecord[], what: string): MailRecord => {
    const sorted = [...list].sort((a, b) => a.time - b.time || a.position - b.position);
    const chosen = sorted[sorted.length - 1]!;
    if (sorted.length > 1) {
      const resend = sorted.some((r) => r.info.isResend) || new Set(sorted.map((r) => r.references[0] ?? r.messageId)).size > 1;
      const ids = sorted.map((r) => `<${r.messageId}>`).join(', ');
      const text = `${vtag} ${what} sent ${sorted.length} times (${ids}); using the latest, <${chosen.messageId}>`;
      if (resend) notes.push(text);
      else problems.push({ kind: 'duplicate-patch', message: `duplicate ${text}`, where: chosen.messageId });
    }
    return chosen;
  };

  const covers = v.covers.filter(fits);
  const coverRec = covers.length ? pickLatest(covers, `cover letter 0/${total}`) : undefined;
  const chosen = new Map<number, MailRecord>();
  const counters = [...v.patches.keys()].sort((a, b) => a - b);
  for (const c of counters) {
    const list = v.patches.get(c)!.filter(fits);
    if (!list.length) continue;
    if (c > total) {
      for (const r of list) problems.push({ kind: 'bad-counter', message: `${vtag} patch ${c}/${total} is numbered beyond the series total`, where: r.messageId });
    }
    chosen.set(c, pickLatest(list, `patch ${c}/${total}`));
  }
  let missing: number[] = [];
  const patchForBorrowed = new Map<string, number>();
  const borrowed: { record: MailRecord; target: string }[] = [];
  for (let c = 1; c <= total; c++) if (!chosen.has(c)) missing.push(c);
  // Partial re-roll (as b4 understands it): only the changed patches of the new version were sent, each in
  // reply to the previous version's thread, without a cover. The unchanged patches come from that version.
  const prevVersion = [...f.versions.keys()].filter((x) => x < chosenVersion).sort((a, b) => b - a)[0];
  if (missing.length && !coverRec && prevVersion !== undefined && chosen.size) {
    const prev = f.versions.get(prevVersion)!;
    const prevIds = new Set([...prev.covers, ...[...prev.patches.values()].flat()].map((r) => r.messageId));
    const threadedIntoPrev = [...chosen.values()].every((r) => [r.inReplyTo, ...r.references].some((id) => id && prevIds.has(id)));
    const prevTotal = [...prev.patches.values()].flat()[0]?.info.total ?? prev.covers[0]?.info.total;
    if (threadedIntoPrev && prevTotal === total && missing.every((c) => prev.patches.has(c))) {
      for (const c of missing) {
        const rec = [...prev.patches.get(c)!].sort((a, b) => b.time - a.time)[0]!;
        chosen.set(c, rec);
        for (const x of prev.patches.get(c)!) patchForBorrowed.set(x.messageId, c);
        borrowed.push(...prev.replies.filter((r) => prev.patches.get(c)!.some((x) => x.messageId === r.target)));
        notes.push(`${vtag} is a partial re-roll: patch ${c}/${total} taken unchanged from v${prevVersion} (<${rec.messageId}>)`);
      }
      missing = [];
    }
  }
  if (missing.length) {
    problems.push({
      kind: 'missing-patch',
      message: `${vtag}: missing patch${missing.length > 1 ? 'es' : ''} ${ranges(missing).map((x) => `${x}/${total}`).join(', ')} (have ${chosen.size} of ${total})`,
      where: coverRec?.messageId ?? [...chosen.values()][0]?.messageId,
    });
  }

  // Mails that stand for the same patch (earlier sends) map to the chosen one, so trailers given in reply
  // to a resend's earlier copy still count.
  const patchFor = new Map<string, number>();
  for (const [c, list] of v.patches) for (const r of list) patchFor.set(r.messageId, c);
  for (const [id, c] of patchForBorrowed) patchFor.set(id, c);
  const coverIds = new Set(v.covers.map((r) => r.messageId));

  const patches: Patch[] = [];
  for (const [c, rec] of [...chosen.entries()].sort((a, b) => a[0] - b[0])) {
    const msg = await load(rec.messageId);
    const p = buildPatch(msg, rec.info);
    patches.push(p);
    for (const pr of rec.problems) problems.push(pr);
    for (const text of p.problems) {
      const kind = /no diff/.test(text) ? 'no-diff' : 'corrupt-diff';
      problems.push({ kind, message: `${rec.where} (patch ${c}/${total}): ${text}`, where: rec.messageId });
    }
  }
  const byCounter = new Map<number, Patch>();
  [...chosen.keys()].sort((a, b) => a - b).forEach((c, i) => byCounter.set(c, patches[i]!));

  // Trailers from replies: to a patch → that patch; to the cover letter → every patch (as b4 does).
  const addTrailer = (p: Patch, t: Trailer): void => {
    if (!p.trailers.some((x) => x.kind === t.kind && x.value.toLowerCase() === t.value.toLowerCase())) p.trailers.push(t);
  };
  const replies = [...v.replies, ...borrowed].sort((a, b) => a.record.time - b.record.time || a.record.position - b.record.position);
  for (const { record, target } of replies) {
    if (!record.trailers.length) continue;
    const ts = record.trailers.map((t) => ({ kind: t.kind, value: t.value, fromMessage: record.messageId }));
    if (coverIds.has(target)) for (const p of patches) for (const t of ts) addTrailer(p, t);
    else {
      const p = byCounter.get(patchFor.get(target) ?? -1);
      if (p) for (const t of ts) addTrailer(p, t);
    }
  }

  const discussion: Series['discussion'] = [];
  for (const { record } of replies) {
    const m = await load(record.messageId);
    discussion.push({ messageId: m.messageId, from: m.from, subject: m.subject, inReplyTo: m.inReplyTo, body: m.body });
    for (const pr of record.problems) problems.push(pr);
  }

  let cover: Series['cover'];
  const meta: SeriesMeta = { prerequisitePatchIds: [], prerequisiteMessageIds: [] };
  const mergeMeta = (m: SeriesMeta): void => {
    meta.baseCommit ??= m.baseCommit;
    meta.changeId ??= m.changeId;
    for (const x of m.prerequisitePatchIds) if (!meta.prerequisitePatchIds.includes(x)) meta.prerequisitePatchIds.push(x);
    for (const x of m.prerequisiteMessageIds) if (!meta.prerequisiteMessageIds.includes(x)) meta.prerequisiteMessageIds.push(x);
  };
  if (coverRec) {
    const m = await load(coverRec.messageId);
    cover = { messageId: m.messageId, subject: m.subject, body: m.body, author: m.from };
    mergeMeta(coverRec.meta);
    for (const pr of coverRec.problems) problems.push(pr);
  }
  for (const c of [...chosen.keys()].sort((a, b) => a - b)) mergeMeta(chosen.get(c)!.meta);

  const first = chosen.get(Math.min(...chosen.keys()));
  const titleSource = coverRec && coverRec.info.title ? coverRec : (chosen.get(1) ?? first ?? coverRec!);
  const members = [coverRec, ...chosen.values()].filter((x): x is MailRecord => !!x);
  return {
    title: titleSource.info.title,
    version: chosenVersion,
    versionsAvailable: familyVersions(f),
    total,
    isRfc: members.some((r) => r.info.isRfc),
    cover,
    patches,
    baseCommit: meta.baseCommit,
    prerequisitePatchIds: meta.prerequisitePatchIds,
    discussion,
    problems,
    rootMessageId: (coverRec ?? first ?? titleSource).messageId,
    author: (coverRec ?? first ?? titleSource).from,
    date: (coverRec ?? first ?? titleSource).date,
    extra: [...new Set(members.flatMap((r) => r.info.extra))],
    prerequisiteMessageIds: meta.prerequisiteMessageIds,
    changeId: meta.changeId,
    notes,
  };
}

export function summarize(f: SeriesFamily, index: number): FamilySummary {
  const newest = newestVersion(f);
  const v = f.versions.get(newest)!;
  const cover = [...v.covers].sort((a, b) => b.time - a.time)[0];
  const firstPatch = [...v.patches.entries()].sort((a, b) => a[0] - b[0])[0]?.[1][0];
  const head = cover && cover.info.title ? cover : (firstPatch ?? cover!);
  const total = (cover ?? firstPatch)?.info.total ?? v.patches.size;
  return {
    index,
    title: head.info.title,
    author: head.from,
    versions: familyVersions(f),
    newest,
    patches: v.patches.size,
    total: Math.max(total, v.patches.size),
    rootMessageId: (cover ?? firstPatch ?? head).messageId,
    date: head.date,
  };
}

/** Which family and version to build, from the user's --series / --version. */
export interface Selection {
  series?: string;
  version?: number;
}

/** A selection that matches nothing or too much: a usage error. */
export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

/**
 * Picks one family. --series is a Message-ID (of any mail in the series, replies included; its version is
 * taken unless --version says otherwise) or a case-insensitive substring of a title. Without it, the
 * family with the most recent mail wins (ties: more patches).
 */
export function selectFamily(families: SeriesFamily[], sel: Selection): { family: SeriesFamily; version: number } {
  if (families.length === 0) throw new SelectionError('no patch series found in the input');
  let family: SeriesFamily | undefined;
  let version: number | undefined = sel.version;
  const s = sel.series?.trim();
  if (s) {
    const id = messageIdFromSelector(s);
    if (id.includes('@')) {
      for (const f of families) {
        for (const v of f.versions.values()) {
          const ids = [...v.covers, ...[...v.patches.values()].flat(), ...v.replies.map((x) => x.record)].map((r) => r.messageId);
          if (ids.includes(id)) {
            family = f;
            version ??= v.version;
          }
        }
      }
      if (!family) throw new SelectionError(`--series ${s}: no patch series holds a message with that Message-ID`);
    } else {
      const needle = s.toLowerCase();
      const matches = (f: SeriesFamily, patchesToo: boolean): boolean =>
        [...f.versions.values()].some((v) =>
          [...v.covers, ...(patchesToo || v.covers.length === 0 ? [...v.patches.values()].flat() : [])].some((r) => r.info.title.toLowerCase().includes(needle)),
        );
      // Series titles (cover letters, or the patch of a cover-less series) first, then any patch title.
      let hits = families.filter((f) => matches(f, false));
      if (hits.length === 0) hits = families.filter((f) => matches(f, true));
      if (hits.length === 0) throw new SelectionError(`--series "${s}": no series title contains that text`);
      if (hits.length > 1) {
        const list = hits.map((f, i) => `  ${summaryLine(summarize(f, i + 1))}`).join('\n');
        throw new SelectionError(`--series "${s}" matches ${hits.length} series; be more specific or give a Message-ID:\n${list}`);
      }
      family = hits[0];
    }
  } else {
    family = [...families].sort((a, b) => b.latest - a.latest || b.size - a.size)[0];
  }
  const f = family!;
  version ??= newestVersion(f);
  if (!f.versions.has(version)) {
    throw new SelectionError(`version ${version} is not in the input for "${summarize(f, 1).title}"; available: ${familyVersions(f).map((x) => `v${x}`).join(', ')}`);
  }
  return { family: f, version };
}

export function summaryLine(s: FamilySummary): string {
  const vs = s.versions.map((v) => `v${v}`).join(',');
  return `${s.title || '(no title)'} [${vs}; ${s.patches}/${s.total} patches in v${s.newest}] <${s.rootMessageId}>`;
}

/** In-memory assembly: every series in the messages, each at its newest version. */
export async function assembleSeries(messages: Message[], messageProblems: Map<string, Problem[]> = new Map()): Promise<Series[]> {
  const byId = new Map(messages.map((m) => [m.messageId, m] as const));
  const families = groupSeries(messages.map((m) => recordOf(m, messageProblems.get(m.messageId) ?? [])));
  const out: Series[] = [];
  for (const f of families) out.push(await buildSeries(f, undefined, (id) => byId.get(id)!));
  return out;
}

/** [2,3,4,7] → ["2-4", "7"]: long gaps stay readable. */
function ranges(ns: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    out.push(j - i >= 2 ? `${ns[i]}-${ns[j]}` : j === i ? `${ns[i]}` : `${ns[i]}, ${ns[j]}`);
    i = j + 1;
  }
  return out;
}

/** "<id>", "id", "id:id", or a lore / patch.msgid.link URL → the bare Message-ID. */
export function messageIdFromSelector(sel: string): string {
  let s = sel.trim();
  if (/^https?:\/\//i.test(s)) {
    const seg = s.split(/[/?#]/).map((x) => { try { return decodeURIComponent(x); } catch { return x; } }).find((x) => x.includes('@'));
    if (seg) s = seg;
  }
  return s.replace(/^id:/i, '').replace(/^<|>$/g, '');
}
