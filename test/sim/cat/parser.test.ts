// Parser tests: the kernel's real model files (6.12 and 6.1), operator precedence, and clear errors on bad input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../src/sim/cat/ast.js';
import { CatSyntaxError, parseCat } from '../../../src/sim/cat/parser.js';
import { modelDir } from './build.js';

/** Render an expression as a fully parenthesised string, to check how it was grouped. */
function show(e: Expr): string {
  switch (e.k) {
    case 'var':
      return e.name;
    case 'empty':
      return '0';
    case 'univ':
      return '_';
    case 'tag':
      return `'${e.name}`;
    case 'set':
      return `{${e.items.map(show).join(',')}}`;
    case 'toid':
      return `[${show(e.e)}]`;
    case 'un':
      return e.op === 'comp' ? `~(${show(e.e)})` : `(${show(e.e)})${{ star: '*', plus: '+', opt: '?', inv: '^-1' }[e.op]}`;
    case 'bin':
      return `(${e.args.map(show).join(` ${{ union: '|', add: '++', seq: ';', diff: '\\', inter: '&', cart: '*' }[e.op]} `)})`;
    case 'tuple':
      return `<${e.items.map(show).join(',')}>`;
    case 'app':
      return `${show(e.fn)}(${show(e.arg)})`;
    case 'fun':
      return `fun->${show(e.body)}`;
    case 'let':
      return `let ${e.binds.map((b) => show(b.e)).join(' and ')} in ${show(e.body)}`;
    case 'try':
      return `try ${show(e.e)} with ${show(e.alt)}`;
  }
}

function exprOf(src: string): string {
  const f = parseCat(`let x = ${src}`, 't.cat');
  const ins = f.instrs[0];
  if (ins.k !== 'let') throw new Error('expected let');
  return show(ins.binds[0].e);
}

describe('cat parser on the kernel models', () => {
  for (const v of ['6.12', '6.1'] as const) {
    it(`parses ${v}'s linux-kernel.bell, linux-kernel.cat and lock.cat`, async () => {
      const dir = await modelDir(v);
      const bell = parseCat(readFileSync(join(dir, 'linux-kernel.bell'), 'utf8'), 'linux-kernel.bell');
      const cat = parseCat(readFileSync(join(dir, 'linux-kernel.cat'), 'utf8'), 'linux-kernel.cat');
      const lock = parseCat(readFileSync(join(dir, 'lock.cat'), 'utf8'), 'lock.cat');
      expect(bell.title).toBe('Linux-kernel memory consistency model');
      expect(bell.instrs.filter((i) => i.k === 'enum').map((i) => (i as { name: string }).name)).toEqual([
        'Accesses',
        'Barriers',
        'SRCU',
      ]);
      const checks = cat.instrs.flatMap((i) => (i.k === 'test' && i.kind === 'check' ? [i.name] : []));
      expect(checks).toEqual(['coherence', 'atomic', 'happens-before', 'propagation', 'rcu', 'plain-coherence']);
      expect(cat.instrs[0]).toMatchObject({ k: 'include', file: 'lock.cat' });
      const withs = lock.instrs.flatMap((i) => (i.k === 'with' ? [i.name] : []));
      expect(withs).toEqual(['rfe-lf', 'rf-ru']);
      // the recursive rcu-order definition is one let rec group
      const rec = cat.instrs.find((i) => i.k === 'let' && i.rec);
      expect(rec && rec.k === 'let' && rec.binds.map((b) => b.pat)).toEqual([{ kind: 'one', name: 'rcu-order' }]);
    });
  }

  it('groups operators with herd precedences: | < ++ < ; < \\ < & < * ~ postfix < ^-1', () => {
    expect(exprOf('a | b ; c & d \\ e')).toBe('(a | (b ; ((c & d) \\ e)))');
    expect(exprOf('a ; b ; c | d')).toBe('((a ; b ; c) | d)');
    expect(exprOf('a \\ b \\ c')).toBe('((a \\ b) \\ c)');
    expect(exprOf('[M] ; po? ; [RMW] ; po^-1 ; r*')).toBe('([M] ; (po)? ; [RMW] ; (po)^-1 ; (r)*)');
    expect(exprOf('(Plain * M) | ((M \\ IW) * Plain)')).toBe('((Plain * M) | ((M \\ IW) * Plain))');
    expect(exprOf('hb* ; pb* ; [Marked]')).toBe('((hb)* ; (pb)* ; [Marked])');
    expect(exprOf('~M | IW')).toBe('(~(M) | IW)');
    expect(exprOf('(LKW * {e}) & loc & ext')).toBe('((LKW * {e}) & (loc & ext))');
    expect(exprOf('map f (g e)')).toBe('map(f)(g(e))');
    expect(exprOf('domain 0')).toBe('domain(0)');
    expect(exprOf('p ++ 0')).toBe('(p ++ 0)');
    expect(exprOf('fencerel(Before-atomic) ; [RMW]')).toBe('(fencerel(Before-atomic) ; [RMW])');
    expect(exprOf('rcu-rscs^-1')).toBe('(rcu-rscs)^-1');
    expect(exprOf('r^+ | s^*')).toBe('((r)+ | (s)*)');
    expect(exprOf('try RL with emptyset')).toBe('try RL with emptyset');
    expect(exprOf('let rec a = a | b and c = a in c')).toBe('let (a | b) and a in c');
  });

  it('parses function definitions in both herd forms', () => {
    const f = parseCat('let f(x) = x ; x\nlet g x = x\nlet h(a, b) = a | b', 't.cat');
    expect(f.instrs.map((i) => (i.k === 'let' ? i.binds[0].e.k : ''))).toEqual(['fun', 'fun', 'fun']);
    const h = f.instrs[2];
    expect(h.k === 'let' && h.binds[0].e.k === 'fun' && h.binds[0].e.params).toEqual({ kind: 'tuple', names: ['a', 'b'] });
  });

  it('parses checks and flags with negation and names', () => {
    const f = parseCat('acyclic po | rf as hb\nflag ~empty x as race\nirreflexive r\nempty 0 as e', 't.cat');
    expect(f.instrs.map((i) => (i.k === 'test' ? `${i.kind}:${i.neg ? '~' : ''}${i.op}:${i.name ?? ''}` : i.k))).toEqual([
      'check:acyclic:hb',
      'flag:~empty:race',
      'check:irreflexive:',
      'check:empty:e',
    ]);
  });

  it('reports malformed input with file:line:col', () => {
    expect(() => parseCat('let a = po\nlet b = (po ; \nlet c = 0', 'bad.cat')).toThrowError(/^bad\.cat:3:1: expected an expression/);
    expect(() => parseCat('let a = po\n  acyclic a as', 'bad.cat')).toThrowError(/^bad\.cat:2:15: expected a name, found end of file/);
    expect(() => parseCat('let a = po $ rf', 'bad.cat')).toThrowError(/^bad\.cat:1:12: unexpected character '\$'/);
    expect(() => parseCat('(* never closed', 'bad.cat')).toThrowError(/^bad\.cat:1:1: unterminated comment/);
    expect(() => parseCat('let = 1', 'bad.cat')).toThrowError(CatSyntaxError);
  });

  it('rejects constructs it does not implement, naming them', () => {
    expect(() => parseCat('procedure p(x) = acyclic x end', 'u.cat')).toThrowError(/^u\.cat:1:1: unsupported cat construct 'procedure'/);
    expect(() => parseCat('let a = match x with || {} -> 0 end', 'u.cat')).toThrowError(/^u\.cat:1:9: unsupported cat construct 'match'/);
    expect(() => parseCat('forall x in S do acyclic x end', 'u.cat')).toThrowError(/unsupported cat construct 'forall'/);
    expect(() => parseCat('let rec a = a | po when acyclic a', 'u.cat')).toThrowError(/unsupported cat construct 'let rec … when'/);
  });
});
