// The primitive table against the kernel's own linux-kernel.def (6.1 and 6.12), and the documented API mappings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { API_MAP, DEF_PRIMITIVES, deviceStatusWrite, irqEntry, lowerApi } from '../../../src/analyze/c/primitives.js';
import { C, printLitmusThread } from '../../../src/analyze/c/lower.js';

/** name → [params, body] of every macro line in a .def file. */
function readDef(text: string): Map<string, { params: string[]; body: string }> {
  const out = new Map<string, { params: string[]; body: string }>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)\s+(.*)$/.exec(line.trim());
    if (m) out.set(m[1], { params: m[2].split(',').map((p) => p.trim()).filter(Boolean), body: m[3] });
  }
  return out;
}

/**
 * Whether a .def primitive takes its location as an lvalue (`*x`, true) or as a pointer (`x`, false),
 * derived from its body: herd's __load and __store take the lvalue; __xchg, __cmpxchg, the __atomic ops, __lock and
 * __srcu take the pointer; a body that calls another primitive inherits through `X` or `*X`.
 */
function takesLvalue(def: Map<string, { params: string[]; body: string }>, name: string, param: string): boolean | undefined {
  const d = def.get(name);
  if (!d) return undefined;
  const direct = new RegExp(`__(load|store)\\{[^}]*\\}\\((\\*?)${param}\\b`).exec(d.body);
  if (direct) return direct[2] === '';
  if (new RegExp(`__(xchg|cmpxchg|atomic_op|atomic_op_return|atomic_fetch_op|lock|unlock|trylock|islocked|srcu)(\\{[^}]*\\})?\\(${param}\\b`).test(d.body)) return false;
  const call = /^\{?\s*([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)/.exec(d.body);
  if (call && def.has(call[1])) {
    const args = call[2].split(',').map((a) => a.trim());
    const i = args.findIndex((a) => a === param || a === `*${param}`);
    if (i < 0) return undefined;
    const inner = takesLvalue(def, call[1], def.get(call[1])!.params[i]);
    if (inner === undefined) return undefined;
    // Passing *X where the callee wants an lvalue means X is a pointer.
    return args[i] === param ? inner : false;
  }
  return undefined;
}

for (const v of ['6.1', '6.12'] as const) {
  it(`covers every primitive of linux ${v}'s linux-kernel.def with the form it expects`, async () => {
    const root = await ensureKernelSource(v);
    const def = readDef(readFileSync(join(root, 'tools/memory-model/linux-kernel.def'), 'utf8'));
    expect(def.size).toBeGreaterThan(60);
    const missing = [...def.keys()].filter((n) => !(n in DEF_PRIMITIVES));
    expect(missing).toEqual([]);
    for (const [name, d] of def) {
      const p = DEF_PRIMITIVES[name];
      const locParam = d.params[p.loc];
      if (!locParam) {
        expect(p.kind, name).toBe('fence');
        continue;
      }
      expect(d.params.length, name).toBe(p.values + 1);
      const lv = takesLvalue(def, name, locParam);
      if (lv !== undefined) expect(p.deref, `${name} takes ${lv ? '*x' : 'x'}`).toBe(lv);
    }
  });
}

describe('API mapping table', () => {
  it('gives every entry what it becomes and why', () => {
    for (const [k, e] of Object.entries(API_MAP)) {
      expect(e.becomes.length, k).toBeGreaterThan(3);
      expect(e.why.length, k).toBeGreaterThan(20);
    }
  });

  it('lowers the irq API via the descriptor lock and an RCU grace period', () => {
    const site = { file: 'drivers/virtio/virtio.c', line: 1 };
    const text = (name: string) => printLitmusThread(lowerApi(name, { site, irqDescLock: 'desc' })!, '', { declare: false }).text.split('\n');
    expect(text('synchronize_irq')).toEqual(['synchronize_rcu();']);
    expect(text('request_irq')).toEqual(['spin_lock(desc);', 'spin_unlock(desc);']);
    expect(text('free_irq')).toEqual(['spin_lock(desc);', 'spin_unlock(desc);', 'synchronize_rcu();']);
    expect(text('disable_irq')).toEqual(['spin_lock(desc);', 'spin_unlock(desc);', 'synchronize_rcu();']);
    expect(text('virtio_rmb')).toEqual(['smp_rmb();']);
    expect(printLitmusThread(irqEntry(site, 'desc'), '', { declare: false }).text.split('\n')).toEqual(['spin_lock(desc);', 'spin_unlock(desc);', 'rcu_read_lock();']);
    expect(lowerApi('spin_lock_irqsave', { site, irqDescLock: 'desc', loc: 'dev_config_lock' })?.[0]).toMatchObject({ k: 'lock', prim: 'spin_lock', loc: 'dev_config_lock' });
    expect(lowerApi('kfree', { site, irqDescLock: 'desc', object: 'vq' })?.[0]).toMatchObject({ k: 'store', loc: 'vq_freed' });
    expect(lowerApi('no_such_api', { site, irqDescLock: 'desc' })).toBeUndefined();
  });

  it('writes the device status with the transport ordering', () => {
    const site = { file: 'x', line: 1 };
    const p = (t: 'pci' | 'ccw') => printLitmusThread(deviceStatusWrite(t, 'dev_status', C(4), site), '', { declare: false }).text;
    expect(p('pci')).toBe('smp_store_release(dev_status, 4);');
    expect(p('ccw')).toBe('smp_mb();\nWRITE_ONCE(*dev_status, 4);');
  });
});
