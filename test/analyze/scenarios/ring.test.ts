// Scenarios 6 and 7 on the real virtqueue_add_split()/kick_prepare: the lowered tests, their hardening independence, the uapi headers.
import { describe, expect, it } from 'vitest';
import { makeLowerer } from '../../../src/analyze/scenarios/lowering.js';
import { scenarioById } from '../../../src/analyze/scenarios/index.js';
import { DEFAULT_BOUNDS, prepare } from '../../../src/analyze/scenarios/run.js';
import { runLitmus } from '../../../src/analyze/scenarios/sim-adapter.js';
import { kernel } from './helpers.js';

/** Index of the first line of a thread's litmus text matching `re` (-1 when none). */
const at = (lines: string[], re: RegExp) => lines.findIndex((l) => re.test(l));

for (const version of ['6.12', '6.1'] as const) {
  describe(`ring scenarios on ${version}`, () => {
    it('lower the add path from the real C: descriptor, ring entry, virtio_wmb, then the index', async () => {
      const k = await kernel(version);
      const lw = await makeLowerer(k.base, (p) => k.tree.read(p));
      const sc = scenarioById('ring-protocol')!;
      const p = prepare(sc, sc.choices(true)[0], lw);
      expect(p.error).toBeUndefined();
      const drv = p.built!.spec.threads[0].lines;
      const text = drv.map((l) => l.text);
      const desc = at(text, /^WRITE_ONCE\(\*vq_split_vring_desc_len, 4\);/);
      const ring = at(text, /^WRITE_ONCE\(\*vq_split_vring_avail_ring, /);
      const wmb = at(text, /^smp_wmb\(\);/);
      const idx = at(text, /^WRITE_ONCE\(\*vq_split_vring_avail_idx, /);
      expect([desc, ring, wmb, idx].every((i) => i >= 0)).toBe(true);
      expect(desc).toBeLessThan(wmb);
      expect(ring).toBeLessThan(wmb);
      expect(wmb).toBeLessThan(idx);
      // Those lines come from the C, and the device thread from the environment model.
      expect(drv[idx].site?.origin).toBe('core');
      expect(drv[idx].site?.fn).toBe('virtqueue_add_split');
      expect(drv[desc].site?.fn).toBe('virtqueue_add_desc_split');
      expect(p.built!.spec.threads[1].lines.every((l) => l.site?.origin === 'env' && l.site.file === 'env:device')).toBe(true);
      // The dropped parts are stated.
      expect(p.built!.assumptions.some((a) => /sliced: write of vq_split_desc_extra_addr/.test(a))).toBe(true);
      expect(p.built!.assumptions.some((a) => /loop at drivers\/virtio\/virtio_ring\.c:\d+ unrolled at most 1/.test(a))).toBe(true);
    });

    it('the ring instances do not depend on CONFIG_VIRTIO_HARDEN_NOTIFICATION (identical tests)', async () => {
      const k = await kernel(version);
      const lw = await makeLowerer(k.base, (p) => k.tree.read(p));
      for (const id of ['ring-protocol', 'notification-suppression']) {
        const sc = scenarioById(id)!;
        expect(sc.hardenMatters).toBe(false);
        const on = sc.choices(true);
        const off = sc.choices(false);
        for (let i = 0; i < on.length; i++) {
          const a = prepare(sc, on[i], lw);
          const b = prepare(sc, off[i], lw);
          expect(a.error, on[i].label).toBeUndefined();
          expect(b.error, off[i].label).toBeUndefined();
          expect(b.litmus!.text.replace(/hardening off/g, 'hardening on')).toBe(a.litmus!.text);
        }
      }
    });

    it('without the uapi ring headers the add path is inconclusive, never safe', async () => {
      const k = await kernel(version);
      const lw = await makeLowerer(k.base);
      const sc = scenarioById('notification-suppression')!;
      const p = prepare(sc, sc.choices(true)[0], lw);
      expect(p.error).toMatch(/cannot lower/);
      expect(p.litmus).toBeUndefined();
    });
  });
}

/**
 * A "holds" must not be vacuous: in the same lowered test the driver really publishes the buffer
 * (the device can see the new index) and, for the kick side, really may skip the kick.
 */
describe('ring scenarios on 6.12 are not vacuous', () => {
  const reachable: [string, number, string[]][] = [
    ['ring-protocol', 0, ['1:rdev_idx=1 /\\ 1:rdev_head=0 /\\ 1:rdev_len=4']],
    ['notification-suppression', 0, ['1:rdev_idx=1', '0:rkick=0', '0:rkick=1']],
    ['notification-suppression', 1, ['1:rdev_idx=1', '0:rkick=0', '0:rkick=1']],
  ];
  for (const [id, i, conds] of reachable) {
    it(`${id} instance ${i}: ${conds.join(', ')} reachable`, async () => {
      const k = await kernel('6.12');
      const lw = await makeLowerer(k.base, (p) => k.tree.read(p));
      const sc = scenarioById(id)!;
      const p = prepare(sc, sc.choices(true)[i], lw);
      expect(p.error).toBeUndefined();
      for (const cond of conds) {
        const text = p.litmus!.text.replace(/^exists .*$/m, `exists (${cond})`);
        expect(text).toContain(`exists (${cond})`);
        const r = await runLitmus(text, 'reach.litmus', k.tree.memoryModelDir, DEFAULT_BOUNDS);
        expect(r.inconclusive, cond).toBeUndefined();
        expect(r.positive, cond).toBeGreaterThan(0);
      }
    });
  }
});
