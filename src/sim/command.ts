// `ringside litmus [options] FILE…`: runs C litmus tests under the kernel's memory model and prints herd7-style results.
import './vm-tuning.js';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { LitmusSyntaxError, type LitmusTest } from './litmus/ast.js';
import { parseLitmus } from './litmus/parser.js';
import { TestError } from './explore.js';
import { exploreTest, loadModel, ModelError, type Model } from './index.js';
import { DefError } from './def.js';
import { CatRuntimeError } from './cat/values.js';
import { formatHerd, formatJson } from './report.js';
import { SimError } from './threads.js';
import { formatTimeline, toDot } from './witness.js';
import type { Bounds, TestResult } from './types.js';

interface LitmusFlags {
  model?: string;
  json?: boolean;
  dot?: string;
  witness?: boolean;
  maxExecutions?: string;
  timeout?: string;
  unroll?: string;
  prune?: string;
}

class UsageError extends Error {}

const HELP_AFTER = `
What it does:
  Each FILE is a C litmus test in herd7's format (C name, {init}, P0(...) {...}, exists/~exists/forall).
  Every call (READ_ONCE, smp_store_release, spin_lock, xchg, ...) is expanded with the model's own
  linux-kernel.def; the test's executions are enumerated (per-thread paths x reads-from choices) and
  each is judged by the model's .bell/.cat files, as herd7 does. The output is herd7's:

    Test MP+poonceonces Allowed            the condition's kind (exists: Allowed, ~exists: Forbidden)
    States 4                               distinct final values of the condition's registers/locations
    1:r0=0; 1:r1=0;
    ...
    Ok                                     the condition holds (exists: some execution satisfies it)
    Witnesses
    Positive: 1 Negative: 3                executions satisfying / not satisfying it
    Flag data-race                         flags raised by consistent executions
    Condition exists (1:r0=1 /\\ 1:r1=0)
    Observation MP+poonceonces Sometimes 1 3   Never / Sometimes / Always: compare with "Result:"

  When a bound is hit, the Observation reads "Inconclusive" and an "Inconclusive" line says which bound:
  the counts then cover only what was explored and are not a verdict.

  Large searches (e.g. several threads taking one spinlock) are pruned: lock orders are chosen first and
  a partial execution is skipped when the model's checks, evaluated on bounds, reject every completion
  of it (docs/pruning.md). Identical threads (same parameters, body and initial registers) are then
  explored once per renumbering class: each execution judged also stands for its renumberings, which
  are counted with their own registers. Results are the same as without pruning; --json's "candidates"
  then counts only executions judged in full, "pruned" the skipped subtrees, and "symmetry" lists the
  classes of identical threads. --prune off/on changes the default. A search of 720 lock orders or more
  is split across worker threads, with the same results ("threads" in --json); RINGSIDE_THREADS=1 keeps
  it on one thread.

  --witness prints one execution as CPU columns, in an order that respects happens-before, program
  order and reads-from. Each read names the write it read ("<- init", "<- P0:line 15"); a read marked
  STALE read a value already overwritten by a write shown earlier in the timeline. When no allowed
  execution has the outcome, it shows a candidate that has it and the model check (with its cycle)
  that forbids it.

Examples:
  ringside litmus tools/memory-model/litmus-tests/*.litmus
  ringside litmus --model ~/linux --witness MP+poonceonces.litmus
  ringside litmus --json --dot out/ my-test.litmus

Exit status: 0 when every test ran, 1 when a test file had an error (the others still run), 2 on usage errors.
`;

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} ${v}: expected a positive number`);
  return n;
}

/** --model is a tools/memory-model directory or a kernel tree holding one. */
export async function resolveModelDir(arg: string | undefined): Promise<string> {
  if (arg === undefined) {
    // loaded only when needed: with --model, start-up does not pay for it (it pulls in child_process)
    const { ensureKernelSource, KernelSourceError } = await import('../analyze/kernel-source.js');
    try {
      return join(await ensureKernelSource('6.12'), 'tools', 'memory-model');
    } catch (e) {
      if (e instanceof KernelSourceError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (!existsSync(arg) || !statSync(arg).isDirectory()) throw new UsageError(`--model ${arg}: no such directory`);
  if (existsSync(join(arg, 'linux-kernel.cfg')) || existsSync(join(arg, 'linux-kernel.cat'))) return arg;
  const sub = join(arg, 'tools', 'memory-model');
  if (existsSync(sub)) return sub;
  throw new UsageError(`--model ${arg}: neither a tools/memory-model directory nor a kernel tree containing one`);
}

function userMessage(e: unknown): string | undefined {
  if (
    e instanceof LitmusSyntaxError ||
    e instanceof SimError ||
    e instanceof TestError ||
    e instanceof DefError ||
    e instanceof ModelError
  ) {
    return e.message;
  }
  // The model failed while judging this test's executions (e.g. a cat file of the user's own).
  if (e instanceof CatRuntimeError) return `model error: ${e.message}`;
  return undefined;
}

let judged = 0;

/** How many tests this process has run through the model (the bin writes its code cache only after one). */
export function testsJudged(): number {
  return judged;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9+._-]/g, '_');
}

async function run(files: string[], flags: LitmusFlags): Promise<number> {
  const bounds: Bounds = {};
  const me = positiveInt('--max-executions', flags.maxExecutions);
  if (me !== undefined) bounds.maxExecutions = Math.floor(me);
  const to = positiveInt('--timeout', flags.timeout);
  if (to !== undefined) bounds.timeoutMs = to * 1000;
  const un = positiveInt('--unroll', flags.unroll);
  if (un !== undefined) bounds.unroll = Math.floor(un);
  const prune = flags.prune ?? 'auto';
  if (prune !== 'auto' && prune !== 'on' && prune !== 'off') throw new UsageError(`--prune ${prune}: expected auto, on or off`);
  if (files.length === 0) throw new UsageError('no litmus files given');
  const dir = await resolveModelDir(flags.model);
  let model: Model;
  try {
    model = await loadModel(dir);
  } catch (e) {
    const m = userMessage(e);
    if (m) throw new UsageError(`model ${dir}: ${m}`);
    throw e;
  }
  if (flags.dot) mkdirSync(flags.dot, { recursive: true });
  let status = 0;
  const results: TestResult[] = [];
  for (const file of files) {
    let test: LitmusTest;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      process.stderr.write(`ringside litmus: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      status = 1;
      continue;
    }
    try {
      test = parseLitmus(text, file);
      const ex = exploreTest(test, model, bounds, flags.witness ? 'any' : flags.json ? 'allowed' : 'none', prune);
      judged++;
      const r = ex.result;
      results.push(r);
      if (!flags.json) {
        process.stdout.write(formatHerd(r));
        if (flags.witness) {
          if (r.witness) {
            const what = ex.witness
              ? test.condition.quant === 'exists'
                ? 'an execution satisfying the condition'
                : 'an execution violating the condition'
              : 'a candidate with the outcome, which the model forbids';
            process.stdout.write(`Witness for ${r.name}: ${what}\n${formatTimeline(test, r.witness)}\n`);
          } else {
            process.stdout.write(
              r.pruned
                ? `Witness for ${r.name}: no allowed execution has the outcome the condition names, and none of the first ` +
                    '200000 candidates of an unpruned search has it either (run with --prune off to search them all)\n\n'
                : `Witness for ${r.name}: no candidate execution reaching the model has the outcome the condition names ` +
                    "(it needs values no write provides, or reads that break per-location coherence, which the model's coherence check forbids)\n\n",
            );
          }
          for (const [flag, w] of Object.entries(r.flagWitnesses ?? {})) {
            if (w === r.witness) continue;
            process.stdout.write(`Flag ${flag} in ${r.name}: an execution raising it\n${formatTimeline(test, w)}\n`);
          }
        }
      }
      if (flags.dot) {
        const kept = ex.witness ?? ex.forbidden ?? ex.sample;
        const outcome = test.condition.quant === 'forall' ? 'violating the condition' : 'with the outcome the condition names';
        const caption = ex.witness
          ? `an allowed execution ${outcome}`
          : ex.forbidden
            ? `a candidate ${outcome}, forbidden (violates '${ex.forbidden.judgement.failed ?? '?'}')`
            : `an allowed execution; no candidate ${test.condition.quant === 'forall' ? 'violates the condition' : 'has the outcome the condition names'}`;
        if (kept) writeFileSync(join(flags.dot, `${safeName(test.name)}.dot`), toDot(test.name, kept.exec, kept.judgement, caption));
        else process.stderr.write(`ringside litmus: ${file}: no execution to draw\n`);
      }
    } catch (e) {
      const m = userMessage(e);
      if (m === undefined) throw e;
      process.stderr.write(`ringside litmus: ${m.startsWith(file) || m.startsWith(basename(file)) ? m : `${file}: ${m}`}\n`);
      status = 1;
    }
  }
  if (flags.json) process.stdout.write(formatJson(results));
  return status;
}

export function litmusCommand(program: Command): void {
  program
    .command('litmus')
    .description('run C litmus tests under the Linux kernel memory model (herd7-compatible output)')
    .argument('<files...>', 'C litmus test files')
    .option('--model <dir>', 'tools/memory-model directory, or a kernel tree containing one (default: the installed linux-source-6.12)')
    .option('--json', 'print a JSON array of results instead of herd7 text')
    .option('--dot <dir>', 'write <test name>.dot per test: the witness execution with po/rf/co/fr edges')
    .option('--witness', 'after each result, print the witness as a per-CPU timeline')
    .option('--max-executions <n>', 'stop after n candidate executions (result: inconclusive)')
    .option('--timeout <seconds>', 'time limit per test (result: inconclusive)')
    .option('--unroll <n>', 'loop unrolling bound for while/for (default 2; exceeding it: inconclusive)')
    .option('--prune <mode>', 'skip partial executions no completion of which the model can allow: auto (large searches), on, off', 'auto')
    .addHelpText('after', HELP_AFTER)
    .action(async (files: string[], flags: LitmusFlags) => {
      try {
        process.exitCode = await run(files, flags);
      } catch (e) {
        if (e instanceof UsageError) {
          // also a missing or unusable kernel source for the default --model (see resolveModelDir)
          process.stderr.write(`ringside litmus: ${e.message}\n`);
          process.exitCode = 2;
        } else throw e;
      }
    });
}
