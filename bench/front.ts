// C front-end benchmark: parsing the four virtio-core files and lowering key functions (medians of several runs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKernelSource } from '../src/analyze/kernel-source.js';
import { C, L, R, lowerCall, parseCore, type LowerOptions } from '../src/analyze/c/lower.js';
import { VIRTIO_CORE_FILES } from '../src/ingest/types.js';
import { median } from './stats.js';

const RUNS = Number(process.env.RINGSIDE_BENCH_RUNS ?? 5);

const opts = (on: boolean): LowerOptions => ({
  config: { CONFIG_VIRTIO_HARDEN_NOTIFICATION: on },
  instances: { vring_virtqueue: 'vq', virtqueue: 'vq', virtio_device: 'dev' },
  calls: {
    'virtqueue.callback': (c) => ({ stmts: [L.plainRead(c.fresh(), 'drv_setup', c.site)] }),
    'virtio_config_ops.get_status': (c) => {
      const r = c.fresh();
      return { stmts: [L.readOnce(r, 'dev_status', c.site)], value: R(r) };
    },
    'virtio_config_ops.set_status': (c) => ({ stmts: [L.writeOnce('dev_status', c.args[1].expr ?? C(0), c.site)] }),
    'virtio_config_ops.synchronize_cbs': (c) => ({ stmts: [L.fence('synchronize_rcu', c.site)] }),
  },
  fixed: { vq_packed_ring: 0 },
  unroll: 1,
  regPrefix: 'r',
});

export default async function run(emit: (record: object) => void): Promise<void> {
  for (const version of ['6.12', '6.1']) {
    const root = await ensureKernelSource(version);
    const files = new Map<string, string>();
    for (const f of VIRTIO_CORE_FILES) files.set(f, readFileSync(join(root, f), 'utf8'));
    const parseMs: number[] = [];
    const lowerMs: number[] = [];
    const viewMs: number[] = [];
    let functions = 0;
    for (let i = 0; i < RUNS; i++) {
      // A fresh Map each run so parseCore's per-config cache does not carry over.
      const t0 = performance.now();
      const prog = await parseCore(new Map(files));
      parseMs.push(performance.now() - t0);
      functions = prog.functions.size;
      // Each config setting is parsed once (cached); time that apart from lowering.
      const tv = performance.now();
      for (const on of [true, false]) prog.view(opts(on).config);
      viewMs.push(performance.now() - tv);
      const t1 = performance.now();
      for (const fn of ['vring_interrupt', 'virtio_device_ready', '__virtio_unbreak_device', 'virtqueue_get_buf_ctx_split']) {
        for (const on of [true, false]) lowerCall(prog, fn, opts(on));
      }
      lowerMs.push(performance.now() - t1);
    }
    emit({ bench: 'front', version, runs: RUNS, functions, parseMedianMs: +median(parseMs).toFixed(1), configParse2MedianMs: +median(viewMs).toFixed(1), lower8MedianMs: +median(lowerMs).toFixed(1) });
  }
}
