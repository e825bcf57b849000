// The front-end on the real virtio core of 6.1 and 6.12: every scenario function found, and key functions lowered under both settings of CONFIG_VIRTIO_HARDEN_NOTIFICATION.
import { describe, expect, it } from 'vitest';
import { C, L, R, lowerCall, parseCore, printLitmusThread, walkStmts, type CoreProgram, type LStmt, type LowerOptions } from '../../../src/analyze/c/lower.js';
import { coreFiles } from './helpers.js';

const COMMON = [
  'vring_interrupt',
  'virtio_device_ready',
  '__virtio_unbreak_device',
  'virtio_break_device',
  'virtio_reset_device',
  'virtio_synchronize_cbs',
  'virtio_config_changed',
  '__virtio_config_changed',
  'virtio_dev_remove',
  'virtio_dev_probe',
  'virtqueue_add_split',
  'virtqueue_kick_prepare_split',
  'virtqueue_notify',
  'virtqueue_get_buf_ctx_split',
  'more_used_split',
  'virtqueue_enable_cb_prepare_split',
  'virtqueue_disable_cb_split',
  'virtqueue_is_broken',
  'virtio_add_status',
  'virtio_check_driver_offered_feature',
  'virtqueue_kick',
  'virtqueue_kick_prepare',
  'virtio_features_ok',
  'vring_del_virtqueue',
];
// Config-change gating was split into core and driver parts after 6.1.
const BY_VERSION = {
  '6.1': ['virtio_config_enable', 'virtio_config_disable'],
  '6.12': ['virtio_config_core_enable', 'virtio_config_core_disable', 'virtio_config_driver_enable', 'virtio_config_driver_disable'],
} as const;

const progs = new Map<string, Promise<CoreProgram>>();
function prog(v: '6.1' | '6.12'): Promise<CoreProgram> {
  if (!progs.has(v)) progs.set(v, coreFiles(v).then(parseCore));
  return progs.get(v)!;
}

const harden = (on: boolean) => ({ CONFIG_VIRTIO_HARDEN_NOTIFICATION: on });

/** Transport models as a scenario would give them (here: pci-like). */
function options(on: boolean, extra: Partial<LowerOptions> = {}): LowerOptions {
  return {
    config: harden(on),
    instances: { vring_virtqueue: 'vq', virtqueue: 'vq', virtio_device: 'dev' },
    calls: {
      'virtqueue.callback': (c) => ({ stmts: [L.plainRead(c.fresh(), 'drv_setup', c.site)] }),
      'virtio_config_ops.get_status': (c) => {
        const r = c.fresh();
        return { stmts: [L.readOnce(r, 'dev_status', c.site)], value: R(r) };
      },
      'virtio_config_ops.set_status': (c) => ({ stmts: [L.fence('smp_wmb', c.site), L.writeOnce('dev_status', c.args[1].expr ?? C(-1), c.site)] }),
      'virtio_config_ops.synchronize_cbs': (c) => ({ stmts: [L.fence('synchronize_rcu', c.site)] }),
    },
    fixed: { vq_packed_ring: 0 },
    unroll: 1,
    regPrefix: 'r',
    ...extra,
  };
}

function flat(stmts: LStmt[]): LStmt[] {
  const out: LStmt[] = [];
  walkStmts(stmts, (s) => out.push(s));
  return out;
}

for (const v of ['6.1', '6.12'] as const) {
  describe(`linux ${v} virtio core`, () => {
    it('parses the four files and finds every function the scenarios use', async () => {
      const p = await prog(v);
      const missing = [...COMMON, ...BY_VERSION[v]].filter((f) => !p.functions.has(f));
      expect(missing).toEqual([]);
      expect(p.functions.size).toBeGreaterThan(150);
      const vi = p.functions.get('vring_interrupt')!;
      expect(vi.file).toBe('drivers/virtio/virtio_ring.c');
      expect(vi.isStatic).toBe(false);
      expect(vi.params.map((x) => x.name)).toEqual(['irq', '_vq']);
      expect(p.functions.get('more_used_split')!.isStatic).toBe(true);
      expect(p.functions.get('virtio_device_ready')!.file).toBe('include/linux/virtio_config.h');
      expect(p.configSymbols).toContain('CONFIG_VIRTIO_HARDEN_NOTIFICATION');
      // tree-sitter reads all four files without a syntax error once kernelisms.ts has prepared them.
      expect(p.problems).toEqual([]);
    });

    it('keeps line numbers true: each function starts where the file says', async () => {
      const files = await coreFiles(v);
      const p = await prog(v);
      for (const name of ['vring_interrupt', 'virtio_break_device', 'virtio_device_ready']) {
        const f = p.functions.get(name)!;
        const lines = files.get(f.file)!.split('\n');
        expect(lines.slice(f.startLine - 1, f.startLine + 1).join('\n')).toContain(name);
        expect(lines[f.endLine - 1]).toBe('}');
      }
    });

    it('lowers vring_interrupt: the broken check returns IRQ_NONE when hardened, IRQ_HANDLED otherwise', async () => {
      const p = await prog(v);
      for (const on of [true, false]) {
        const low = lowerCall(p, 'vring_interrupt', options(on));
        expect(low.unsupported).toEqual([]);
        const all = flat(low.stmts);
        const broken = all.find((s) => s.k === 'load' && s.loc === 'vq_broken');
        expect(broken, 'vq->broken is read').toBeDefined();
        // A plain C read stays plain, so LKMM's data-race flag can fire on it.
        expect(broken!.k === 'load' && broken!.prim).toBe('plain');
        const reg = broken!.k === 'load' ? broken!.reg : '';
        const check = all.find((s) => s.k === 'if' && JSON.stringify(s.cond).includes(`"${reg}"`));
        expect(check?.k).toBe('if');
        if (check?.k !== 'if') return;
        const ret = check.then.find((s) => s.k === 'assign');
        expect(ret?.k === 'assign' && ret.value).toEqual(C(on ? 0 : 1));
        // The callback (driver model) only runs on the path where vq->broken was false.
        expect(flat(check.then).some((s) => s.k === 'load' && s.loc === 'drv_setup')).toBe(false);
        expect(flat(check.else).some((s) => s.k === 'load' && s.loc === 'drv_setup')).toBe(true);
        // 6.12 wraps the hint in data_race(): a marked write flagged racy; 6.1 writes it plainly.
        const et = all.find((s) => s.k === 'store' && s.loc === 'vq_event_triggered');
        expect(et?.k === 'store' && [et.prim, et.racy]).toEqual(v === '6.12' ? ['WRITE_ONCE', true] : ['plain', undefined]);
        expect(low.locations).toContain('vq_split_vring_used_idx');
        expect(low.returnValue?.k).toBe('reg');
      }
    });

    it('lowers virtio_device_ready: hardening adds synchronize_cbs and the unbreak before DRIVER_OK', async () => {
      const p = await prog(v);
      const on = lowerCall(p, 'virtio_device_ready', options(true));
      const off = lowerCall(p, 'virtio_device_ready', options(false));
      expect(on.unsupported).toEqual([]);
      expect(off.unsupported).toEqual([]);
      const text = (l: typeof on) => printLitmusThread(l.stmts, '', { declare: false }).text.split('\n');
      const t = text(on);
      expect(t).toEqual([
        'r0 = READ_ONCE(*dev_status);',
        'synchronize_rcu();',
        'spin_lock(dev_vqs_list_lock);',
        'WRITE_ONCE(*vq_broken, 0);',
        'spin_unlock(dev_vqs_list_lock);',
        'smp_wmb();',
        'WRITE_ONCE(*dev_status, r0 | 4);',
      ]);
      expect(text(off)).toEqual(['r0 = READ_ONCE(*dev_status);', 'smp_wmb();', 'WRITE_ONCE(*dev_status, r0 | 4);']);
      expect(on.locationKinds.get('dev_vqs_list_lock')).toBe('spinlock');
      expect(on.assumptions.some((a) => a.includes('list_for_each_entry') && a.includes('1 entry'))).toBe(true);
      // Source lines point into the files the statements come from.
      const unbreak = flat(on.stmts).find((s) => s.k === 'store' && s.loc === 'vq_broken')!;
      expect(unbreak.src?.file).toBe('drivers/virtio/virtio_ring.c');
    });

    it('lowers __virtio_unbreak_device the same under both settings (it has no #ifdef)', async () => {
      const p = await prog(v);
      const a = lowerCall(p, '__virtio_unbreak_device', options(true, { unroll: 2 }));
      const b = lowerCall(p, '__virtio_unbreak_device', options(false, { unroll: 2 }));
      expect(a.unsupported).toEqual([]);
      const t = printLitmusThread(a.stmts, '', { declare: false }).text;
      expect(t).toBe(printLitmusThread(b.stmts, '', { declare: false }).text);
      // Two list entries (unroll 2), both the vq instance, under the list lock.
      expect(t.split('\n')).toEqual([
        'spin_lock(dev_vqs_list_lock);',
        'WRITE_ONCE(*vq_broken, 0);',
        'WRITE_ONCE(*vq_broken, 0);',
        'spin_unlock(dev_vqs_list_lock);',
      ]);
      expect(a.assumptions.some((x) => x.includes('2 entries'))).toBe(true);
    });

    it('reports a function pointer without a model as unsupported, with file and line', async () => {
      const p = await prog(v);
      const low = lowerCall(p, 'virtio_reset_device', { ...options(true), calls: {} });
      const u = low.unsupported.find((x) => x.construct.includes('dev->config->reset'));
      expect(u?.file).toBe('drivers/virtio/virtio.c');
      expect(u!.line).toBeGreaterThan(0);
    });

    it('slices: accesses to locations the scenario does not keep are dropped and stated', async () => {
      const p = await prog(v);
      const low = lowerCall(p, 'vring_interrupt', options(true, { keep: (l) => l === 'vq_broken' || l === 'drv_setup' }));
      // The used-index reads decide whether the callback runs, so the slice keeps them; the
      // event_triggered hint decides nothing and is dropped.
      expect([...low.locations].sort()).toEqual(['drv_setup', 'vq_broken', 'vq_event', 'vq_last_used_idx', 'vq_split_vring_used_idx']);
      expect(low.assumptions.some((a) => a.startsWith('sliced:') && a.includes('vq_event_triggered'))).toBe(true);
      expect(low.assumptions).toContain('slice kept vq_last_used_idx: values read from it decide kept statements');
      expect(low.registers.some((r) => r.startsWith('__'))).toBe(false);
    });
  });
}

describe('robustness on every function of the real files', () => {
  for (const v of ['6.1', '6.12'] as const) {
    it(`lowers each of linux ${v}'s core functions without throwing; what it cannot model is listed with a line`, async () => {
      const p = await prog(v);
      let clean = 0;
      for (const name of p.functions.keys()) {
        for (const on of [true, false]) {
          const low = lowerCall(p, name, { ...options(on), calls: {}, maxStmts: 3000 });
          for (const u of low.unsupported) {
            expect(u.construct.length, name).toBeGreaterThan(0);
            if (u.file) expect(u.line, `${name}: ${u.construct}`).toBeGreaterThan(0);
          }
          if (low.unsupported.length === 0) clean++;
        }
      }
      // Most functions lower completely even without any environment model.
      expect(clean).toBeGreaterThan(p.functions.size);
    });
  }
});
