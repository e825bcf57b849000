// Acceptance 1: on the unpatched 6.12 and 6.1 cores every scenario gives the result docs/scenarios.md documents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze/review.js';
import { kernel } from './helpers.js';

interface Row {
  scenario: string;
  instance: string;
  harden: boolean;
  expected: Record<'6.12' | '6.1', string>;
  reason: string;
}

/** The results table between the markers in docs/scenarios.md. */
function documented(): Row[] {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/scenarios.md'), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- results:begin -->'), doc.indexOf('<!-- results:end -->'));
  return table
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| scenario') && !l.startsWith('|---'))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()))
    .map(([scenario, instance, harden, v612, v61, reason]) => ({ scenario, instance, harden: harden === 'on', expected: { '6.12': v612, '6.1': v61 }, reason }));
}

describe('unpatched virtio cores', () => {
  const rows = documented();
  it('documents every scenario', () => {
    expect(new Set(rows.map((r) => r.scenario)).size).toBe(7);
  });
  for (const version of ['6.12', '6.1'] as const) {
    it(`${version}: each scenario instance gives the documented verdict`, async () => {
      const k = await kernel(version);
      const runs = await analyzeFiles(k.base, k.tree.memoryModelDir, { readHeader: (p) => k.tree.read(p) });
      for (const row of rows) {
        const r = runs.find((x) => x.scenario.id === row.scenario && x.harden === row.harden && x.run.instance.startsWith(row.instance));
        expect(r, `${row.scenario} / ${row.instance} / ${row.harden}`).toBeDefined();
        expect(`${row.scenario} / ${row.instance} / hardening ${row.harden ? 'on' : 'off'}: ${r!.run.verdict}`).toBe(
          `${row.scenario} / ${row.instance} / hardening ${row.harden ? 'on' : 'off'}: ${row.expected[version]}`,
        );
        if (r!.run.verdict === 'violated') expect(r!.run.trace?.length ?? 0).toBeGreaterThan(0);
        // The documented reason names the racing access; the run's sites must show it.
        if (row.scenario === 'break-vs-irq') {
          expect(r!.run.sites.some((x) => x.fn === 'vring_interrupt' && /vq->broken/.test(x.code))).toBe(true);
          expect(r!.run.sites.some((x) => x.fn === 'virtio_break_device' && /WRITE_ONCE\(vq->broken, true\)/.test(x.code))).toBe(true);
        }
        if (r!.run.verdict === 'inconclusive') expect(r!.run.reason).toMatch(/virtqueue_add_split|desc\[/);
        if (r!.run.verdict === 'holds') expect(r!.run.executions).toBeGreaterThan(0);
      }
    });
  }
});
