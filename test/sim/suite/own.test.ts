// Runs our own litmus suite (test/sim/suite/litmus) under the 6.12 and 6.1 models and checks each header's promise.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { litmusFiles, MODEL_VERSIONS, parseSuiteHeader, type ModelVersion } from './expectations.js';

const here = dirname(fileURLToPath(import.meta.url));
const suiteDir = join(here, 'litmus');
const files = litmusFiles(suiteDir);

type Sim = typeof import('../../../src/sim/index.js');

describe('own litmus suite', () => {
  it('has a suite of at least 60 tests, each with a parseable header', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    for (const f of files) parseSuiteHeader(readFileSync(f, 'utf8'), f);
  });

  for (const version of MODEL_VERSIONS) {
    describe(`model ${version}`, () => {
      let sim: Sim;
      let model: Awaited<ReturnType<Sim['loadModel']>>;
      beforeAll(async () => {
        // Imported here so that a broken engine fails each test with its message, not the whole file.
        sim = await import('../../../src/sim/index.js');
        const root = await ensureKernelSource(version);
        model = await sim.loadModel(join(root, 'tools', 'memory-model'));
      });

      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const header = parseSuiteHeader(text, file);
        const want = header.byVersion[version as ModelVersion];
        if (!want) continue; // `Models:` excludes this version (e.g. a primitive 6.1 lacks).
        const name = relative(suiteDir, file);
        it(`${name}: ${want.observation}${want.flags.length ? ` [${want.flags.join(',')}]` : ''}`, () => {
          const test = sim.parseLitmus(text, file);
          const result = sim.runTest(test, model, {});
          expect(result.inconclusive, `inconclusive: ${result.inconclusive?.reason}`).toBeUndefined();
          expect({ observation: result.observation, flags: [...result.flags].sort() }).toEqual({
            observation: want.observation,
            flags: want.flags,
          });
        });
      }
    });
  }
});
