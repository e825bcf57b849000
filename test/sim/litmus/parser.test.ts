// Unit tests of the C litmus lexer and parser: the kernel's own tests, herd's syntax corners, and errors.
import { describe, expect, it } from 'vitest';
import { LitmusSyntaxError } from '../../../src/sim/litmus/ast.js';
import { parseLitmus } from '../../../src/sim/litmus/parser.js';
import { conditionText } from '../../../src/sim/explore.js';
import { kernelTests, modelDir } from './helpers.js';

describe('kernel litmus tests', () => {
  for (const v of ['6.12', '6.1'] as const) {
    it(`parses every test of ${v}'s tools/memory-model/litmus-tests`, async () => {
      const tests = kernelTests(await modelDir(v));
      expect(tests.length).toBeGreaterThan(30);
      for (const { file, text } of tests) {
        const t = parseLitmus(text, file);
        expect(t.name).toBe(file.replace(/\.litmus$/, ''));
        expect(t.threads.length).toBeGreaterThan(0);
        expect(['exists', '~exists', 'forall']).toContain(t.condition.quant);
      }
    });
  }
});

const MP = `C MP+test
"a doc string"
(* Result: Sometimes
 * (* nested *) comment *)
{
	x=1; int *p = &x; q=y; 0:r5=2;
	atomic_t a = ATOMIC_INIT(-3);
	spinlock_t l;
}

P0(int *x, int **p) // a C comment
{
	int r0, *r1 = *p;
	WRITE_ONCE(*x, (r0 + 2) * 3 % 4);
	if (r0 == 1 && !r0) { r0 = r0 ? 1 : 2; } else r0 += 1;
}

P1(int *x)
{
	int r0 = READ_ONCE(*x);
	for (int i = 0; i < 2; i++)
		r0 = __load{once}(*x);
}

locations [x; 1:r0;]
filter (0:r0=1 \\/ ~0:r0=2)
exists (1:r0=1 /\\ (x=2 \\/ ~(0:r1=x)) /\\ [x]=2)
`;

describe('syntax', () => {
  const t = parseLitmus(MP, 'mp.litmus');
  it('reads the header, doc string and nested comments', () => {
    expect(t.name).toBe('MP+test');
    expect(t.doc).toBe('a doc string');
  });
  it('reads every form of the initial state', () => {
    expect(t.init.map((i) => [i.kind, i.name, i.value])).toEqual([
      ['loc', 'x', { num: 1 }],
      ['loc', 'p', { loc: 'x' }],
      ['loc', 'q', { loc: 'y' }],
      ['reg', 'r5', { num: 2 }],
      ['loc', 'a', { num: -3 }],
      ['loc', 'l', undefined],
    ]);
    expect(t.init[1]).toMatchObject({ type: 'int*' });
  });
  it('treats (*x in thread code as C, not as a comment', () => {
    expect(t.threads).toHaveLength(2);
    expect(t.threads[0].params).toEqual([
      { type: 'int*', name: 'x' },
      { type: 'int**', name: 'p' },
    ]);
    const w = t.threads[0].body[1];
    expect(w).toMatchObject({ k: 'expr', e: { k: 'call', name: 'WRITE_ONCE' } });
  });
  it('parses declarations, if/else, ternaries, compound assignment and for loops', () => {
    const [decl, , iff] = t.threads[0].body;
    expect(decl).toMatchObject({ k: 'decl', names: [{ name: 'r0' }, { name: 'r1', pointer: true, init: { k: 'deref' } }] });
    expect(iff).toMatchObject({ k: 'if', then: { k: 'block' }, else: { k: 'assign', value: { k: 'bin', op: '+' } } });
    const f = t.threads[1].body[1];
    expect(f).toMatchObject({ k: 'for', init: { k: 'decl' }, c: { k: 'bin', op: '<' }, step: { k: 'assign' } });
    expect(f.k === 'for' && f.body).toMatchObject({ k: 'assign', value: { k: 'prim', name: '__load', tag: 'once' } });
  });
  it('reads locations, filter and the condition, and prints the condition as herd does', () => {
    expect(t.locations).toEqual([
      { k: 'loc', name: 'x' },
      { k: 'reg', thread: 1, name: 'r0' },
    ]);
    expect(t.filter?.k).toBe('or');
    expect(conditionText(t)).toBe('exists (1:r0=1 /\\ ([x]=2 \\/ not (0:r1=x)) /\\ [x]=2)');
  });
  it('reads ~exists and forall', () => {
    const base = 'C t\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n';
    expect(parseLitmus(`${base}~exists (x=1)`, 't').condition.quant).toBe('~exists');
    expect(parseLitmus(`${base}forall (x=1 \\/ x=0)`, 't').condition.quant).toBe('forall');
  });
});

describe('errors', () => {
  const err = (text: string): LitmusSyntaxError => {
    try {
      parseLitmus(text, 'e.litmus');
    } catch (e) {
      expect(e).toBeInstanceOf(LitmusSyntaxError);
      return e as LitmusSyntaxError;
    }
    throw new Error('no error');
  };
  it('gives file:line:col for a missing semicolon', () => {
    expect(err('C t\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1)\n}\nexists (x=1)\n').message).toBe(
      "e.litmus:6:1: expected ';' after statement, found '}'",
    );
  });
  it('rejects a non-C test and a missing condition', () => {
    expect(err('AArch64 t\n{}\n').message).toMatch(/only C litmus tests/);
    expect(err('C t\n{}\nP0(int *x)\n{\n}\n').message).toMatch(/missing final condition/);
  });
  it('rejects threads out of order', () => {
    expect(err('C t\n{}\nP1(int *x)\n{\n}\nexists (x=1)\n').message).toMatch(/e.litmus:3:1: expected P0, found P1/);
  });
  it('reports an unterminated comment where it starts', () => {
    expect(err('C t\n{}\n(* open\n').message).toMatch(/^e.litmus:3:1: unterminated/);
  });
});
