// Cross-check: hand-written lowerings of the 6.12 functions give the same verdicts as the front-end's lowering of the real C.
import { describe, expect, it } from 'vitest';
import { makeLowerer } from '../../../src/analyze/scenarios/lowering.js';
import { scenarioById } from '../../../src/analyze/scenarios/index.js';
import { execute, prepare } from '../../../src/analyze/scenarios/run.js';
import { handLowerer } from './hand-lowerer.js';
import { kernel } from './helpers.js';

describe('hand-checked lowerings agree with the front-end', () => {
  for (const id of ['probe-vs-vring-irq', 'reset-vs-vring-irq', 'device-ready-ordering']) {
    for (const harden of [true, false]) {
      it(`${id}, hardening ${harden ? 'on' : 'off'}`, async () => {
        const k = await kernel('6.12');
        const sc = scenarioById(id)!;
        const choice = sc.choices(harden)[0];
        const real = await execute(prepare(sc, choice, await makeLowerer(k.base)), k.tree.memoryModelDir);
        const hand = await execute(prepare(sc, choice, handLowerer()), k.tree.memoryModelDir);
        expect(hand.verdict).not.toBe('inconclusive');
        expect(real.verdict).toBe(hand.verdict);
      });
    }
  }
});
