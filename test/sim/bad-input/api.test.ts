// Bad input through the sim API: malformed tests, unknown primitives, broken models and bounds give clear errors or "inconclusive".
import { appendFileSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, realModelDir, scratchModel } from './helpers.js';

type Sim = typeof import('../../../src/sim/index.js');
let sim: Sim;
let model: Awaited<ReturnType<Sim['loadModel']>>;

beforeAll(async () => {
  sim = await import('../../../src/sim/index.js');
  model = await sim.loadModel(await realModelDir('6.12'));
});

function fixture(name: string): { text: string; file: string } {
  const file = join(fixtures, name);
  return { text: readFileSync(file, 'utf8'), file };
}

/** The error thrown by fn, or a failure if it returns. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got a result');
}

async function rejected(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got a result');
}

describe('malformed litmus test', () => {
  it('is a LitmusSyntaxError naming file:line:col', () => {
    const { text, file } = fixture('malformed.litmus');
    const e = thrown(() => sim.parseLitmus(text, file));
    expect(e).toBeInstanceOf(sim.LitmusSyntaxError);
    expect(e.message).toMatch(/malformed\.litmus:(9|10):\d+: /);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('reports an unterminated comment at its start', () => {
    const text = 'C t\n\n(* never closed\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n';
    const e = thrown(() => sim.parseLitmus(text, 'open-comment.litmus'));
    expect(e.message).toMatch(/^open-comment\.litmus:3:1: .*comment/);
  });

  it('reports a missing thread body', () => {
    const text = 'C t\n\n{}\n\nP0(int *x)\n\nexists (x=1)\n';
    const e = thrown(() => sim.parseLitmus(text, 'no-body.litmus'));
    expect(e.message).toMatch(/^no-body\.litmus:\d+:\d+: /);
  });
});

describe('unknown primitive', () => {
  it('is an error naming the primitive, the file and the line', () => {
    const { text, file } = fixture('unknown-primitive.litmus');
    // The primitive is checked against the model's .def, so the error may come from parsing or from running.
    const e = thrown(() => sim.runTest(sim.parseLitmus(text, file), model, {}));
    expect(e.message).toContain('smp_frobnicate');
    expect(e.message).toMatch(/unknown-primitive\.litmus:10\b/);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('names a 6.12-only primitive when run under the 6.1 model', async () => {
    const model61 = await sim.loadModel(await realModelDir('6.1'));
    const file = join(fixtures, '..', '..', 'suite', 'litmus', 'srcu', 'SRCU+down_read-up_read.litmus');
    const e = thrown(() => sim.runTest(sim.parseLitmus(readFileSync(file, 'utf8'), file), model61, {}));
    expect(e.message).toContain('srcu_down_read');
  });
});

describe('broken model directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  async function scratch(): Promise<string> {
    const d = await scratchModel('6.12');
    dirs.push(d);
    return d;
  }

  it('a real copy loads (control)', async () => {
    const d = await scratch();
    await expect(sim.loadModel(d)).resolves.toBeDefined();
  });

  it('an unsupported cat construct is a ModelError naming it and its position', async () => {
    const d = await scratch();
    const cat = join(d, 'linux-kernel.cat');
    const line = readFileSync(cat, 'utf8').split('\n').length + 1;
    appendFileSync(cat, '\nprocedure bogus(r) = acyclic r as bogus-cycle end\ncall bogus(po)\n');
    const e = await rejected(sim.loadModel(d));
    expect(e).toBeInstanceOf(sim.ModelError);
    expect(e.message).toContain('procedure');
    expect(e.message).toContain(`linux-kernel.cat:${line}:`);
  });

  it('a cat syntax error names file:line:col', async () => {
    const d = await scratch();
    const cat = join(d, 'linux-kernel.cat');
    const line = readFileSync(cat, 'utf8').split('\n').length + 1;
    appendFileSync(cat, '\nlet bogus = po ^^ rf\n');
    const e = await rejected(sim.loadModel(d));
    expect(e).toBeInstanceOf(sim.ModelError);
    expect(e.message).toMatch(new RegExp(`linux-kernel\\.cat:${line}:\\d+`));
  });

  it('an unbound name in a check is a ModelError naming it', async () => {
    const d = await scratch();
    appendFileSync(join(d, 'linux-kernel.cat'), '\nacyclic undefined-rel as bogus\n');
    const e = await rejected(sim.loadModel(d));
    expect(e).toBeInstanceOf(sim.ModelError);
    expect(e.message).toContain('undefined-rel');
  });

  it('a .cfg naming a missing .cat file is a ModelError naming the file', async () => {
    const d = await scratch();
    const cfg = join(d, 'linux-kernel.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/^model .*$/m, 'model missing-model.cat'));
    const e = await rejected(sim.loadModel(d));
    expect(e).toBeInstanceOf(sim.ModelError);
    expect(e.message).toContain('missing-model.cat');
  });

  it('a missing lock.cat (included by linux-kernel.cat) is a ModelError naming it', async () => {
    const d = await scratch();
    unlinkSync(join(d, 'lock.cat'));
    const e = await rejected(sim.loadModel(d));
    expect(e).toBeInstanceOf(sim.ModelError);
    expect(e.message).toContain('lock.cat');
  });

  it('an include of a file neither present nor provided is a ModelError naming it', async () => {
    const d = await scratch();
    appendFileSync(join(d, 'linux-kernel.cat'), '\ninclude "no-such-library.cat"\n');
    const e = await rejected(sim.loadModel(d));
    expect(e).toBeInstanceOf(sim.ModelError);
    expect(e.message).toContain('no-such-library.cat');
  });

  it('a directory without any model is a ModelError', async () => {
    const d = await scratch();
    for (const f of ['linux-kernel.cfg']) unlinkSync(join(d, f));
    const e = await rejected(sim.loadModel(d));
    expect(e).toBeInstanceOf(sim.ModelError);
    expect(e.message).toContain(d);
  });
});

describe('bounds give inconclusive, never a verdict to rely on', () => {
  it('a loop beyond the unroll bound', () => {
    const { text, file } = fixture('unbounded-loop.litmus');
    const r = sim.runTest(sim.parseLitmus(text, file), model, { unroll: 2 });
    expect(r.inconclusive?.reason).toMatch(/unroll|iteration/i);
    expect(r.inconclusive?.reason).toContain('unbounded-loop.litmus');
  });

  it('the same loop within a larger bound still hits it (the spin has no bound at all)', () => {
    const { text, file } = fixture('unbounded-loop.litmus');
    const r = sim.runTest(sim.parseLitmus(text, file), model, { unroll: 5 });
    expect(r.inconclusive).toBeDefined();
  });

  it('maxExecutions: 10 on a large test', () => {
    const { text, file } = fixture('many-executions.litmus');
    const r = sim.runTest(sim.parseLitmus(text, file), model, { maxExecutions: 10 });
    expect(r.inconclusive?.reason).toMatch(/execution/i);
    expect(r.candidates).toBeLessThanOrEqual(11);
  });

  it('the same large test without the bound reaches a verdict (control)', () => {
    const { text, file } = fixture('many-executions.litmus');
    const r = sim.runTest(sim.parseLitmus(text, file), model, {});
    expect(r.inconclusive).toBeUndefined();
    expect(r.candidates).toBeGreaterThan(10);
    expect(r.observation).toBe('Sometimes');
  });

  it('a 1 ms timeout on a large test', () => {
    const { text, file } = fixture('many-executions.litmus');
    const r = sim.runTest(sim.parseLitmus(text, file), model, { timeoutMs: 1 });
    // The full run takes seconds (see the control above), so a 1 ms limit must fire.
    expect(r.inconclusive?.reason).toMatch(/time|ms/i);
  });
});
