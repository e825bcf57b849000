// Kernel idioms on small C snippets: #ifdef by config, annotations, iterator loops, container_of, hints, data_race, logging, inlining.
import { describe, expect, it } from 'vitest';
import { prepare, blankAnnotations } from '../../../src/analyze/c/kernelisms.js';
import { C, L, R, lowerCall, parseCore, printLitmusThread, type LowerOptions } from '../../../src/analyze/c/lower.js';

const STRUCTS = `
struct virtio_device {
	bool config_enabled;
	bool ready;
	spinlock_t config_lock;
	struct list_head vqs;
	const struct virtio_config_ops *config;
};
struct virtqueue {
	struct list_head list;
	void (*callback)(struct virtqueue *vq);
	struct virtio_device *vdev;
};
struct vring_virtqueue {
	struct virtqueue vq;
	bool broken;
	int flags;
	union {
		struct { u16 idx; } split;
	};
};
struct virtio_config_ops {
	void (*reset)(struct virtio_device *vdev);
	void (*enable_cbs)(struct virtio_device *vdev);
};
#define to_vvq(_vq) container_of(_vq, struct vring_virtqueue, vq)
#define START_USE(vq)
`;

async function lower(body: string, fn: string, extra: Partial<LowerOptions> = {}, other = '') {
  const files = new Map([
    ['include/linux/virtio.h', STRUCTS],
    ['drivers/virtio/snippet.c', body],
  ]);
  if (other) files.set('include/linux/virtio_config.h', other);
  const prog = await parseCore(files);
  const low = lowerCall(prog, fn, {
    config: {},
    instances: { vring_virtqueue: 'vq', virtqueue: 'vq', virtio_device: 'dev' },
    calls: {},
    unroll: 1,
    regPrefix: 'r',
    ...extra,
  });
  return { prog, low, text: printLitmusThread(low.stmts, '', { declare: false }).text };
}

describe('prepare (conditional compilation)', () => {
  const src = [
    'int a;', // 1
    '#ifdef CONFIG_X', // 2
    'int x_on;', // 3
    '#else', // 4
    'int x_off;', // 5
    '#endif', // 6
    '#if IS_ENABLED(CONFIG_Y) && !defined(CONFIG_Z)', // 7
    'int y;', // 8
    '#elif defined(CONFIG_Z)', // 9
    'int z;', // 10
    '#endif', // 11
    '#ifndef GUARD', // 12
    '#define GUARD', // 13
    'int guarded;', // 14
    '#endif', // 15
  ].join('\n');

  it('keeps the active branch for each setting and keeps line numbers', () => {
    const on = prepare(src, { CONFIG_X: true, CONFIG_Y: true }).text.split('\n');
    expect(on).toHaveLength(15);
    expect(on[2]).toBe('int x_on;');
    expect(on[4]).toBe('');
    expect(on[7]).toBe('int y;');
    expect(on[9]).toBe('');
    expect(on[13]).toBe('int guarded;');
    const off = prepare(src, { CONFIG_X: false, CONFIG_Y: true, CONFIG_Z: true }).text.split('\n');
    expect(off[2]).toBe('');
    expect(off[4]).toBe('int x_off;');
    expect(off[7]).toBe('');
    expect(off[9]).toBe('int z;');
  });

  it('lists CONFIG symbols it had to assume off, and reports unbalanced directives', () => {
    const r = prepare(src, { CONFIG_X: true });
    expect(r.assumedOff).toEqual(['CONFIG_Y', 'CONFIG_Z']);
    expect(prepare('#endif\n', {}, 'f.c').problems).toEqual(['f.c:1: #endif without #if']);
    expect(prepare('#ifdef CONFIG_A\n', {}, 'f.c').problems).toEqual(['f.c:1: #if without #endif']);
  });

  it('blanks annotation macros and registration lines without moving anything', () => {
    const text = 'static __must_check int f(void __iomem *p) __cold;\nstatic int __maybe_unused g;\nint __rcu *q;\nEXPORT_SYMBOL_GPL(f);\n__printf(2, 3) int h(int a, const char *b, ...);';
    const out = blankAnnotations(text);
    expect(out.length).toBe(text.length);
    expect(out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      'static int f(void *p) ;',
      'static int g;',
      'int *q;',
      '',
      'int h(int a, const char *b, ...);',
    ]);
  });
});

describe('lowering kernel idioms', () => {
  it('follows #ifdef CONFIG_ in function bodies per config', async () => {
    const body = `void f(struct vring_virtqueue *vq)\n{\n#ifdef CONFIG_VIRTIO_HARDEN_NOTIFICATION\n\tWRITE_ONCE(vq->broken, true);\n#else\n\tWRITE_ONCE(vq->broken, false);\n#endif\n}\n`;
    expect((await lower(body, 'f', { config: { CONFIG_VIRTIO_HARDEN_NOTIFICATION: true } })).text).toBe('WRITE_ONCE(*vq_broken, 1);');
    const off = await lower(body, 'f', { config: { CONFIG_VIRTIO_HARDEN_NOTIFICATION: false } });
    expect(off.text).toBe('WRITE_ONCE(*vq_broken, 0);');
    expect(off.low.stmts[0].src).toEqual({ file: 'drivers/virtio/snippet.c', line: 6 });
  });

  it('parses functions with annotation macros and EXPORT_SYMBOL lines', async () => {
    const body = `static __must_check __cold bool g(struct vring_virtqueue *vq)\n{\n\treturn READ_ONCE(vq->broken);\n}\nEXPORT_SYMBOL_GPL(g);\nint __maybe_unused f(void __iomem *base, struct vring_virtqueue *vq)\n{\n\treturn g(vq);\n}\nEXPORT_SYMBOL_GPL(f);\n`;
    const { prog, low, text } = await lower(body, 'f');
    expect(prog.problems).toEqual([]);
    expect(prog.functions.get('g')?.isStatic).toBe(true);
    expect(text).toBe('r0 = READ_ONCE(*vq_broken);');
    expect(low.returnValue).toEqual(R('r0'));
  });

  it('unrolls list_for_each_entry a stated number of times, binding the cursor to the instance', async () => {
    const body = `void f(struct virtio_device *dev)\n{\n\tstruct virtqueue *_vq;\n\n\tspin_lock_irqsave(&dev->config_lock, flags);\n\tlist_for_each_entry(_vq, &dev->vqs, list) {\n\t\tstruct vring_virtqueue *vq = to_vvq(_vq);\n\t\tvq->flags = 3;\n\t}\n\tspin_unlock_irqrestore(&dev->config_lock, flags);\n}\n`;
    const { low, text } = await lower(body, 'f', { unroll: 3 });
    expect(text.split('\n')).toEqual(['spin_lock(dev_config_lock);', '*vq_flags = 3;', '*vq_flags = 3;', '*vq_flags = 3;', 'spin_unlock(dev_config_lock);']);
    expect(low.assumptions.some((a) => a.includes('list_for_each_entry') && a.includes('3 entries') && a.includes('snippet.c:6'))).toBe(true);
    expect(low.assumptions.some((a) => a.startsWith('spin_lock_irqsave → spin_lock(l)'))).toBe(true);
  });

  it('resolves container_of / to_vvq and embedded structs to one instance', async () => {
    const body = `void f(struct virtqueue *_vq)\n{\n\tstruct vring_virtqueue *vq = container_of(_vq, struct vring_virtqueue, vq);\n\tstruct vring_virtqueue *w = to_vvq(_vq);\n\tvq->broken = 1;\n\tw->vq.vdev->ready = 1;\n\t_vq->vdev->config_enabled = 0;\n\tvq->split.idx = 4;\n}\n`;
    const { text, low } = await lower(body, 'f');
    expect(low.unsupported).toEqual([]);
    expect(text.split('\n')).toEqual(['*vq_broken = 1;', '*dev_ready = 1;', '*dev_config_enabled = 0;', '*vq_split_idx = 4;']);
  });

  it('drops likely/unlikely and keeps the control dependency as an if over a register', async () => {
    const body = `int f(struct vring_virtqueue *vq)\n{\n\tif (unlikely(READ_ONCE(vq->broken)))\n\t\treturn -EIO;\n\tif (likely(vq->flags))\n\t\tWRITE_ONCE(vq->split.idx, 1);\n\treturn 0;\n}\n`;
    const { text, low } = await lower(body, 'f');
    expect(text.split('\n')).toEqual([
      'r0 = READ_ONCE(*vq_broken);',
      'if (r0) {',
      '\tr2 = -5;',
      '} else {',
      '\tr1 = *vq_flags;',
      '\tif (r1) {',
      '\t\tWRITE_ONCE(*vq_split_idx, 1);',
      '\t}',
      '\tr2 = 0;',
      '}',
    ]);
    expect(low.returnValue).toEqual(R('r2'));
  });

  it('marks data_race() accesses as intentionally racy (ONCE, flagged), and says so', async () => {
    const body = `void f(struct vring_virtqueue *vq)\n{\n\tint x = data_race(vq->flags);\n\tdata_race(vq->broken = true);\n\tvq->split.idx = x;\n}\n`;
    const { low, text } = await lower(body, 'f');
    expect(text.split('\n')).toEqual(['r0 = READ_ONCE(*vq_flags);', 'WRITE_ONCE(*vq_broken, 1);', '*vq_split_idx = r0;']);
    expect(low.stmts.map((s) => s.racy ?? false)).toEqual([true, true, false]);
    expect(low.assumptions.some((a) => a.includes('data_race()'))).toBe(true);
  });

  it('gives logging no shared effect and WARN_ON/BUG_ON the value of their condition', async () => {
    const body = `int f(struct vring_virtqueue *vq)\n{\n\tdev_warn_once(&vq->vq.vdev->dev, "x %d", vq->flags);\n\tpr_debug("y %p", vq);\n\tdev_err(&vq->vq.vdev->dev, "z");\n\tBUG_ON(vq->split.idx);\n\tif (WARN_ON(READ_ONCE(vq->broken)))\n\t\treturn 1;\n\tSTART_USE(vq);\n\treturn 0;\n}\n`;
    const { low, text } = await lower(body, 'f');
    expect(text.split('\n')).toEqual(['r0 = *vq_split_idx;', 'r1 = READ_ONCE(*vq_broken);', 'if (r1) {', '\tr2 = 1;', '} else {', '\tr2 = 0;', '}']);
    expect(low.locations.has('vq_flags')).toBe(false);
    expect(low.assumptions).toContain('dev_warn_once(): logging/debug, no shared effect');
    expect(low.assumptions.some((a) => a.startsWith('BUG_ON() at drivers/virtio/snippet.c:6 assumed not to fire'))).toBe(true);
  });

  it('inlines static functions across files and makes locals registers', async () => {
    const cfg = `static inline bool h(struct virtio_device *d)\n{\n\treturn smp_load_acquire(&d->ready);\n}\n`;
    const body = `static int g(struct virtio_device *dev, int v)\n{\n\tint t = v + 1;\n\tif (h(dev))\n\t\tt = t * 2;\n\treturn t;\n}\nvoid f(struct virtio_device *dev, int v)\n{\n\tWRITE_ONCE(dev->config_enabled, g(dev, v));\n}\n`;
    const { text } = await lower(body, 'f', { params: { v: C(5) } }, cfg);
    expect(text.split('\n')).toEqual(['r0 = smp_load_acquire(dev_ready);', 'if (r0) {', '\tr1 = 12;', '} else {', '\tr1 = 6;', '}', 'WRITE_ONCE(*dev_config_enabled, r1);']);
  });

  it('summarises an unknown callee as no shared effect and records the assumption', async () => {
    const body = `void f(struct virtio_device *dev)\n{\n\tsome_helper(dev);\n\tsmp_mb();\n}\n`;
    const { low, text } = await lower(body, 'f');
    expect(text).toBe('smp_mb();');
    expect(low.assumptions).toContain('unknown callee some_helper(): assumed to have no shared effect');
    expect(low.unsupported).toEqual([]);
  });

  it('makes the lowering unsupported when an unknown callee\'s value is used, unless a model gives it', async () => {
    const body = `void f(struct virtio_device *dev)\n{\n\tif (some_check(dev))\n\t\tsmp_mb();\n}\n`;
    const bare = await lower(body, 'f');
    expect(bare.low.unsupported.map((u) => [u.construct, u.line])).toEqual([
      ["value of some_check(dev) (value of unknown callee some_check() (give a model as calls['some_check']))", 3],
    ]);
    const modelled = await lower(body, 'f', { calls: { some_check: () => ({ stmts: [], value: C(1) }) } });
    expect(modelled.text).toBe('smp_mb();');
    expect(modelled.low.unsupported).toEqual([]);
  });

  it('truncates to narrow unsigned types, so u16 ring index arithmetic wraps', async () => {
    const body = `static inline int need(__u16 event_idx, __u16 new_idx, __u16 old)\n{\n\treturn (__u16)(new_idx - event_idx - 1) < (__u16)(new_idx - old);\n}\nint f(struct vring_virtqueue *vq)\n{\n\tu16 a = READ_ONCE(vq->split.idx);\n\tu16 b = a - 1;\n\treturn need(3, 2, 1) + need(a, 4, 4) * 2 + b * 0 + (u8)300;\n}\n`;
    const { low, text } = await lower(body, 'f');
    expect(text).toBe('r0 = READ_ONCE(*vq_split_idx);');
    // need(3, 2, 1): (u16)(2-3-1) = 65534 < 1 is false; (u8)300 = 44.
    expect(low.returnValue).toEqual({
      k: 'bin',
      op: '+',
      l: {
        k: 'bin',
        op: '+',
        l: { k: 'bin', op: '+', l: C(0), r: { k: 'bin', op: '*', l: { k: 'bin', op: '<', l: { k: 'bin', op: '&', l: { k: 'bin', op: '-', l: { k: 'bin', op: '-', l: C(4), r: R('r0') }, r: C(1) }, r: C(0xffff) }, r: C(0) }, r: C(2) } },
        r: { k: 'bin', op: '*', l: { k: 'bin', op: '&', l: { k: 'bin', op: '-', l: R('r0'), r: C(1) }, r: C(0xffff) }, r: C(0) },
      },
      r: C(44),
    });
  });

  it('uses CallModels for function pointers and reads an unmodelled one as NULL', async () => {
    const body = `void f(struct vring_virtqueue *vq)\n{\n\tif (vq->vq.callback)\n\t\tvq->vq.callback(&vq->vq);\n\tif (vq->vq.vdev->config->enable_cbs)\n\t\tvq->vq.vdev->config->enable_cbs(vq->vq.vdev);\n}\n`;
    const { low, text } = await lower(body, 'f', {
      calls: { 'virtqueue.callback': (c) => ({ stmts: [L.plainRead(c.fresh(), `${c.args[0].object}_data`, c.site)] }) },
    });
    expect(text).toBe('r0 = *vq_data;');
    expect(low.assumptions.some((a) => a.includes('enable_cbs') && a.includes('NULL'))).toBe(true);
    expect(low.unsupported).toEqual([]);
  });

  it('maps the kernel APIs of the table: virtio barriers, irq calls, kfree', async () => {
    const body = `void f(struct vring_virtqueue *vq, int irq)\n{\n\tvirtio_wmb(vq->weak);\n\tvirtio_mb(true);\n\tsynchronize_irq(irq);\n\tfree_irq(irq, vq);\n\tkfree(vq);\n}\n`;
    const { low, text } = await lower(body, 'f', { params: { irq: C(7) }, fixed: { vq_weak: 1 } });
    expect(text.split('\n')).toEqual([
      'smp_wmb();',
      'smp_mb();',
      'synchronize_rcu();',
      'spin_lock(irq_desc_lock);',
      'spin_unlock(irq_desc_lock);',
      'synchronize_rcu();',
      'WRITE_ONCE(*vq_freed, 1);',
    ]);
    expect(low.locationKinds.get('irq_desc_lock')).toBe('spinlock');
  });

  it('checks uses after kfree with ghost reads of the freed flag, when asked', async () => {
    const body = `void f(struct vring_virtqueue *vq)\n{\n\tWRITE_ONCE(vq->flags, 1);\n\tkfree(vq);\n}\nint g(struct vring_virtqueue *vq)\n{\n\treturn READ_ONCE(vq->broken);\n}\n`;
    const free = await lower(body, 'f', { checkFreed: ['vq'] });
    expect(free.text.split('\n')).toEqual(['r0 = READ_ONCE(*vq_freed);', 'WRITE_ONCE(*vq_flags, 1);', 'WRITE_ONCE(*vq_freed, 1);']);
    const use = await lower(body, 'g', { checkFreed: ['vq'] });
    expect(use.text.split('\n')).toEqual(['r1 = READ_ONCE(*vq_freed);', 'r0 = READ_ONCE(*vq_broken);']);
    expect(use.low.freedChecks).toEqual([{ reg: 'r1', object: 'vq', loc: 'vq_broken', src: { file: 'drivers/virtio/snippet.c', line: 8 } }]);
    // Without checkFreed, no ghost reads.
    expect((await lower(body, 'g')).text).toBe('r0 = READ_ONCE(*vq_broken);');
  });

  it('bounds loops, cuts paths at early returns, follows forward gotos', async () => {
    const body = `int f(struct vring_virtqueue *vq)\n{\n\tint i;\n\tfor (i = 0; i < READ_ONCE(vq->flags); i++)\n\t\tWRITE_ONCE(vq->split.idx, i);\n\tif (READ_ONCE(vq->broken))\n\t\tgoto out;\n\tsmp_wmb();\nout:\n\treturn i;\n}\n`;
    const { low, text } = await lower(body, 'f');
    expect(text.split('\n')).toEqual([
      'r0 = READ_ONCE(*vq_flags);',
      'if (0 < r0) {',
      '\tWRITE_ONCE(*vq_split_idx, 0);',
      '\tr1 = 1;',
      '} else {',
      '\tr1 = 0;',
      '}',
      'r2 = READ_ONCE(*vq_broken);',
      'if (r2 == 0) {',
      '\tsmp_wmb();',
      '}',
    ]);
    // Both paths return the same register, so no return register is needed.
    expect(low.returnValue).toEqual(R('r1'));
    expect(low.assumptions.some((a) => a.startsWith('loop at drivers/virtio/snippet.c:4 unrolled at most 1×'))).toBe(true);
  });

  it('expands function-like macros of the files, GNU variadic ones included, at the call line', async () => {
    const body = `#define BAD(_vq, fmt, args...) \\\n\tdo { \\\n\t\tdev_err(&_vq->vq.vdev->dev, "%s:" fmt, (_vq)->vq.name, ##args); /* why */ \\\n\t\t(_vq)->broken = true; \\\n\t} while (0)\n#define IDX(vq) ((vq)->split.idx + 1)\nint f(struct vring_virtqueue *vq)\n{\n\tBAD(vq, "x %d", 3);\n\treturn IDX(vq);\n}\n`;
    const { low, text, prog } = await lower(body, 'f');
    expect(prog.problems).toEqual([]);
    expect(low.unsupported).toEqual([]);
    expect(text.split('\n')).toEqual(['*vq_broken = 1;', 'r0 = *vq_split_idx;']);
    expect(low.stmts.map((s) => s.src?.line)).toEqual([9, 10]);
    expect(low.returnValue).toEqual({ k: 'bin', op: '+', l: R('r0'), r: C(1) });
    expect(low.assumptions.some((a) => a.includes('loop'))).toBe(false);
  });

  it('computes feature bits (BIT_ULL on 64-bit words, __builtin_constant_p) and treats allocations as fresh instances', async () => {
    const body = `static inline bool test_bit_(const struct virtio_device *vdev, unsigned int fbit)\n{\n\tif (__builtin_constant_p(fbit))\n\t\tBUILD_BUG_ON(fbit >= 64);\n\telse\n\t\tBUG_ON(fbit >= 64);\n\treturn vdev->features & BIT_ULL(fbit);\n}\nint f(struct virtio_device *dev)\n{\n\tstruct vring_virtqueue *vq = kmalloc(sizeof(*vq), GFP_KERNEL);\n\tvq->broken = test_bit_(dev, 33);\n\treturn test_bit_(dev, 2);\n}\n`;
    const { low, text } = await lower(body, 'f', { fixed: { dev_features: 2 ** 33 + 1 } });
    expect(low.unsupported).toEqual([]);
    // bool conversion: the 64-bit feature test gives 1.
    expect(text).toBe('*vq_broken = 1;');
    expect(low.returnValue).toEqual(C(0));
    expect(low.assumptions.some((a) => a.startsWith('kmalloc() succeeds'))).toBe(true);
    expect(low.assumptions.some((a) => a.startsWith('BUG_ON()'))).toBe(false);
  });

  it('lowers switch with fall-through, break and default as an if-chain', async () => {
    const body = `int f(struct vring_virtqueue *vq)\n{\n\tint r = 0;\n\tswitch (READ_ONCE(vq->flags)) {\n\tcase 1:\n\tcase 2:\n\t\tr = 10;\n\t\tbreak;\n\tcase 3:\n\t\tsmp_mb();\n\tdefault:\n\t\tr = r + 1;\n\t}\n\treturn r;\n}\n`;
    const { low, text } = await lower(body, 'f');
    expect(low.unsupported).toEqual([]);
    expect(text.split('\n')).toEqual([
      'r0 = READ_ONCE(*vq_flags);',
      'if (r0 == 1 | r0 == 2) {',
      '\tr1 = 10;',
      '} else {',
      '\tif (r0 == 3) {',
      '\t\tsmp_mb();',
      '\t\tr1 = 1;',
      '\t} else {',
      '\t\tr1 = 1;',
      '\t}',
      '}',
    ]);
    expect(low.returnValue).toEqual(R('r1'));
  });

  it('reads around C it cannot parse: the problem names file and line, other functions still lower', async () => {
    const body = `void broken(struct vring_virtqueue *vq)\n{\n\tWRITE_ONCE(vq->broken, 1);\n\tint x = = 3 +;\n}\nint fine(struct vring_virtqueue *vq)\n{\n\treturn READ_ONCE(vq->flags);\n}\n`;
    const { prog, text } = await lower(body, 'fine');
    expect(prog.problems.some((p) => p.startsWith('drivers/virtio/snippet.c:4:'))).toBe(true);
    expect(text).toBe('r0 = READ_ONCE(*vq_flags);');
    const bad = lowerCall(prog, 'broken', { config: {}, instances: { vring_virtqueue: 'vq' }, calls: {}, unroll: 1, regPrefix: 'r' });
    expect(bad.unsupported.length).toBeGreaterThan(0);
    expect(bad.unsupported[0].line).toBe(4);
    const none = lowerCall(prog, 'no_such_function', { config: {}, instances: {}, calls: {}, unroll: 1, regPrefix: 'r' });
    expect(none.unsupported[0].construct).toBe('function no_such_function is not defined in the virtio core');
  });

  it('records unsupported constructs with file and line', async () => {
    const body = `static void g(struct vring_virtqueue *vq)\n{\n\tg(vq);\n}\nvoid f(struct vring_virtqueue *vq)\n{\nagain:\n\tif (READ_ONCE(vq->flags))\n\t\tgoto again;\n\tg(vq);\n\tvq->vq.vdev->config->reset(vq->vq.vdev);\n}\n`;
    const { low } = await lower(body, 'f');
    expect(low.unsupported.map((u) => [u.construct.split(' (')[0], u.line])).toEqual([
      ['goto again', 9],
      ['recursion into g', 3],
      ['call through function pointer vq->vq.vdev->config->reset', 11],
    ]);
    expect(low.unsupported[0].file).toBe('drivers/virtio/snippet.c');
  });
});
