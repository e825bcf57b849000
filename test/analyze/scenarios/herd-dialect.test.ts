// Emitted scenario tests use only the C that herd7's litmus lexer knows, so they run under herd7 unchanged.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeriesFromPath } from '../../../src/ingest/read.js';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { openTree } from '../../../src/analyze/tree.js';
import { reviewSeries } from '../../../src/analyze/review.js';
import { printExpr } from '../../../src/analyze/c/print.js';

/** Thread code with comments removed: where herd7's C lexer (7.58) reads tokens. */
function threadCode(litmus: string): string {
  const body = litmus.slice(litmus.search(/^P0\s*\(/m), litmus.search(/^(exists|~exists|forall|filter|locations)\b/m));
  return body.replace(/\/\/[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

/** Operators herd7's C lexer has no token for (it has `!=` but no unary `!`). */
const NOT_HERD = [/!(?!=)/, /&&/, /\|\|/, /%/, /<</, />>/, /~/];

describe('emitted litmus tests are in herd7 C', () => {
  it('rewrites operators herd7 lacks into ones it has', () => {
    const r = (name: string) => ({ k: 'reg' as const, name });
    expect(printExpr({ k: 'un', op: '!', e: r('a') })).toBe('a == 0');
    expect(printExpr({ k: 'un', op: '!', e: { k: 'un', op: '!', e: r('a') } })).toBe('(a == 0) == 0');
    expect(printExpr({ k: 'bin', op: '==', l: { k: 'bin', op: '<', l: r('a'), r: r('b') }, r: r('c') })).toBe('(a < b) == c');
    expect(printExpr({ k: 'bin', op: '&&', l: r('a'), r: { k: 'bin', op: '<', l: r('b'), r: r('c') } })).toBe('a != 0 & b < c');
    expect(printExpr({ k: 'bin', op: '||', l: r('a'), r: r('b') })).toBe('a != 0 | b != 0');
    expect(printExpr({ k: 'bin', op: '%', l: r('i'), r: { k: 'const', v: 8 } })).toBe('i & 7');
    expect(printExpr({ k: 'bin', op: '<<', l: r('i'), r: { k: 'const', v: 3 } })).toBe('i * 8');
    expect(printExpr({ k: 'un', op: '-', e: r('a') })).toBe('0 - a');
    expect(printExpr({ k: 'un', op: '~', e: r('a') })).toBe('a ^ -1');
  });

  for (const example of ['irq-hardening-v1.mbox', 'irq-hardening-v2.mbox']) {
    it(`${example}: every scenario test written by --emit-litmus avoids them`, async () => {
      const { series } = await readSeriesFromPath(join(import.meta.dirname, '../../../examples', example), {});
      const dir = mkdtempSync(join(tmpdir(), 'ringside-emit-'));
      await reviewSeries(series, await openTree(await ensureKernelSource('6.12')), { all: true, emitLitmus: dir });
      const files = readdirSync(dir).filter((f) => f.endsWith('.litmus'));
      expect(files.length).toBeGreaterThanOrEqual(10);
      for (const f of files) {
        const code = threadCode(readFileSync(join(dir, f), 'utf8'));
        for (const bad of NOT_HERD) expect(code, `${f}: ${bad}`).not.toMatch(bad);
      }
    });
  }
});
