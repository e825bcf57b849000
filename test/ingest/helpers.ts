// Shared paths and small helpers for the ingest tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIX = path.join(ROOT, 'test/fixtures/mail');
export const CORPUS = path.resolve(ROOT, '../shared/corpus/virtualization-list-2021-06.mbox');

export function fixture(name: string): string {
  return path.join(FIX, name);
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ringside-test-${tag}-`));
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
