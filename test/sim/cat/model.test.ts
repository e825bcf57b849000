// loadModel tests: reading a tree's tools/memory-model (cfg, def, bell, cat, lock.cat) and its errors.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, ModelError, parseCfg } from '../../../src/sim/model.js';
import { modelDir } from './build.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function copyModel(v: '6.12' | '6.1'): Promise<string> {
  const src = await modelDir(v);
  const dst = mkdtempSync(join(tmpdir(), 'ringside-model-'));
  temps.push(dst);
  for (const f of ['linux-kernel.cfg', 'linux-kernel.def', 'linux-kernel.bell', 'linux-kernel.cat', 'lock.cat'])
    cpSync(join(src, f), join(dst, f));
  return dst;
}

describe('loadModel', () => {
  for (const v of ['6.12', '6.1'] as const) {
    it(`loads the ${v} model: cfg, macros text, bell, cat and lock.cat`, async () => {
      const dir = await modelDir(v);
      const m = await loadModel(dir);
      expect(m.cfg).toEqual({ macros: 'linux-kernel.def', bell: 'linux-kernel.bell', model: 'linux-kernel.cat' });
      expect(m.name).toBe('linux-kernel');
      expect(m.title).toBe('Linux-kernel memory consistency model');
      expect(m.defFile).toBe(join(dir, 'linux-kernel.def'));
      expect(m.defText).toContain('READ_ONCE(X) __load{once}(X)');
      expect([...m.included.keys()]).toEqual(['lock.cat']);
      expect(m.plan.final.has('rcu-order')).toBe(true);
      expect(m.plan.final.has(v === '6.12' ? 'rmw-sequence' : 'po-unlock-lock-po')).toBe(true);
    });
  }

  it('names an include that is neither in the directory nor a library file', async () => {
    const dir = await copyModel('6.12');
    const cat = join(dir, 'linux-kernel.cat');
    writeFileSync(cat, readFileSync(cat, 'utf8').replace('include "lock.cat"', 'include "lock.cat"\ninclude "missing-extras.cat"'));
    await expect(loadModel(dir)).rejects.toThrowError(ModelError);
    await expect(loadModel(dir)).rejects.toThrowError(/linux-kernel\.cat:22:1: cannot include "missing-extras\.cat"/);
  });

  it('reports a syntax error in an included file with its file:line:col', async () => {
    const dir = await copyModel('6.1');
    writeFileSync(join(dir, 'lock.cat'), readFileSync(join(dir, 'lock.cat'), 'utf8') + '\nlet broken = (po ;\n');
    await expect(loadModel(dir)).rejects.toThrowError(/lock\.cat:\d+:\d+: expected an expression, found end of file/);
  });

  it('fails clearly on a missing directory or cfg', async () => {
    await expect(loadModel('/nonexistent/tools/memory-model')).rejects.toThrowError(/cannot read model directory/);
    expect(() => parseCfg('bell x.bell\n', 'x.cfg')).toThrowError(/x\.cfg: no 'model' line/);
  });
});
