// The review pipeline around the scenarios: touched-only reruns, failed hunks, fingerprints, the CLI's text and JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { readSeriesFromPath } from '../../../src/ingest/read.js';
import { reviewSeries } from '../../../src/analyze/review.js';
import { reviewCommand } from '../../../src/analyze/command.js';
import { applyEdits, seriesMbox } from './patchgen.js';
import { HARMLESS, MUTATIONS } from './mutations.js';
import { kernel, reviewSpec } from './helpers.js';

const RING = 'drivers/virtio/virtio_ring.c';

describe('review', () => {
  it('reruns only the scenarios whose functions the hunks touch, unless --all', async () => {
    const comment = HARMLESS.find((h) => h.subject.includes('debug message'))!; // virtio_reset_device
    const r = await reviewSpec('6.12', [{ title: comment.subject, version: 1, tag: 'touch', patches: [comment] }], { harden: [true] });
    const ran = r.scenarios.filter((s) => s.ran).map((s) => s.id);
    expect(ran).toContain('reset-vs-vring-irq');
    expect(ran).not.toContain('ring-protocol');
    expect(r.scenarios.find((s) => s.id === 'reset-vs-vring-irq')!.why).toMatch(/touched by 1\/1 \(.*virtio_reset_device/);
    const all = await reviewSpec('6.12', [{ title: comment.subject, version: 1, tag: 'touch', patches: [comment] }], { harden: [true], all: true });
    expect(all.scenarios.every((s) => s.ran)).toBe(true);
  });

  it('reports a scenario inconclusive when a hunk in its code fails to apply, naming the hunk', async () => {
    const k = await kernel('6.12');
    // A patch made against a tree whose vring_interrupt differs: its context does not match the real file.
    const other = applyEdits(k.base, [{ file: RING, find: '\t\treturn IRQ_NONE;\n\t}\n\n\tif (unlikely(vq->broken)) {', replace: '\t\treturn IRQ_NONE;\n\t}\n\t/* a line the real tree does not have */\n\tif (unlikely(vq->broken)) {' }]);
    const mut = MUTATIONS.find((m) => m.subject.includes('run the callback before checking'))!;
    const dir = mkdtempSync(join(tmpdir(), 'ringside-fail-'));
    const file = join(dir, 'fail.mbox');
    writeFileSync(file, seriesMbox(other, { title: 'stale base', version: 1, tag: 'fail', patches: [{ ...mut, edits: [{ file: RING, find: '\t/* a line the real tree does not have */\n\tif (unlikely(vq->broken)) {', replace: '\t/* a line the real tree does not have */\n\tif (likely(vq->broken)) {' }] }] }));
    const series = (await readSeriesFromPath(file)).series;
    const r = await reviewSeries(series, k.tree, { harden: [true] });
    expect(r.applyProblems.length).toBeGreaterThan(0);
    const f = r.findings.find((x) => x.scenario === 'probe-vs-vring-irq')!;
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/hunk failed: 1\/1: @@ .* failed to apply \(vring_interrupt\)/);
  });

  it('keeps a finding\'s fingerprint when unrelated lines shift', async () => {
    const mut = MUTATIONS.find((m) => m.subject.includes('drop virtio_synchronize_cbs() from virtio_reset_device'))!;
    const shift = { subject: 'virtio: add a comment at the top', body: 'Comment.', edits: [{ file: 'drivers/virtio/virtio.c', find: '/* Unique numbering for virtio devices. */', replace: '/*\n * Unique numbering for virtio devices.\n * (shifts every line below)\n */' }] };
    const a = await reviewSpec('6.12', [{ title: 'a', version: 1, tag: 'fpa', patches: [mut] }], { harden: [true], only: ['reset-vs-vring-irq'] });
    const b = await reviewSpec('6.12', [{ title: 'b', version: 1, tag: 'fpb', patches: [shift, mut] }], { harden: [true], only: ['reset-vs-vring-irq'] });
    const fa = a.findings.find((f) => f.status === 'introduced')!;
    const fb = b.findings.find((f) => f.status === 'introduced')!;
    expect(fb.introducedBy?.index).toBe(2);
    expect(fb.fingerprint).toBe(fa.fingerprint);
  });
});

describe('ringside review (command)', () => {
  async function cli(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    process.exitCode = undefined;
    try {
      const program = new Command().exitOverride();
      reviewCommand(program);
      await program.parseAsync(['node', 'ringside', 'review', ...args]);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    const code = process.exitCode as number | undefined;
    process.exitCode = undefined;
    return { out, err, code };
  }

  it('prints the typed Review with --json and exits 1 when a race is introduced', async () => {
    const k = await kernel('6.12');
    const r = await cli([join(import.meta.dirname, '../../../examples/irq-hardening-v1.mbox'), '--tree', k.root, '--json', '--scenario', '1']);
    const review = JSON.parse(r.out);
    expect(review.series.version).toBe(1);
    expect(review.findings.some((f: { status: string }) => f.status === 'introduced')).toBe(true);
    expect(r.code).toBe(1);
  });

  it('names a bad --tree in one line', async () => {
    const r = await cli([join(import.meta.dirname, '../../../examples/irq-hardening-v1.mbox'), '--tree', '/nonexistent/tree']);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('/nonexistent/tree');
    expect(r.code).toBe(2);
  });
});
