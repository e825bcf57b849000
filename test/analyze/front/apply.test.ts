// Series application on the real virtio core: exact, offset and fuzzy hunks, a failing hunk, bisection points.
import { createTwoFilesPatch } from 'diff';
import { beforeAll, describe, expect, it } from 'vitest';
import { applySeries } from '../../../src/analyze/apply.js';
import { coreFiles, makeSeries } from './helpers.js';

const RING = 'drivers/virtio/virtio_ring.c';
const CORE = 'drivers/virtio/virtio.c';
let files: Map<string, string>;
const tree = { read: (p: string) => files.get(p) };

/** A git-style diff of `path` from `before` to `after`. */
function gitDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text.includes(from), `fixture text not found: ${from}`).toBe(true);
  return text.replace(from, to);
}

beforeAll(async () => {
  files = await coreFiles('6.12');
});

describe('applySeries', () => {
  it('applies a two-patch series on the real files and gives every prefix as a bisection point', () => {
    const ring0 = files.get(RING)!;
    const ring1 = replaceOnce(ring0, '\tif (unlikely(vq->broken)) {\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION', '\tif (unlikely(READ_ONCE(vq->broken))) {\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION');
    const core0 = files.get(CORE)!;
    const core1 = replaceOnce(core0, 'void virtio_reset_device(struct virtio_device *dev)\n{\n', 'void virtio_reset_device(struct virtio_device *dev)\n{\n\tvirtio_break_device(dev);\n');
    const ring2 = replaceOnce(ring1, '\t\tWRITE_ONCE(vq->broken, true);', '\t\tsmp_store_release(&vq->broken, true);');
    const series = makeSeries([
      { title: 'virtio_ring: mark the broken read', diff: gitDiff(RING, ring0, ring1) + gitDiff(CORE, core0, core1) },
      { title: 'virtio_ring: release on break', diff: gitDiff(RING, ring1, ring2) },
    ]);
    const r = applySeries(tree, series);
    expect(r.problems).toEqual([]);
    expect(r.points.map((p) => p.afterPatch)).toEqual([0, 1, 2]);
    expect(r.points[0].files.get(RING)).toBe(ring0);
    expect(r.points[1].files.get(RING)).toBe(ring1);
    expect(r.points[1].files.get(CORE)).toBe(core1);
    expect(r.points[2].files.get(RING)).toBe(ring2);
    expect(r.points[2].files.get(CORE)).toBe(core1);
    expect(r.points[2].label).toContain('2/2: virtio_ring: release on break');
    expect(r.points[2].files.size).toBe(4);
  });

  it('applies hunks whose line numbers are off (offset), like patch', () => {
    const ring0 = files.get(RING)!;
    // The patch is made against a tree with 40 more lines at the top than ours.
    const shifted = '/* pad */\n'.repeat(40) + ring0;
    const edited = replaceOnce(shifted, '\treturn READ_ONCE(vq->broken);\n}\nEXPORT_SYMBOL_GPL(virtqueue_is_broken);', '\treturn smp_load_acquire(&vq->broken);\n}\nEXPORT_SYMBOL_GPL(virtqueue_is_broken);');
    const r = applySeries(tree, makeSeries([{ title: 'acquire', diff: gitDiff(RING, shifted, edited) }]));
    expect(r.problems).toEqual([]);
    expect(r.points[1].files.get(RING)).toContain('return smp_load_acquire(&vq->broken);');
    expect(r.points[1].files.get(RING)).not.toContain('/* pad */');
    expect(r.notes.some((n) => n.includes('applied at offset -40 lines'))).toBe(true);
  });

  it('applies a hunk whose context differs slightly (fuzz) and says so', () => {
    const ring0 = files.get(RING)!;
    // The author's tree spelt a context line three lines above the change differently.
    const block = '\t\tstruct vring_virtqueue *vq = to_vvq(_vq);\n\n\t\t/* Pairs with READ_ONCE() in virtqueue_is_broken(). */\n\t\tWRITE_ONCE(vq->broken, true);';
    const theirs = replaceOnce(ring0, block, block.replace('to_vvq(_vq)', 'container_of(_vq, struct vring_virtqueue, vq)'));
    const edited = replaceOnce(theirs, '\t\tWRITE_ONCE(vq->broken, true);', '\t\tsmp_store_release(&vq->broken, true);');
    const r = applySeries(tree, makeSeries([{ title: 'fuzzy', diff: gitDiff(RING, theirs, edited) }]));
    expect(r.problems).toEqual([]);
    expect(r.points[1].files.get(RING)).toContain('smp_store_release(&vq->broken, true);');
    // Our comment is kept: the context line was only matched with fuzz.
    expect(r.points[1].files.get(RING)).toContain('\t\tstruct vring_virtqueue *vq = to_vvq(_vq);\n\n\t\t/* Pairs with READ_ONCE() in virtqueue_is_broken(). */\n\t\tsmp_store_release(&vq->broken, true);');
    expect(r.notes.some((n) => /fuzz [12]/.test(n))).toBe(true);
  });

  it('reports a hunk that does not apply with its file and header, and applies the rest', () => {
    const core0 = files.get(CORE)!;
    const theirs = replaceOnce(core0, 'void virtio_reset_device(struct virtio_device *dev)\n{\n', 'void virtio_reset_device(struct virtio_device *dev)\n{\n\tline_that_is_not_in_our_tree();\n');
    let edited = replaceOnce(theirs, '\tline_that_is_not_in_our_tree();\n', '\tvirtio_break_device(dev);\n');
    edited = replaceOnce(edited, 'static int virtio_dev_probe(struct device *_d)\n{\n', 'static int virtio_dev_probe(struct device *_d)\n{\n\t/* probe */\n');
    const r = applySeries(tree, makeSeries([{ title: 'half applies', diff: gitDiff(CORE, theirs, edited) }]));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].file).toBe(CORE);
    expect(r.problems[0].patch).toBe(1);
    expect(r.problems[0].hunk).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@/);
    expect(r.problems[0].message).toContain('half applies');
    expect(r.points[1].failedHunks).toBe(1);
    const after = r.points[1].files.get(CORE)!;
    expect(after).not.toContain('virtio_break_device(dev);\n\tmight_sleep');
    expect(after).toContain('static int virtio_dev_probe(struct device *_d)\n{\n\t/* probe */\n');
  });

  it('does not fail on files outside the virtio core: they are listed as not analysed', () => {
    const ring0 = files.get(RING)!;
    const ring1 = replaceOnce(ring0, '\treturn READ_ONCE(vq->broken);', '\treturn smp_load_acquire(&vq->broken);');
    const other = gitDiff('drivers/net/virtio_net.c', 'int a;\nint b;\n', 'int a;\nint c;\n');
    const r = applySeries(tree, makeSeries([{ title: 'two subsystems', diff: other + gitDiff(RING, ring0, ring1) }]));
    expect(r.problems).toEqual([]);
    expect(r.notAnalysed).toEqual(['drivers/net/virtio_net.c']);
    expect(r.points[1].files.get(RING)).toBe(ring1);
    expect(r.points[1].files.has('drivers/net/virtio_net.c')).toBe(false);
  });

  it('reports a patch without a diff and keeps going', () => {
    const ring0 = files.get(RING)!;
    const ring1 = replaceOnce(ring0, '\treturn READ_ONCE(vq->broken);', '\treturn smp_load_acquire(&vq->broken);');
    const r = applySeries(tree, makeSeries([{ title: 'empty', diff: '' }, { title: 'real', diff: gitDiff(RING, ring0, ring1) }]));
    expect(r.problems.map((p) => p.patch)).toEqual([1]);
    expect(r.points[2].files.get(RING)).toBe(ring1);
  });
});
