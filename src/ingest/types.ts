// The mail-side domain: Message, Patch, FileDiff, Hunk and Series, all plain JSON-serialisable data.

/** Where a message came from, for error messages: "series.mbox #12 <msgid@host>". */
export interface MessageOrigin {
  source: string;
  /** 1-based position within the mbox/Maildir/stdin. */
  index: number;
  messageId?: string;
}

/** Message-IDs everywhere in this file are bare, without angle brackets: "20210601.123-1-a@b.org". */
export interface Message {
  origin: MessageOrigin;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  from: string;
  /** Address only, lower-cased, for To/Cc of replies. */
  fromAddress: string;
  to: string[];
  cc: string[];
  subject: string;
  date?: string;
  /** Decoded text body with LF line endings. */
  body: string;
  /** Text attachments (e.g. a patch sent as an attachment), decoded, LF line endings. */
  attachments: { filename: string; contentType: string; text: string }[];
}

export interface SubjectInfo {
  /** Every tag inside the brackets, in order, e.g. ["PATCH", "v3", "net-next", "2/9"]. */
  tags: string[];
  isPatch: boolean;
  isRfc: boolean;
  isResend: boolean;
  version: number;
  /** Counter n/N; n = 0 is the cover letter. Undefined for a lone [PATCH]. */
  counter?: number;
  total?: number;
  /** Subsystem/tree tags such as "net-next". */
  extra: string[];
  /** The subject text after the prefix, "Re:" removed. */
  title: string;
  isReply: boolean;
}

export interface HunkLine {
  type: 'add' | 'del' | 'context';
  content: string;
  /** Line number in the old file (del/context) and the new file (add/context). */
  oldLine?: number;
  newLine?: number;
  /** 1-based line in the patch text (diff part), to point back at the mail. */
  patchLine: number;
}

export interface Hunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: HunkLine[];
}

export interface FileDiff {
  /** Path before and after, without a/ b/ prefixes; '/dev/null' for created or deleted files. */
  oldPath: string;
  newPath: string;
  hunks: Hunk[];
  additions: number;
  deletions: number;
  /** True for the four virtio-core files that the analyzer reads. */
  analysed: boolean;
}

export interface Trailer {
  kind: string; // 'Reviewed-by', 'Acked-by', 'Tested-by', 'Signed-off-by', …
  value: string;
  /** Message-ID of the mail that gave it (the patch itself or a reply). */
  fromMessage: string;
}

export interface Patch {
  messageId: string;
  subject: SubjectInfo;
  author: string;
  date?: string;
  /** The commit message (body before the diff, without the trailer block). */
  description: string;
  /** The unified diff text exactly as it will be applied (LF line endings). */
  diff: string;
  files: FileDiff[];
  trailers: Trailer[];
  /** Problems found in this patch (corrupt diff, no diff, …). */
  problems: string[];
}

export interface Problem {
  /** 'missing-patch' | 'duplicate-patch' | 'bad-message' | 'no-diff' | 'corrupt-diff' | … */
  kind: string;
  message: string;
  /** The message it concerns (Message-ID, or position when there is none). */
  where?: string;
}

export interface Series {
  title: string;
  version: number;
  /** Every version seen in the input, ascending, so the CLI can say which one was chosen. */
  versionsAvailable: number[];
  total: number;
  isRfc: boolean;
  cover?: { messageId: string; subject: string; body: string; author: string };
  /** Patches ordered by counter. */
  patches: Patch[];
  baseCommit?: string;
  prerequisitePatchIds: string[];
  /** Replies without a patch, kept as the thread's discussion. */
  discussion: { messageId: string; from: string; subject: string; inReplyTo?: string; body: string }[];
  problems: Problem[];
  /** Message-IDs of the thread root, for threading replies. */
  rootMessageId: string;
  // Optional extensions (ingest fills them; older JSON without them stays valid).
  /** Sender of the cover letter (or first patch). */
  author?: string;
  /** Date of the cover letter (or first patch), ISO 8601. */
  date?: string;
  /** Tree/subsystem tags from the subjects, e.g. ["net-next"]. */
  extra?: string[];
  /** b4's "prerequisite-message-id:" lines. */
  prerequisiteMessageIds?: string[];
  /** b4's "change-id:" line. */
  changeId?: string;
  /** Facts worth showing that are not problems (a version sent twice, the chosen send). */
  notes?: string[];
}

export const VIRTIO_CORE_FILES = [
  'drivers/virtio/virtio.c',
  'drivers/virtio/virtio_ring.c',
  'include/linux/virtio_config.h',
  'include/linux/virtio.h',
] as const;
