// Shared helpers for the litmus/explore unit tests: kernel model directories and their litmus tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';

export async function modelDir(version: '6.12' | '6.1'): Promise<string> {
  return join(await ensureKernelSource(version), 'tools', 'memory-model');
}

export function kernelTests(dir: string): { file: string; text: string }[] {
  const d = join(dir, 'litmus-tests');
  return readdirSync(d)
    .filter((f) => f.endsWith('.litmus'))
    .sort()
    .map((f) => ({ file: f, text: readFileSync(join(d, f), 'utf8') }));
}
