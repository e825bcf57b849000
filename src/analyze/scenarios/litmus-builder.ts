// Assembles scenario threads (lines from lowered C and from the environment model) into herd7 litmus text.

/** Where a litmus line came from: a line of the (patched) kernel C, or a rule of the environment model. */
export interface SourceSite {
  origin: 'core' | 'env';
  /** Tree-relative file ('drivers/virtio/virtio.c') or 'env:<model>' for environment snippets. */
  file: string;
  /** 1-based line in that file (the patched file for core lines); 0 when the env rule has no file line. */
  line: number;
  /** Function the line belongs to (stable across line shifts: used for fingerprints). */
  fn: string;
  /** The C statement (trimmed) or the env rule's text. */
  code: string;
  /** Set when the line was added by the series: which patch and which line of that patch's diff. */
  patch?: { index: number; total: number; patchLine: number };
}

/** One line of a litmus thread body, with where it came from. Braces are lines of their own. */
export interface LLine {
  text: string;
  site?: SourceSite;
}

export type LocType = 'int' | 'spinlock_t';

export interface ThreadSpec {
  /** What the thread stands for: "probe (CPU0)", "vring interrupt on CPU1", "device". */
  title: string;
  lines: LLine[];
}

export interface LitmusSpec {
  name: string;
  /** Lines of the leading (* … *) comment: what the test checks and under which assumptions. */
  comment: string[];
  /** Initial values of shared locations (others start at 0). */
  init: Record<string, number>;
  /** Type of every shared location used; spinlock_t for locks. */
  locTypes: Record<string, LocType>;
  threads: ThreadSpec[];
  /** The condition, herd syntax, e.g. "exists (1:r1=1 /\\ 1:r2=0)". */
  condition: string;
}

export interface BuiltLitmus {
  text: string;
  /** 1-based litmus line → the site it was lowered from. */
  sites: Map<number, SourceSite>;
  /** 1-based litmus line → thread index, for every statement line. */
  threadOfLine: Map<number, number>;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;
const ASSIGN_REG = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=[^=]/;
const KEYWORDS = new Set(['if', 'else', 'while', 'for', 'int', 'return', 'spinlock_t']);

/** Registers are the plain identifiers a thread assigns to (shared locations are only accessed via pointers). */
function registersOf(lines: LLine[], locs: Set<string>): string[] {
  const regs: string[] = [];
  for (const l of lines) {
    const m = ASSIGN_REG.exec(l.text);
    if (m && !locs.has(m[1]) && !KEYWORDS.has(m[1]) && !regs.includes(m[1])) regs.push(m[1]);
  }
  return regs;
}

function locationsUsed(lines: LLine[], locs: Set<string>): string[] {
  const used = new Set<string>();
  for (const l of lines) for (const id of l.text.match(IDENT) ?? []) if (locs.has(id)) used.add(id);
  return [...locs].filter((x) => used.has(x));
}

/** Renders the spec as litmus text herd7 accepts unchanged, keeping a line → site map for witnesses. */
export function buildLitmus(spec: LitmusSpec): BuiltLitmus {
  const out: string[] = [];
  const sites = new Map<number, SourceSite>();
  const threadOfLine = new Map<number, number>();
  const locs = new Set(Object.keys(spec.locTypes));
  out.push(`C ${spec.name}`);
  out.push('');
  out.push('(*');
  for (const c of spec.comment) out.push(` * ${c.replace(/\*\)/g, '* )')}`.trimEnd());
  out.push(' *)');
  out.push('');
  const initParts = Object.entries(spec.init)
    .filter(([k]) => spec.locTypes[k] === 'int')
    .map(([k, v]) => `${k}=${v};`);
  out.push(`{ ${initParts.join(' ')} }`.replace('{  }', '{}'));
  out.push('');
  spec.threads.forEach((t, i) => {
    const used = locationsUsed(t.lines, locs);
    const params = used.map((l) => `${spec.locTypes[l]} *${l}`).join(', ');
    out.push(`P${i}(${params}) // ${t.title.replace(/\n/g, ' ')}`);
    out.push('{');
    for (const r of registersOf(t.lines, locs)) out.push(`\tint ${r};`);
    if (t.lines.length > 0 && registersOf(t.lines, locs).length > 0) out.push('');
    let depth = 1;
    for (const l of t.lines) {
      const text = l.text.trim();
      if (text.startsWith('}')) depth = Math.max(1, depth - 1);
      const comment = l.site ? `\t// ${siteLabel(l.site)}` : '';
      out.push('\t'.repeat(depth) + text + comment);
      const n = out.length;
      if (l.site) sites.set(n, l.site);
      threadOfLine.set(n, i);
      if (text.endsWith('{')) depth++;
    }
    out.push('}');
    out.push('');
  });
  out.push(spec.condition);
  return { text: out.join('\n') + '\n', sites, threadOfLine };
}

/** "virtio.c:263 virtio_reset_device" for core lines, "env pci: synchronize_irq" for the model. */
export function siteLabel(s: SourceSite): string {
  if (s.origin === 'env') return `env ${s.file.replace(/^env:/, '')}${s.line ? ':' + s.line : ''}: ${s.fn}`;
  const base = s.file.split('/').pop();
  const added = s.patch ? ` (added by ${s.patch.index}/${s.patch.total}${s.patch.patchLine ? `, patch line ${s.patch.patchLine}` : ''})` : '';
  return `${base}:${s.line} ${s.fn}${added}`;
}
