// Bad input through `ringside litmus`: one-line errors naming file/line/construct, exit codes, no stack traces, inconclusive bounds.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtures, hasStackTrace, repoRoot, runLitmusCli, scratchModel } from './helpers.js';

const good = join(repoRoot, 'test', 'sim', 'suite', 'litmus', 'classic', 'MP+pos.litmus');
const fx = (name: string): string => join(fixtures, name);

/** stderr lines that are not blank. */
function errLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

/** herd's "Observation <name> Never|Sometimes|Always …" line: a verdict. */
const VERDICT_LINE = /^Observation \S+ (Never|Sometimes|Always)\b/m;

describe('ringside litmus: errors in test files', () => {
  it('a malformed test: exit 1, one stderr line with file:line:col, no stack trace', () => {
    const r = runLitmusCli([fx('malformed.litmus')]);
    expect(r.status).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const lines = errLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/malformed\.litmus:(9|10):\d+: /);
  });

  it('an unknown primitive: exit 1, the error names it and its line', () => {
    const r = runLitmusCli([fx('unknown-primitive.litmus')]);
    expect(r.status).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const lines = errLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('smp_frobnicate');
    expect(lines[0]).toMatch(/unknown-primitive\.litmus:10\b/);
  });

  it('a missing file: exit 1, named', () => {
    const r = runLitmusCli([fx('no-such-test.litmus')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no-such-test.litmus');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('processing continues after a bad file: the good test still gets its result', () => {
    const r = runLitmusCli([fx('malformed.litmus'), fx('unknown-primitive.litmus'), good]);
    expect(r.status).toBe(1);
    expect(errLines(r.stderr)).toHaveLength(2);
    expect(r.stdout).toMatch(/^Test MP\+pos Allowed$/m);
    expect(r.stdout).toMatch(/^Observation MP\+pos Sometimes \d+ \d+$/m);
  });
});

describe('ringside litmus: broken models (--model)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  async function scratch(): Promise<string> {
    const d = await scratchModel('6.12');
    dirs.push(d);
    return d;
  }

  it('an unsupported cat construct: exit 2, names the construct and linux-kernel.cat:line', async () => {
    const d = await scratch();
    const cat = join(d, 'linux-kernel.cat');
    const line = readFileSync(cat, 'utf8').split('\n').length + 1;
    appendFileSync(cat, '\nprocedure bogus(r) = acyclic r as bogus-cycle end\ncall bogus(po)\n');
    const r = runLitmusCli(['--model', d, good]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const lines = errLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('procedure');
    expect(lines[0]).toContain(`linux-kernel.cat:${line}:`);
    expect(r.stdout).not.toMatch(VERDICT_LINE);
  });

  it('a .cfg naming a missing .cat: exit 2, names the file', async () => {
    const d = await scratch();
    const cfg = join(d, 'linux-kernel.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/^model .*$/m, 'model missing-model.cat'));
    const r = runLitmusCli(['--model', d, good]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(errLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('missing-model.cat');
  });

  it('an include of a file neither present nor provided: exit 2, names it', async () => {
    const d = await scratch();
    appendFileSync(join(d, 'linux-kernel.cat'), '\ninclude "no-such-library.cat"\n');
    const r = runLitmusCli(['--model', d, good]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(errLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('no-such-library.cat');
  });

  it('--model on a directory that does not exist: exit 2', () => {
    const r = runLitmusCli(['--model', join(fixtures, 'no-such-dir'), good]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toContain('no-such-dir');
  });
});

describe('ringside litmus: bounds give inconclusive, never a verdict', () => {
  it('a loop beyond --unroll: says inconclusive with the loop, prints no verdict', () => {
    const r = runLitmusCli(['--unroll', '2', fx('unbounded-loop.litmus')]);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/inconclusive/i);
    expect(out).toMatch(/unbounded-loop\.litmus:\d+/);
    expect(r.stdout).not.toMatch(VERDICT_LINE);
  });

  it('--max-executions 10 on a large test: inconclusive with the reason, no verdict', () => {
    const r = runLitmusCli(['--max-executions', '10', fx('many-executions.litmus')]);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout + r.stderr).toMatch(/inconclusive.*execution/i);
    expect(r.stdout).not.toMatch(VERDICT_LINE);
  });

  it('--json carries the reason', () => {
    const r = runLitmusCli(['--json', '--max-executions', '10', fx('many-executions.litmus')]);
    const results = JSON.parse(r.stdout) as Array<{ name: string; inconclusive?: { reason: string } }>;
    expect(results).toHaveLength(1);
    expect(results[0].inconclusive?.reason).toMatch(/execution/i);
  });

  it('a non-numeric bound is a usage error (exit 2)', () => {
    const r = runLitmusCli(['--max-executions', 'lots', good]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toContain('lots');
  });
});
