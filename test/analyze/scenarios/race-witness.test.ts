// A data-race finding's trace is an execution that raises the flag, and names the racing accesses the sim found.
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze/review.js';
import { interleaving } from '../../../src/reply/text.js';
import { kernel } from './helpers.js';

describe('break vs interrupt (data-race property) on the unpatched 6.12 core', () => {
  it('traces an execution in which the plain read of vq->broken races with virtio_break_device()', async () => {
    const k = await kernel('6.12');
    const runs = await analyzeFiles(k.base, k.tree.memoryModelDir, { only: ['break-vs-irq'], harden: [true], readHeader: (p) => k.tree.read(p) });
    const run = runs[0].run;
    expect(run.verdict).toBe('violated');
    const racing = (run.trace ?? []).filter((t) => t.racesWith?.length);
    // Both sides of the race are in the trace, on different CPUs, on vq->broken.
    expect(racing.length).toBeGreaterThanOrEqual(2);
    expect(new Set(racing.map((t) => t.thread)).size).toBe(2);
    expect(racing.every((t) => t.loc === 'vq_broken')).toBe(true);
    // The fingerprint sites are the racing accesses' source lines: every one touches vq->broken.
    expect(run.sites.map((s) => s.fn)).toEqual(expect.arrayContaining(['virtio_break_device', 'vring_interrupt']));
    expect(run.sites.every((s) => /broken/.test(s.code))).toBe(true);
    expect(interleaving(run.trace!, ['CPU0', 'CPU1'], 100).join('\n')).toMatch(/DATA RACE with/);
  });
});
