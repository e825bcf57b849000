// The installed bin's `ringside litmus` (esbuild bundle + V8 code cache) prints what the ESM CLI prints, with or without a usable cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript build script, no type declarations
import { bundleLitmus } from '../../scripts/bundle.mjs';
import { modelDir } from '../sim/litmus/helpers.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(argv: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, argv, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The ESM path, from the sources: what `ringside` ran before the bin had a bundle. */
const esm = (args: string[]): Run => run([join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'src', 'cli.ts'), ...args]);

/** Per-test run times are the only output that may differ between two runs. */
function stable(r: Run): Run {
  return { ...r, stdout: r.stdout.replace(/^Time (\S+) \d+\.\d+$/gm, 'Time $1 T').replace(/"timeMs": [\d.e+-]+/g, '"timeMs": T') };
}

let dist: string;
let cacheRoot: string;
let args: string[];
beforeAll(async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ringside-bin-'));
  dist = await bundleLitmus(join(scratch, 'dist'));
  cacheRoot = join(scratch, 'cache');
  const model = await modelDir('6.12');
  const bad = join(scratch, 'bad.litmus');
  writeFileSync(bad, 'C bad\n{}\nP0(int *x)\n{\n\tREAD_TWICE(*x);\n}\nexists (x=1)\n');
  const tests = ['MP+poonceonces', 'SB+poonceonces', 'MP+polocks'].map((t) => join(model, 'litmus-tests', `${t}.litmus`));
  args = ['litmus', '--model', model, tests[0], tests[1], bad, tests[2]];
});

const bin = (a: string[], cache: string): Run => run([join(dist, 'bin', 'ringside.cjs'), ...a], { RINGSIDE_CACHE: cache });

describe('bin ringside litmus', () => {
  it('prints the ESM CLI output, then the same again from the code cache it wrote, which V8 accepts', () => {
    // help alone compiles too little of the engine to be worth caching
    expect(bin(['litmus', '--help'], cacheRoot).status).toBe(0);
    expect(existsSync(join(cacheRoot, 'v8'))).toBe(false);

    const want = stable(esm(args));
    expect(want.status).toBe(1);
    expect(want.stdout).toMatch(/^Observation MP\+polocks Never 0 3$/m);

    expect(stable(bin(args, cacheRoot))).toEqual(want);
    const files = readdirSync(join(cacheRoot, 'v8'));
    expect(files).toHaveLength(1);
    const cache = join(cacheRoot, 'v8', files[0]);
    const first = statSync(cache);
    expect(first.size).toBeGreaterThan(0);

    expect(stable(bin(args, cacheRoot))).toEqual(want);
    // A rejected cache (e.g. made under other V8 flags) would have been written again under the same name.
    const second = statSync(cache);
    expect([second.ino, second.mtimeMs]).toEqual([first.ino, first.mtimeMs]);
    expect(readdirSync(join(cacheRoot, 'v8'))).toEqual(files);
  });

  it('gives the same --json and --help output as the ESM CLI', () => {
    const json = ['litmus', '--json', ...args.slice(1)];
    expect(stable(bin(json, cacheRoot))).toEqual(stable(esm(json)));
    expect(bin(['litmus', '--help'], cacheRoot)).toEqual(esm(['litmus', '--help']));
  });

  it('runs the same without a usable cache directory or with a corrupt cache file', () => {
    const want = stable(bin(args, cacheRoot));
    const notADir = join(dirname(cacheRoot), 'bad.litmus'); // a file: v8/ cannot be created below it
    expect(stable(bin(args, notADir))).toEqual(want);
    const files = readdirSync(join(cacheRoot, 'v8'));
    writeFileSync(join(cacheRoot, 'v8', files[0]), 'not a code cache');
    expect(stable(bin(args, cacheRoot))).toEqual(want);
    expect(readFileSync(join(cacheRoot, 'v8', files[0])).length).toBeGreaterThan(1000); // rewritten
  });

  it('sets the same V8 flags as vm-tuning.ts before compiling (V8 rejects a cache made under other flags)', () => {
    const flags = (file: string): string | undefined => /const V8_FLAGS = '([^']*)'/.exec(readFileSync(join(repoRoot, file), 'utf8'))?.[1];
    expect(flags('src/bin/ringside.cts')).toBeDefined();
    expect(flags('src/bin/ringside.cts')).toBe(flags('src/sim/vm-tuning.ts'));
  });
});
