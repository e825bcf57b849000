// Runs every litmus test shipped in the kernel's tools/memory-model/litmus-tests (6.12 and 6.1) against its own Result: line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { MODEL_VERSIONS, parseUpstreamResult } from './expectations.js';

type Sim = typeof import('../../../src/sim/index.js');

// The trees are extracted by globalSetup; listing them at collection time gives one test per file.
const trees = new Map<string, string>();
for (const v of MODEL_VERSIONS) trees.set(v, join(await ensureKernelSource(v), 'tools', 'memory-model'));

describe('upstream litmus tests', () => {
  for (const version of MODEL_VERSIONS) {
    const modelDir = trees.get(version)!;
    const testDir = join(modelDir, 'litmus-tests');
    const names = readdirSync(testDir)
      .filter((f) => f.endsWith('.litmus'))
      .sort();

    describe(`linux-${version}`, () => {
      let sim: Sim;
      let model: Awaited<ReturnType<Sim['loadModel']>>;
      beforeAll(async () => {
        sim = await import('../../../src/sim/index.js');
        model = await sim.loadModel(modelDir);
      });

      it('ships litmus tests with Result: lines', () => {
        expect(names.length).toBeGreaterThanOrEqual(30);
      });

      for (const name of names) {
        const file = join(testDir, name);
        const text = readFileSync(file, 'utf8');
        const want = parseUpstreamResult(text, file);
        it(`${name}: ${want ? want.observation + (want.dataRace ? ' DATARACE' : '') : 'no Result line'}`, () => {
          expect(want, `${file} has no Result: line`).toBeDefined();
          const test = sim.parseLitmus(text, file);
          const result = sim.runTest(test, model, {});
          expect(result.inconclusive, `inconclusive: ${result.inconclusive?.reason}`).toBeUndefined();
          expect({
            observation: result.observation,
            dataRace: result.flags.includes('data-race'),
          }).toEqual({ observation: want!.observation, dataRace: want!.dataRace });
        });
      }
    });
  }
});
