import { parseCore, lowerCall, printLitmusThread, L, R, C } from './src/analyze/c/lower.js';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const v = process.argv[2] ?? '6.12';
const fn = process.argv[3] ?? 'vring_interrupt';
const root = execSync(`ls -d ~/.cache/ringside/linux-source-${v}-*/linux-source-${v}`).toString().trim();
const files = new Map<string,string>();
for (const f of ['drivers/virtio/virtio.c','drivers/virtio/virtio_ring.c','include/linux/virtio_config.h','include/linux/virtio.h', ...(process.env.UAPI ? ['include/uapi/linux/virtio_ring.h','include/uapi/linux/virtio_config.h'] : [])]) files.set(f, readFileSync(root+'/'+f,'utf8'));
const prog = await parseCore(files);
const low = lowerCall(prog, fn, {
    config: { CONFIG_VIRTIO_HARDEN_NOTIFICATION: true },
    instances: { vring_virtqueue: 'vq', virtqueue: 'vq', virtio_device: 'dev' },
    calls: { 'vring_virtqueue.notify': (c) => ({ stmts: [L.writeOnce('dev_kick', 1, c.site)], value: C(1) }) },
    params: { total_sg: C(1), out_sgs: C(1), in_sgs: C(0), gfp: C(0) },
    fixed: { vq_packed_ring: 0, vq_use_dma_api: 0, vq_indirect: 0, vq_event: Number(process.argv[4] ?? 0), vq_weak_barriers: 1, vq_premapped: 0, vq_do_unmap: 0 },
    keep: process.argv[5] ? (l) => new RegExp(process.argv[5]).test(l) : undefined,
    unroll: 1, regPrefix: 'r',
});
console.log(printLitmusThread(low.stmts, 1, {comments: true}).text);
console.log('return', JSON.stringify(low.returnValue), 'locs', [...low.locationKinds.keys()].join(' '));
console.log('assumptions:\n  ' + low.assumptions.join('\n  '));
console.log('unsupported', low.unsupported);
