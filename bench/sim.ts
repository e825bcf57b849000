// Benchmark of the sim engine: upstream litmus suites per test and whole-suite CLI runs, plus the RCU-chain family.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureKernelSource } from '../src/analyze/kernel-source.js';
import { loadModel, parseLitmus, runTest, type Model, type TestResult } from '../src/sim/index.js';
import { litmusFiles, parseSuiteHeader, parseUpstreamResult } from '../test/sim/suite/expectations.js';
import { benchChain } from '../test/sim/suite/rcu-chain.js';
import { median, round } from './stats.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 5;
const CLI_RUNS = 7;

/** Runs one parsed test `RUNS` times in this process; the model is already loaded. */
function timeTest(text: string, file: string, model: Model): { medianMs: number; result: TestResult } {
  const test = parseLitmus(text, file);
  const times: number[] = [];
  let result: TestResult | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = runTest(test, model, {});
    times.push(performance.now() - t0);
  }
  return { medianMs: round(median(times)), result: result! };
}

/** Builds dist/ once (`npm run build`: tsc, then the litmus bundle and bin), so the whole-suite figure is for what users run, not tsx. */
let built = false;
function buildCli(): void {
  if (built) return;
  for (const argv of [[join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], [join(repoRoot, 'scripts', 'bundle.mjs')]]) {
    const r = spawnSync(process.execPath, argv, { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build (${argv[0]}) failed:\n${r.stdout}${r.stderr}`);
  }
  built = true;
}

/** The bin users run (package.json "bin"): the dispatcher that runs `ringside litmus` from the bundle. */
const BIN = join(repoRoot, 'dist', 'bin', 'ringside.cjs');

/**
 * Preloaded into each timed child to print its own user/system CPU time at exit (spawnSync reports none).
 * A CommonJS file for --require: an ESM --import hook would start the ESM loader, which the bin avoids.
 */
let cpuHook: string | undefined;
function cpuHookFile(): string {
  if (cpuHook) return cpuHook;
  cpuHook = join(mkdtempSync(join(tmpdir(), 'ringside-bench-sim-hook-')), 'cpu-hook.cjs');
  writeFileSync(cpuHook, "process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-usage '+u.user+' '+u.system+'\\n')});\n");
  return cpuHook;
}

interface CliTiming {
  medianMs: number;
  runsMs: number[];
  medianUserMs: number;
  medianSysMs: number;
  exitCode: number | null;
  /** The untimed first run, without a V8 code cache (it writes one, in a directory of this call's own). */
  firstRunMs: number;
  herd7?: { medianMs: number; runsMs: number[]; exitCode: number | null };
}

/**
 * One `ringside litmus` process over all files, start-up and model load included: CLI_RUNS runs of the installed bin,
 * each followed by a herd7 run on the same files when $HERD7 names a herd7 binary (it needs its own HERDLIB setting).
 */
function timeCli(modelDir: string, files: string[]): CliTiming {
  buildCli();
  const cacheDir = mkdtempSync(join(tmpdir(), 'ringside-bench-sim-v8-'));
  const ringside = (): { ms: number; r: ReturnType<typeof spawnSync> } => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--require', cpuHookFile(), BIN, 'litmus', '--model', modelDir, ...files], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, RINGSIDE_CACHE: cacheDir },
    });
    return { ms: round(performance.now() - t0), r };
  };
  const herd = process.env.HERD7;
  const firstRunMs = ringside().ms;
  const runs: number[] = [];
  const users: number[] = [];
  const syss: number[] = [];
  const herdRuns: number[] = [];
  let exitCode: number | null = null;
  let herdExit: number | null = null;
  for (let i = 0; i < CLI_RUNS; i++) {
    const { ms, r } = ringside();
    runs.push(ms);
    const m = /cpu-usage (\d+) (\d+)/.exec(String(r.stderr ?? ''));
    if (m) {
      users.push(Number(m[1]) / 1000);
      syss.push(Number(m[2]) / 1000);
    }
    exitCode = r.status;
    if (herd) {
      // herd7 reads linux-kernel.cfg and the files it names from the model directory
      const t0 = performance.now();
      const h = spawnSync(herd, ['-conf', 'linux-kernel.cfg', ...files], { cwd: modelDir, encoding: 'utf8', maxBuffer: 64 << 20 });
      herdRuns.push(round(performance.now() - t0));
      herdExit = h.error ? null : h.status;
    }
  }
  rmSync(cacheDir, { recursive: true, force: true });
  return {
    medianMs: round(median(runs)),
    runsMs: runs,
    medianUserMs: users.length ? round(median(users)) : NaN,
    medianSysMs: syss.length ? round(median(syss)) : NaN,
    exitCode,
    firstRunMs,
    ...(herd ? { herd7: { medianMs: round(median(herdRuns)), runsMs: herdRuns, exitCode: herdExit } } : {}),
  };
}

export default async function run(emit: (record: object) => void): Promise<void> {
  const summary: Record<string, object> = {};

  for (const version of ['6.12', '6.1'] as const) {
    const suite = `${version}-upstream`;
    const modelDir = join(await ensureKernelSource(version), 'tools', 'memory-model');
    const t0 = performance.now();
    const model = await loadModel(modelDir);
    const loadMs = round(performance.now() - t0);
    const testDir = join(modelDir, 'litmus-tests');
    const files = readdirSync(testDir)
      .filter((f) => f.endsWith('.litmus'))
      .sort()
      .map((f) => join(testDir, f));

    let total = 0;
    let candidates = 0;
    let consistent = 0;
    const mismatches: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const name = file.slice(testDir.length + 1).replace(/\.litmus$/, '');
      const want = parseUpstreamResult(text, file);
      try {
        const { medianMs, result } = timeTest(text, file, model);
        total += medianMs;
        candidates += result.candidates;
        consistent += result.consistent;
        const match = want !== undefined && want.observation === result.observation && !result.inconclusive;
        if (!match) mismatches.push(name);
        emit({
          bench: 'sim',
          suite,
          test: name,
          medianMs,
          candidates: result.candidates,
          consistent: result.consistent,
          observation: result.observation,
          expected: want?.observation,
          match,
          ...(result.inconclusive ? { inconclusive: result.inconclusive.reason } : {}),
        });
      } catch (e) {
        mismatches.push(name);
        emit({ bench: 'sim', suite, test: name, error: (e as Error).message });
      }
    }
    const cli = timeCli(modelDir, files);
    emit({
      bench: 'sim',
      suite,
      wholeSuiteCli: 'bin ringside litmus: dist/bin/ringside.cjs (built by this bench), V8 code cache written by an untimed first run (firstRunMs)',
      tests: files.length,
      medianMs: cli.medianMs,
      medianUserMs: cli.medianUserMs,
      medianSysMs: cli.medianSysMs,
      runsMs: cli.runsMs,
      exitCode: cli.exitCode,
      firstRunMs: cli.firstRunMs,
      ...(cli.herd7 ? { herd7MedianMs: cli.herd7.medianMs, herd7RunsMs: cli.herd7.runsMs, herd7ExitCode: cli.herd7.exitCode } : {}),
    });
    summary[suite] = {
      tests: files.length,
      modelLoadMs: loadMs,
      sumOfMediansMs: round(total),
      candidates,
      consistent,
      consistentRatio: candidates ? round(consistent / candidates) : 0,
      wholeSuiteCliMedianMs: cli.medianMs,
      wholeSuiteCliMedianUserMs: cli.medianUserMs,
      ...(cli.herd7 ? { wholeSuiteHerd7MedianMs: cli.herd7.medianMs } : {}),
      mismatches,
    };
  }

  // Our own suite under 6.12: one summary record (per-test records would drown the upstream ones).
  {
    const modelDir = join(await ensureKernelSource('6.12'), 'tools', 'memory-model');
    const model = await loadModel(modelDir);
    let total = 0;
    let candidates = 0;
    let consistent = 0;
    const mismatches: string[] = [];
    const files = litmusFiles(join(repoRoot, 'test', 'sim', 'suite', 'litmus'));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const want = parseSuiteHeader(text, file).byVersion['6.12'];
      if (!want) continue;
      const { medianMs, result } = timeTest(text, file, model);
      total += medianMs;
      candidates += result.candidates;
      consistent += result.consistent;
      if (result.observation !== want.observation || result.inconclusive) mismatches.push(file.slice(repoRoot.length + 1));
    }
    summary['6.12-own'] = { tests: files.length, sumOfMediansMs: round(total), candidates, consistent, mismatches };
  }

  // RCU chains: N threads, GPs spread around the cycle, just enough to forbid or one too few.
  const modelDir = join(await ensureKernelSource('6.12'), 'tools', 'memory-model');
  const model = await loadModel(modelDir);
  const perN: object[] = [];
  for (let n = 2; n <= 8; n++) {
    for (const kind of ['forbidden', 'allowed'] as const) {
      const chain = benchChain(n, kind);
      const { medianMs, result } = timeTest(chain.text, `${chain.name}.litmus`, model);
      const match = result.observation === chain.expected && !result.inconclusive;
      emit({
        bench: 'sim',
        suite: 'rcu-chain',
        test: chain.name,
        n,
        gps: chain.gps,
        readers: chain.readers,
        medianMs,
        candidates: result.candidates,
        consistent: result.consistent,
        observation: result.observation,
        expected: chain.expected,
        match,
      });
      perN.push({ n, kind, medianMs, candidates: result.candidates, match });
    }
  }
  summary['rcu-chain'] = perN;
  emit({ bench: 'sim', summary: true, ...summary });
  if (cpuHook) rmSync(dirname(cpuHook), { recursive: true, force: true });
}
