// Subject line → SubjectInfo: reply markers, "[PATCH v3 net-next 2/9]"-style tags, and the title.
import type { SubjectInfo } from './types.js';

// Reply and forward markers in the forms mailers use: "Re:", "RE :", "Re[2]:", "AW:", "SV:", "Fwd:".
const REPLY = /^\s*(re|aw|sv|antw|vs|fwd?|fw)\s*(\[\d+\]|\(\d+\))?\s*:\s*/i;

/** Parses a subject. Never throws; an unparseable prefix simply becomes part of the title. */
export function parseSubject(subject: string): SubjectInfo {
  let s = subject.replace(/\s+/g, ' ').trim();
  let isReply = false;
  const tags: string[] = [];

  for (;;) {
    const r = REPLY.exec(s);
    if (r) {
      // "Fwd:" is not a reply to the thread, but a forwarded patch is not a new submission either.
      isReply = true;
      s = s.slice(r[0].length);
      continue;
    }
    if (s.startsWith('[')) {
      // Nested or doubled brackets ("[[PATCH]]") count as one level.
      let inner = 1;
      while (s[inner] === '[') inner++;
      const close = s.indexOf(']', inner);
      const nextOpen = s.indexOf('[', inner);
      if (close >= 0 && (nextOpen < 0 || close < nextOpen)) {
        let end = close + 1;
        while (s[end] === ']') end++;
        tags.push(...splitTags(s.slice(inner, close)));
        s = s.slice(end).trimStart();
        continue;
      }
      // Unbalanced "[PATCH v2 1/3 title": take the leading words that look like tags, stop at the first
      // that does not.
      const words = s.slice(inner).split(' ');
      let taken = 0;
      while (taken < words.length && isTagWord(words[taken]!)) taken++;
      if (taken > 0) {
        tags.push(...words.slice(0, taken).flatMap(splitTags));
        s = words.slice(taken).join(' ').replace(/^\s*\]\s*/, '');
        continue;
      }
      break;
    }
    // Missing "[": "PATCH v2 1/3] title".
    const m = /^([^\[\]]{1,60})\]\s*/.exec(s);
    if (m && /\bpatch/i.test(m[1]!) && m[1]!.split(/[\s,]+/).filter(Boolean).every(isTagWord)) {
      tags.push(...splitTags(m[1]!));
      s = s.slice(m[0].length);
      continue;
    }
    break;
  }

  const info: SubjectInfo = {
    tags,
    isPatch: false,
    isRfc: false,
    isResend: false,
    version: 1,
    extra: [],
    title: s.trim(),
    isReply,
  };
  for (const t of tags) classify(t, info);
  return info;
}

function splitTags(inner: string): string[] {
  return inner.split(/[\s,]+/).filter(Boolean);
}

/** Words that can only be tags: PATCH, RFC, RESEND, vN, n/N and glued forms like PATCHv2. */
function isTagWord(w: string): boolean {
  return /^(patch(-?v\d+)?|rfc(-?v\d+)?|resend|v\d+|\d+\/\d+)\]?$/i.test(w);
}

function classify(tag: string, info: SubjectInfo): void {
  let t = tag;
  let m: RegExpExecArray | null;
  if ((m = /^(rfc)?[-_]?patch(?:[-_]?v(\d+))?$/i.exec(t))) {
    info.isPatch = true;
    if (m[1]) info.isRfc = true;
    if (m[2]) info.version = Number(m[2]);
    return;
  }
  if ((m = /^rfc(?:[-_]?v(\d+))?$/i.exec(t))) {
    info.isRfc = true;
    info.isPatch = true;
    if (m[1]) info.version = Number(m[1]);
    return;
  }
  if (/^resend$/i.test(t)) {
    info.isResend = true;
    return;
  }
  if ((m = /^v(\d+)$/i.exec(t))) {
    info.version = Number(m[1]);
    return;
  }
  if ((m = /^(\d+)\/(\d+)$/.exec(t))) {
    info.counter = Number(m[1]);
    info.total = Number(m[2]);
    info.isPatch = true;
    return;
  }
  t = t.replace(/^\(|\)$/g, '');
  if (t) info.extra.push(t);
}

/** The title used to match versions of one series: case, spacing and trailing dots ignored. */
export function titleKey(title: string): string {
  return title.toLowerCase().replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim();
}
