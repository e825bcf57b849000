// Shared helpers for the bad-input tests: a scratch copy of a real model directory and a CLI runner.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The real tools/memory-model directory of an installed kernel tree. */
export async function realModelDir(version = '6.12'): Promise<string> {
  return join(await ensureKernelSource(version), 'tools', 'memory-model');
}

/** Copies the model files (cfg, def, bell, cat) of a real tree into a fresh temporary directory. */
export async function scratchModel(version = '6.12'): Promise<string> {
  const src = await realModelDir(version);
  const dir = mkdtempSync(join(tmpdir(), 'ringside-model-'));
  for (const f of readdirSync(src)) {
    if (/\.(cfg|def|bell|cat)$/.test(f)) copyFileSync(join(src, f), join(dir, f));
  }
  return dir;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ringside litmus …` through tsx, as a user would. */
export function runLitmusCli(args: string[]): CliRun {
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'src', 'cli.ts'), 'litmus', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** True when the text holds a JavaScript stack frame ("    at fn (file:line:col)"). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at\s.+[:(]/m.test(text);
}
