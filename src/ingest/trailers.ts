// Trailer lines ("Reviewed-by: A <a@b>") in commit messages and replies, and the series metadata lines
// git format-patch and b4 write (base-commit:, prerequisite-patch-id:, prerequisite-message-id:, change-id:).

export interface TrailerLine {
  kind: string;
  value: string;
}

const TRAILER = /^([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*):[ \t]*(\S.*?)\s*$/;

/** "reviewed-BY" → "Reviewed-by": git's spelling, so the same trailer from two mails compares equal. */
export function canonicalKind(kind: string): string {
  const lower = kind.toLowerCase();
  const special: Record<string, string> = { cc: 'Cc', 'message-id': 'Message-ID' };
  return special[lower] ?? lower[0]!.toUpperCase() + lower.slice(1);
}

/** Trailer kinds accepted in replies and commit messages besides the "*-by" family. */
const OTHER_KINDS = new Set(['fixes', 'link', 'closes', 'cc', 'message-id', 'change-id', 'bug', 'references']);

export function isTrailerKind(kind: string): boolean {
  const k = kind.toLowerCase();
  return k.endsWith('-by') || OTHER_KINDS.has(k);
}

export function parseTrailerLine(line: string): TrailerLine | undefined {
  const m = TRAILER.exec(line);
  if (!m || !isTrailerKind(m[1]!)) return undefined;
  return { kind: canonicalKind(m[1]!), value: m[2]! };
}

/** A "*-by" trailer must name a person with an address; anything else in prose is not a trailer. */
function plausible(t: TrailerLine): boolean {
  const k = t.kind.toLowerCase();
  if (k.endsWith('-by')) return /[^\s<>@]+@[^\s<>@]+/.test(t.value);
  if (k === 'fixes') return /^[0-9a-f]{8,40}\b/i.test(t.value);
  if (k === 'link' || k === 'closes') return /^(https?:\/\/|<?[^\s]+@)/i.test(t.value);
  return k === 'cc' ? /@/.test(t.value) : true;
}

/**
 * Splits a commit message into the description and its trailer block: the last paragraph, when every
 * line in it is a trailer, a "[name: note]" annotation, or a continuation, and at least one is a trailer.
 */
export function splitCommitMessage(text: string): { description: string; trailers: TrailerLine[] } {
  const lines = text.replace(/\s+$/, '').split('\n');
  let start = lines.length;
  while (start > 0 && lines[start - 1]!.trim() !== '') start--;
  const block = lines.slice(start);
  const trailers: TrailerLine[] = [];
  let ok = block.length > 0;
  for (const line of block) {
    const t = parseTrailerLine(line);
    if (t) trailers.push(t);
    else if (/^\s+\S/.test(line) && trailers.length) trailers[trailers.length - 1]!.value += ' ' + line.trim();
    else if (!/^\[.*\]$/.test(line.trim())) {
      ok = false;
      break;
    }
  }
  if (!ok || trailers.length === 0) return { description: text.replace(/\s+$/, ''), trailers: [] };
  return { description: lines.slice(0, start).join('\n').replace(/\s+$/, ''), trailers };
}

/**
 * Trailers a reviewer gives in a reply: unquoted lines before the signature, "*-by" lines with an address
 * (and Fixes/Link/Closes). Quoted text ("> Signed-off-by: …") is the patch being quoted, not new trailers.
 */
export function replyTrailers(body: string): TrailerLine[] {
  const out: TrailerLine[] = [];
  let prev = '';
  for (const line of body.split('\n')) {
    if (line === '-- ' || line === '--') break;
    if (/^\s*>/.test(line) || /^\s*\|/.test(line)) continue;
    const asked = /\b(add|following) (the )?(following )?tags?\b|\bif you fix\b/i.test(prev);
    if (line.trim()) prev = line;
    // A build bot asking to be credited in the *next* version ("kindly add following tag as appropriate")
    // is not a trailer for this patch.
    if (asked) continue;
    const t = parseTrailerLine(line.trimStart());
    if (t && plausible(t) && !out.some((o) => o.kind === t.kind && o.value === t.value)) out.push(t);
  }
  return out;
}

export interface SeriesMeta {
  baseCommit?: string;
  prerequisitePatchIds: string[];
  prerequisiteMessageIds: string[];
  changeId?: string;
}

/** The lines git format-patch --base and b4 append below the diff or the cover letter's diffstat. */
export function seriesMeta(body: string): SeriesMeta {
  const meta: SeriesMeta = { prerequisitePatchIds: [], prerequisiteMessageIds: [] };
  for (const m of body.matchAll(/^(base-commit|prerequisite-patch-id|prerequisite-message-id|prerequisite-change-id|change-id):[ \t]*(\S+)[ \t]*$/gim)) {
    const k = m[1]!.toLowerCase();
    const v = m[2]!;
    if (k === 'base-commit' && /^[0-9a-f]{7,64}$/i.test(v)) meta.baseCommit ??= v.toLowerCase();
    else if (k === 'prerequisite-patch-id' && /^[0-9a-f]{40,64}$/i.test(v)) {
      if (!meta.prerequisitePatchIds.includes(v)) meta.prerequisitePatchIds.push(v.toLowerCase());
    } else if (k === 'prerequisite-message-id') {
      const id = v.replace(/^<|>$/g, '');
      if (!meta.prerequisiteMessageIds.includes(id)) meta.prerequisiteMessageIds.push(id);
    } else if (k === 'change-id') meta.changeId ??= v;
  }
  return meta;
}
