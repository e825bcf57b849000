// Finding the checks that contain reads-from: only definitions whose syntax guarantees it, bound as the check saw them.
import { describe, expect, it } from 'vitest';
import { atomicityRule, rfCycleRules } from '../../../src/sim/cat/rf-cycles.js';
import { loadModel, modelFromTexts } from '../../../src/sim/model.js';
import { modelDir } from './build.js';

const modelOf = (cat: string) => modelFromTexts({ 'm.cat': `"m"\n${cat}\n` }, undefined, 'm.cat');
const rulesOf = (cat: string) => rfCycleRules(modelOf(cat));
const atomicOf = (cat: string) => atomicityRule(modelOf(`include "cos-opt.cat"\n${cat}`));

describe('checks containing reads-from', () => {
  it.each(['6.12', '6.1'] as const)('finds coherence and happens-before in the kernel model (%s)', async (v) => {
    const rules = rfCycleRules(await loadModel(await modelDir(v)));
    expect(rules).toEqual([
      { check: 'coherence', parts: ['po-loc', 'com'], all: true, dom: [], ran: [] },
      { check: 'happens-before', parts: ['hb'], all: false, dom: ['Marked'], ran: ['Marked'] },
      // plain-coherence: wr-incoh = pre-race & rf & rw-xbstar^-1, rw-incoh = pre-race & fr & wr-vis^-1
      { check: 'plain-coherence', parts: [], all: true, dom: [], ran: [], pair: { against: 'rw-xbstar', withs: ['pre-race'], via: 'rf' } },
      { check: 'plain-coherence', parts: [], all: true, dom: [], ran: [], pair: { against: 'wr-vis', withs: ['pre-race'], via: 'fr' } },
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

  it.each(['6.12', '6.1'] as const)('finds the atomicity check of the kernel model (%s), through lock.cat\'s rebinding of fr and co', async (v) => {
    expect(atomicityRule(await loadModel(await modelDir(v)))).toEqual({ anyThread: false });
  });

  it('reads the atomicity check only in the form empty rmw & (fr-like ; co-like)', () => {
    expect(atomicOf('empty rmw & (fre ; coe) as atomic')).toEqual({ anyThread: false });
    expect(atomicOf('empty (fr ; co) & rmw as atomic')).toEqual({ anyThread: true });
    expect(atomicOf('let f = rf^-1 ; co\nempty rmw & (f ; co) as atomic')).toEqual({ anyThread: true });
    expect(atomicOf('let c = (co | po)+\nempty rmw & (fre ; c & ext) as atomic')).toEqual({ anyThread: false });
    // not: another relation than rmw, co, fr; a flag; a rebound rmw; ; in the wrong order
    expect(atomicOf('empty po & (fre ; coe) as atomic')).toBeUndefined();
    expect(atomicOf('empty rmw & (fre ; po) as atomic')).toBeUndefined();
    expect(atomicOf('flag ~empty rmw & (fre ; coe) as atomic')).toBeUndefined();
    expect(atomicOf('let rmw = po\nempty rmw & (fre ; coe) as atomic')).toBeUndefined();
    expect(atomicOf('empty rmw & (coe ; fre) as atomic')).toBeUndefined();
  });

  it('reads A & rf & Q^-1 (and with fr) inside an empty check', () => {
    const pair = (cat: string) => rulesOf(cat).map((r) => r.pair);
    expect(pair('let v = po & rf & loc^-1\nempty v | po as P')).toEqual([{ against: 'loc', withs: ['po'], via: 'rf' }]);
    expect(pair('let v = (loc^-1 & po) & rf\nempty v as P')).toEqual([{ against: 'loc', withs: ['po'], via: 'rf' }]);
    expect(pair('include "cos-opt.cat"\nlet v = po & fr & loc^-1\nempty v as P')).toEqual([{ against: 'loc', withs: ['po'], via: 'fr' }]);
    // not: two of rf, no inverse, a flag, a rebinding of the inverted relation afterwards
    expect(pair('let v = rf & rf & loc^-1\nempty v as P')).toEqual([]);
    expect(pair('let v = po & rf & loc\nempty v as P')).toEqual([]);
    expect(pair('let v = po & rf & loc^-1\nflag ~empty v as P')).toEqual([]);
    expect(pair('let q = loc\nlet v = po & rf & q^-1\nempty v as P\nlet q = po')).toEqual([]);
  });

  it('skips a check whose names the model binds again later (bounds report the last binding)', () => {
    expect(rulesOf('let a = po | rf\nacyclic a as A\nlet a = po')).toEqual([]);
    expect(rulesOf('let a = po | rf\nacyclic a as A\nlet b = a')).toHaveLength(1);
    // a rebinding of rf itself before the check is fine when it keeps rf
    expect(rulesOf('let rf = rf | loc\nlet a = rf\nacyclic a as A')).toHaveLength(1);
    expect(rulesOf('let rf = loc\nlet a = rf\nacyclic a as A')).toEqual([]);
  });
});
