// Review → plain text for the terminal and for email: summary, quoted hunks, CPU-column interleavings, litmus and herd7 command.
import type { Finding } from '../analyze/findings.js';
import type { Review } from '../analyze/review.js';
import { siteLabel } from '../analyze/scenarios/litmus-builder.js';
import type { TraceStep } from '../analyze/scenarios/types.js';

export interface TextOptions {
  /** Wrap prose at this column (email: 72). */
  width?: number;
  /** Include findings whose status is 'safe' (default: only in the summary). */
  showSafe?: boolean;
}

function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = indent;
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line.trim() && line.length + 1 + word.length > width) {
        out.push(line.trimEnd());
        line = indent + word;
      } else line += (line.trim() ? ' ' : '') + word;
    }
    out.push(line.trimEnd());
  }
  return out;
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

export function statusLine(f: Finding): string {
  const intro = f.introducedBy ? `introduced by ${f.introducedBy.index}/${f.introducedBy.total}` : '';
  const fix = f.fixedBy ? `fixed by ${f.fixedBy.index}/${f.fixedBy.total}` : '';
  switch (f.status) {
    case 'introduced':
      return `RACE INTRODUCED${intro ? ` (${intro})` : ''}`;
    case 'fixed':
      return intro ? `race ${intro}, ${fix}` : `race FIXED${fix ? ` (${fix})` : ''}`;
    case 'still-present':
      return `race still present${fix && intro ? ` (${fix}, re-${intro})` : ''}`;
    case 'safe':
      return 'safe';
    case 'inconclusive':
      return 'INCONCLUSIVE';
  }
}

/** The interleaving as one column per CPU, rows in the witness's happens-before order. */
export function interleaving(trace: TraceStep[], titles: string[], width: number): string[] {
  const threads = [...new Set(trace.map((t) => t.thread))].sort((a, b) => a - b);
  if (threads.length === 0) return [];
  const colW = Math.max(18, Math.floor((width - 3 * (threads.length - 1)) / threads.length));
  const cut = (s: string) => (s.length > colW ? s.slice(0, colW - 1) + '…' : s.padEnd(colW));
  const row = (cells: string[]) => cells.map(cut).join(' | ').trimEnd();
  const out: string[] = [];
  out.push(row(threads.map((t) => `CPU${t}: ${titles[t] ?? ''}`)));
  out.push(threads.map(() => '-'.repeat(colW)).join('-+-'));
  let prev: TraceStep | undefined;
  for (const st of trace) {
    if (/^(int |rcu_read_(un)?lock|spin_(un)?lock)/.test(st.text) && !(st.site?.origin === 'core')) continue;
    // A lock is a read and a write event: show it once.
    if (prev && prev.thread === st.thread && prev.text === st.text) continue;
    prev = st;
    const col = threads.indexOf(st.thread);
    const cells = threads.map(() => '');
    let text = st.text.replace(/\s*\/\/.*$/, '').replace(/;$/, '');
    if (st.value !== undefined && /=/.test(text) && !/^\*|WRITE_ONCE|store/.test(text)) text += `  → ${st.value}`;
    cells[col] = text;
    out.push(row(cells));
    const notes: string[] = [];
    if (st.site?.origin === 'core') notes.push(siteLabel(st.site));
    else if (st.site && /callback|config_changed|event_done|init_vq|setup|kfree|device/.test(st.site.fn)) notes.push(`[${st.site.file.replace(/^env:/, '')}: ${st.site.fn}]`);
    if (st.readsFrom && !/^spin_/.test(st.text)) notes.push(`reads ${st.readsFrom}${st.stale ? ' (STALE: a later write exists)' : ''}`);
    if (st.racesWith?.length) notes.push(`DATA RACE with ${st.racesWith.join(', ')}`);
    for (const n of notes) {
      // Notes wrap inside their column instead of being cut.
      for (const piece of wrap(n, colW - 2)) {
        const c2 = threads.map(() => '');
        c2[col] = `  ${piece}`;
        out.push(row(c2));
      }
    }
  }
  return out;
}

function renderFinding(f: Finding, n: number, r: Review, width: number): string[] {
  const out: string[] = [];
  out.push(`[${n}] Scenario ${f.scenarioNumber}, ${f.scenarioTitle}: ${statusLine(f)}`);
  out.push(...wrap(`    ${f.instance}`, width));
  out.push(...wrap(`Property: ${f.property}.`, width));
  out.push(...wrap(`${f.status === 'inconclusive' ? 'Reason' : 'Result'}: ${f.reason}`, width));
  out.push(`Fingerprint: ${f.fingerprint}`);
  out.push('');
  for (const q of f.quoted ?? []) {
    out.push(`In ${q.patch}/${q.total} (${q.file}):`);
    out.push(`> ${q.header}`);
    for (const l of q.lines) out.push(l === '[...]' ? l : `> ${l}`.trimEnd());
    out.push('');
  }
  const w = f.witness;
  if (w && f.status === 'fixed') {
    out.push(`The witness of the race (${w.from}) is in --json output; reproduce with ${w.herdCommand} on the test from --emit-litmus.`);
    out.push('');
  } else if (w && f.status === 'still-present') {
    out.push(`Witness (${w.from}): ${w.trace.filter((t) => t.stale).map((t) => `${t.text.replace(/\s*\/\/.*$/, '').replace(/;$/, '')} reads a stale value`).join('; ') || 'see --json'}; reproduce with ${w.herdCommand} on the test from --emit-litmus.`);
    out.push('');
  } else if (w) {
    out.push(`One execution the memory model allows (${w.from}):`);
    out.push('');
    const titles = w.litmus
      .split('\n')
      .filter((l) => /^P\d+\(/.test(l))
      .map((l) => l.replace(/^P\d+\([^)]*\)\s*(\/\/\s*)?/, ''));
    out.push(...interleaving(w.trace, titles, Math.max(width, 110)).map((l) => '  ' + l));
    out.push('');
    out.push(...wrap(`Property violated: ${f.property}.${w.verdictReason ? ` ${w.verdictReason}` : ''}`, width));
    if (w.flags.length) out.push(`Flags: ${w.flags.join(', ')}`);
    out.push('');
    out.push(`Litmus test (${w.litmusName}.litmus; herd7 runs it unchanged):`);
    out.push('');
    out.push(...w.litmus.trimEnd().split('\n'));
    out.push('');
    out.push('Reproduce with (the test above saved as that file, or written by --emit-litmus DIR):');
    out.push(`  ${w.herdCommand}`);
    out.push('');
  }
  void r;
  return out;
}

export function renderReview(r: Review, opts: TextOptions = {}): string {
  const width = opts.width ?? 72;
  const out: string[] = [];
  const s = r.series;
  out.push(...wrap(`ringside review of "${s.title}" (v${s.version}, ${`${s.patches.length} patch${s.patches.length === 1 ? '' : 'es'}`}${s.author ? `, ${s.author}` : ''})`, width));
  out.push(...wrap(`Tree: ${r.tree}`, width));
  out.push('');
  const by = (st: Finding['status']) => r.findings.filter((f) => f.status === st);
  const intro = by('introduced');
  const fixed = by('fixed');
  const still = by('still-present');
  const inc = by('inconclusive');
  const safe = by('safe');
  // Counts are per scenario instance, so each scenario lists the hardening settings it was found with.
  const names = (fs: Finding[]) => {
    const by = new Map<string, Set<string>>();
    for (const f of fs) {
      const key = `${f.scenarioNumber} (${f.scenarioTitle}`;
      by.set(key, (by.get(key) ?? new Set()).add(`hardening ${f.harden ? 'on' : 'off'}`));
    }
    return [...by].map(([k, hs]) => `${k}: ${[...hs].join(', ')})`).join(', ');
  };
  const summary: string[] = [];
  summary.push(intro.length ? `${plural(intro.length, 'race')} introduced: scenario ${names(intro)}.` : 'No race introduced.');
  if (fixed.length) summary.push(`${plural(fixed.length, 'race')} fixed: scenario ${names(fixed)}.`);
  if (still.length) summary.push(`${plural(still.length, 'race')} still present (also in the base): scenario ${names(still)}.`);
  if (inc.length) summary.push(`${inc.length} inconclusive: scenario ${names(inc)}.`);
  if (safe.length) summary.push(`${safe.length} safe: scenario ${names(safe)}.`);
  if (r.fixedSincePrevious?.findings.length)
    summary.push(`Compared with v${r.fixedSincePrevious.version}: ${plural(r.fixedSincePrevious.findings.length, 'finding')} of v${r.fixedSincePrevious.version} no longer reproduce${r.fixedSincePrevious.findings.length === 1 ? 's' : ''} (${r.fixedSincePrevious.findings.map((f) => f.fingerprint).join(', ')}).`);
  out.push(...wrap('Summary: ' + summary.join(' '), width));
  for (const p of r.applyProblems) out.push(...wrap(`Patch ${p.patch}: ${p.file}${p.hunk ? ` ${p.hunk}` : ''}: ${p.message}`, width));
  if (r.notAnalysed.length) out.push(...wrap(`Not analysed (outside the virtio core): ${r.notAnalysed.join(', ')}`, width));
  for (const n of r.notes) if (!/not analysed$/.test(n)) out.push(...wrap(`Note: ${n}`, width));
  out.push('');
  const shown = r.findings.filter((f) => f.status !== 'safe' || opts.showSafe);
  const order: Finding['status'][] = ['introduced', 'still-present', 'inconclusive', 'fixed', 'safe'];
  shown.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || a.scenarioNumber - b.scenarioNumber);
  shown.forEach((f, i) => {
    out.push(...renderFinding(f, i + 1, r, width));
  });
  for (const f of r.fixedSincePrevious?.findings ?? []) {
    out.push(...wrap(`Fixed since v${r.fixedSincePrevious!.version}: scenario ${f.scenarioNumber} (${f.scenarioTitle}), ${f.instance} [${f.fingerprint}]: ${f.reason}`, width));
    out.push('');
  }
  const ran = r.scenarios.filter((x) => x.ran);
  const skipped = r.scenarios.filter((x) => !x.ran);
  const a = r.explored.assumptions;
  const unknown = [...new Set(a.flatMap((x) => [...x.matchAll(/unknown callee (\S+?)\(\)/g)].map((m) => m[1])))];
  const sliced = a.some((x) => /slice|sliced/.test(x));
  const envs = [...new Set(r.findings.map((f) => f.instance.replace(/, hardening (on|off)$/, '')))];
  const explored =
    `Explored: ${plural(ran.length, 'scenario')} (${ran.map((x) => x.number).join(', ') || 'none'}; ` +
    `${plural(r.explored.instances, 'instance')}), ${r.explored.executions} candidate executions in ` +
    `${(r.explored.timeMs / 1000).toFixed(1)} s under ${r.model}` +
    (skipped.length ? `; not rerun (code untouched): ${skipped.map((x) => x.number).join(', ')}` : '') +
    `; environments: ${envs.join('; ') || 'none'}; loops unrolled once${sliced ? ', large functions sliced' : ''}` +
    (unknown.length ? `; unknown callees taken as no shared effect: ${unknown.join(', ')}` : '') +
    `; ${plural(a.length, 'assumption')} in all (--json lists them).`;
  out.push(...wrap(explored, width));
  return out.join('\n') + '\n';
}
