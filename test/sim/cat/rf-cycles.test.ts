// Finding the checks that contain reads-from: only definitions whose syntax guarantees it, bound as the check saw them.
import { describe, expect, it } from 'vitest';
import { rfCycleRules } from '../../../src/sim/cat/rf-cycles.js';
import { loadModel, modelFromTexts } from '../../../src/sim/model.js';
import { modelDir } from './build.js';

const rulesOf = (cat: string) => rfCycleRules(modelFromTexts({ 'm.cat': `"m"\n${cat}\n` }, undefined, 'm.cat'));

describe('checks containing reads-from', () => {
  it.each(['6.12', '6.1'] as const)('finds coherence and happens-before in the kernel model (%s)', async (v) => {
    const rules = rfCycleRules(await loadModel(await modelDir(v)));
    expect(rules).toEqual([
      { check: 'coherence', parts: ['po-loc', 'com'], all: true, dom: [], ran: [] },
      { check: 'happens-before', parts: ['hb'], all: false, dom: ['Marked'], ran: ['Marked'] },
    ]);
  });

  it('reads unions, closures, rf & ext and [S] ; … ; [T], through named definitions', () => {
    expect(rulesOf('let a = po | rf\nacyclic a as A')).toEqual([{ check: 'A', parts: ['a'], all: true, dom: [], ran: [] }]);
    expect(rulesOf('let a = (po | rfe)+\nacyclic a as A')[0]).toMatchObject({ all: false });
    expect(rulesOf('let r = rf & ext\nlet a = [R] ; (po | r) ; [W]\nacyclic a as A')[0]).toMatchObject({ all: false, dom: ['R'], ran: ['W'] });
    // an anonymous union is bounded by its named members
    expect(rulesOf('let a = po\nacyclic a | rf | loc as A')[0]).toMatchObject({ parts: ['a', 'rf', 'loc'], all: true });
  });

  it('trusts nothing else', () => {
    // rf & int, rf ; po, a complement, a flag, a negated check, irreflexive, an unnamed non-union
    expect(rulesOf('let a = rf & int\nacyclic a as A')).toEqual([]);
    expect(rulesOf('let a = rf ; po\nacyclic a as A')).toEqual([]);
    expect(rulesOf('let a = ~(~rf)\nacyclic a as A')).toEqual([]);
    expect(rulesOf('let a = rf | po\nflag ~acyclic a as A')).toEqual([]);
    expect(rulesOf('let a = rf | po\nirreflexive a as A')).toEqual([]);
    expect(rulesOf('acyclic (rf | po) ; po as A')).toEqual([]);
    // ext rebound: rf & ext no longer means rfe
    expect(rulesOf('let ext = po\nlet a = rf & ext\nacyclic a as A')).toEqual([]);
  });

  it('skips a check whose names the model binds again later (bounds report the last binding)', () => {
    expect(rulesOf('let a = po | rf\nacyclic a as A\nlet a = po')).toEqual([]);
    expect(rulesOf('let a = po | rf\nacyclic a as A\nlet b = a')).toHaveLength(1);
    // a rebinding of rf itself before the check is fine when it keeps rf
    expect(rulesOf('let rf = rf | loc\nlet a = rf\nacyclic a as A')).toHaveLength(1);
    expect(rulesOf('let rf = loc\nlet a = rf\nacyclic a as A')).toEqual([]);
  });
});
