// End-to-end test of `ringside litmus`: herd text, --witness timelines, --dot files, --json, and exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelDir } from '../litmus/helpers.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'src', 'cli.ts'), 'litmus', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tests: string;
let model: string;
let scratch: string;
beforeAll(async () => {
  model = await modelDir('6.12');
  tests = join(model, 'litmus-tests');
  scratch = mkdtempSync(join(tmpdir(), 'ringside-litmus-cli-'));
});

describe('ringside litmus', () => {
  it('runs several files with one model; a broken file gives exit 1 and the others still run', () => {
    const bad = join(scratch, 'bad.litmus');
    writeFileSync(bad, 'C bad\n{}\nP0(int *x)\n{\n\tREAD_TWICE(*x);\n}\nexists (x=1)\n');
    const dot = join(scratch, 'dot');
    const r = cli(['--model', model, '--witness', '--dot', dot, join(tests, 'SB+poonceonces.litmus'), bad, join(tests, 'MP+polocks.litmus')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`ringside litmus: ${bad}:5: unknown primitive 'READ_TWICE' (not defined in linux-kernel.def)`);
    expect(r.stdout).toMatch(/^Observation SB\+poonceonces Sometimes 1 3$/m);
    expect(r.stdout).toMatch(/^Observation MP\+polocks Never 0 3$/m);
    // The SB witness: both reads see the initial values although the other CPU's write is already in the timeline.
    expect(r.stdout).toMatch(/Witness for SB\+poonceonces: an execution satisfying the condition\nP0 +\| P1\n/);
    const sb = r.stdout.slice(r.stdout.indexOf('Witness for SB'), r.stdout.indexOf('Test MP+polocks'));
    expect(sb.match(/<- init {2}\(STALE\)/g)?.length).toBe(1);
    expect(sb.match(/<- init/g)?.length).toBe(2);
    expect(r.stdout).toMatch(/Witness for MP\+polocks: a candidate with the outcome, which the model forbids/);
    expect(r.stdout).toMatch(/Verdict: forbidden by linux-kernel: this candidate execution violates '[a-z-]+'/);
    const g = readFileSync(join(dot, 'SB+poonceonces.dot'), 'utf8');
    expect(g).toMatch(/^digraph "SB\+poonceonces" \{/);
    expect(g).toMatch(/label="po"/);
    expect(g).toMatch(/label="rf"/);
    expect(g).toMatch(/label="fr"/);
  });

  it('--json prints an array of results; a kernel tree works as --model', () => {
    const tree = resolve(model, '..', '..');
    const r = cli(['--json', '--model', tree, join(tests, 'LB+poonceonces.litmus')]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ name: 'LB+poonceonces', observation: 'Sometimes', positive: 1, negative: 3, verdict: 'Allowed' });
    expect((out[0].witness as { steps: unknown[] }).steps.length).toBe(4);
  });

  it('--prune on and off print the same results; --json counts the pruned subtrees', () => {
    const files = ['MP+polocks.litmus', 'ISA2+pooncelock+pooncelock+pombonce.litmus', 'Z6.0+pooncelock+poonceLock+pombonce.litmus'].map((f) => join(tests, f));
    const off = cli(['--model', model, '--prune', 'off', ...files]);
    const on = cli(['--model', model, '--prune', 'on', ...files]);
    expect(off.status).toBe(0);
    const noTime = (t: string) => t.replace(/^Time .*$/gm, '');
    expect(noTime(on.stdout)).toBe(noTime(off.stdout));
    const json = JSON.parse(cli(['--model', model, '--prune', 'on', '--json', ...files]).stdout) as { pruned?: number; candidates: number }[];
    const plain = JSON.parse(cli(['--model', model, '--prune', 'off', '--json', ...files]).stdout) as { pruned?: number; candidates: number }[];
    expect(json.some((r) => (r.pruned ?? 0) > 0)).toBe(true);
    json.forEach((r, i) => expect(r.candidates).toBeLessThanOrEqual(plain[i].candidates));
    expect(plain.every((r) => r.pruned === undefined)).toBe(true);
  });

  it('usage errors exit 2', () => {
    expect(cli(['--prune', 'sometimes', join(tests, 'LB+poonceonces.litmus')]).status).toBe(2);
    expect(cli(['--unroll', 'zero', join(tests, 'LB+poonceonces.litmus')]).status).toBe(2);
    expect(cli(['--model', join(scratch, 'nope'), join(tests, 'LB+poonceonces.litmus')]).status).toBe(2);
  });
});
