// Checks the RCU-chain generator: its text parses, and the engine agrees that #GPs >= #readers forbids the cycle.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { allChains, benchChain, rcuChain } from './rcu-chain.js';
import { MODEL_VERSIONS } from './expectations.js';

type Sim = typeof import('../../../src/sim/index.js');

describe('rcu-chain generator', () => {
  it('counts roles and derives the expected outcome', () => {
    expect(rcuChain(['gp', 'reader', 'reader'])).toMatchObject({ gps: 1, readers: 2, expected: 'Sometimes' });
    expect(rcuChain(['gp', 'reader', 'gp', 'reader'])).toMatchObject({ gps: 2, readers: 2, expected: 'Never' });
    expect(rcuChain(['reader', 'reader'])).toMatchObject({ gps: 0, expected: 'Sometimes' });
  });

  it('bench chains are just forbidden / just allowed for every N', () => {
    for (let n = 2; n <= 8; n++) {
      const f = benchChain(n, 'forbidden');
      const a = benchChain(n, 'allowed');
      expect(f.roles).toHaveLength(n);
      expect(f.gps).toBeGreaterThanOrEqual(f.readers);
      expect(f.gps - 1).toBeLessThan(f.readers + 1);
      expect(a.gps).toBeLessThan(a.readers);
      expect(f.expected).toBe('Never');
      expect(a.expected).toBe('Sometimes');
    }
  });

  for (const version of MODEL_VERSIONS) {
    describe(`under the ${version} model`, () => {
      let sim: Sim;
      let model: Awaited<ReturnType<Sim['loadModel']>>;
      beforeAll(async () => {
        sim = await import('../../../src/sim/index.js');
        model = await sim.loadModel(join(await ensureKernelSource(version), 'tools', 'memory-model'));
      });

      // Every arrangement of 2..4 threads, and the bench's own shapes up to 6 threads.
      const chains = [2, 3, 4].flatMap((n) => allChains(n));
      for (let n = 5; n <= 6; n++) chains.push(benchChain(n, 'forbidden'), benchChain(n, 'allowed'));
      for (const c of chains) {
        it(`${c.name}: ${c.gps} GP vs ${c.readers} readers -> ${c.expected}`, () => {
          const r = sim.runTest(sim.parseLitmus(c.text, `${c.name}.litmus`), model, {});
          expect(r.inconclusive).toBeUndefined();
          expect(r.flags).toEqual([]);
          expect(r.observation).toBe(c.expected);
        });
      }
    });
  }
});
