#!/usr/bin/env node
// The installed `ringside` bin: runs `ringside litmus` from the CommonJS bundle with a V8 code cache, anything else through cli.js.
/*
 * Why: a whole litmus suite runs in a few hundred milliseconds, so start-up dominates. The bundle
 * (dist/ringside-litmus.cjs, built by scripts/bundle.mjs) skips the ESM loader, and the code cache
 * skips compiling it: the cache is written at the end of a run, so it also holds the functions that
 * run compiled lazily. The cache is an optimization only: any failure to read, accept or write it is
 * ignored and the run compiles from source as usual.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/**
 * SHA-256 of the bundle's bytes, put here by scripts/bundle.mjs when it builds this file next to the bundle
 * (hashing at run time would load node:crypto, which costs more than the rest of this file).
 */
declare const RINGSIDE_BUNDLE_SHA256: string;

const DIST = join(__dirname, '..');
const BUNDLE = join(DIST, 'ringside-litmus.cjs');
/** Must equal V8_FLAGS in src/sim/vm-tuning.ts (a CommonJS file cannot import it; test/cli checks). */
const V8_FLAGS = '--interrupt-budget=1000000';

/** Same rule as cli.ts: the first argument that is not an option names the stage. */
function stageArg(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/** The ringside cache directory (as src/analyze/kernel-source.ts picks it), v8/ below it. */
function cacheDir(): string {
  return join(process.env.RINGSIDE_CACHE ?? join(homedir(), '.cache', 'ringside'), 'v8');
}

/** FNV-1a of a short string, in hex: tells installs apart in cache file names. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The cache file for this bundle: per install (its path), then its build's content hash, size and mtime
 * (a hand-edited bundle gets a new cache even if the hash baked in at build time is stale), and the Node
 * version and CPU. V8 also refuses data made by another V8 version or under other flags.
 */
function cacheName(size: number, mtimeMs: number): { install: string; file: string } {
  const install = `ringside-litmus-${shortHash(BUNDLE)}-`;
  const build = `${RINGSIDE_BUNDLE_SHA256.slice(0, 16)}-${size}-${Math.round(mtimeMs)}-${process.version}-${process.arch}`;
  return { install, file: `${install}${build}.v8` };
}

function tryRead(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Writes the code cache atomically (temp file + rename) and drops this install's older caches; errors ignored. */
function saveCache(dir: string, install: string, file: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${file}.${process.pid}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, file));
    for (const f of readdirSync(dir)) {
      if (f !== file && f.startsWith(install)) unlinkSync(join(dir, f));
    }
  } catch {
    // read-only or missing HOME, full disk, a concurrent clean-up: the next run compiles from source again
  }
}

/** What the bundle (src/bin/litmus-main.ts) exports. */
interface LitmusBundle {
  main(): void;
  testsJudged(): number;
}

/**
 * Evaluates the bundle as a CommonJS module, with the code cache when V8 accepts it, and runs it. Without an
 * accepted cache, one is written at exit if the run judged a test: a run that only printed help or failed on
 * its arguments compiled too little of the engine to be worth caching.
 */
function runBundle(source: string, size: number, mtimeMs: number): void {
  const { install, file } = cacheName(size, mtimeMs);
  let dir: string | undefined;
  try {
    dir = cacheDir();
  } catch {
    // no home directory to be found: run without a cache
  }
  const cached = dir === undefined ? undefined : tryRead(join(dir, file));
  // The wrapper sits on a line of its own, so line numbers in stack traces are the bundle's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: BUNDLE,
    lineOffset: -1,
    ...(cached && cached.length > 0 ? { cachedData: cached } : {}),
  });
  const mod = { exports: {} as LitmusBundle };
  if (dir !== undefined && (!cached || script.cachedDataRejected)) {
    const into = dir;
    process.once('exit', () => {
      try {
        if (mod.exports.testsJudged() > 0) saveCache(into, install, file, script.createCachedData());
      } catch {
        // as above: the cache never changes a run's outcome
      }
    });
  }
  // the bundle's import.meta.url (scripts/bundle.mjs): parallel.ts finds the worker module from it
  (globalThis as { __ringsideBundleUrl?: string }).__ringsideBundleUrl = pathToFileURL(BUNDLE).href;
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(mod.exports, mod.exports, createRequire(BUNDLE), mod, BUNDLE, DIST);
  mod.exports.main();
}

function main(): void {
  if (stageArg(process.argv) === 'litmus') {
    let bundle: { source: string; size: number; mtimeMs: number } | undefined;
    try {
      const st = statSync(BUNDLE);
      const bytes = readFileSync(BUNDLE);
      bundle = { source: bytes.toString('utf8'), size: bytes.length, mtimeMs: st.mtimeMs };
    } catch {
      // no bundle (only tsc was run): the ESM CLI below does the same work, just slower to start
    }
    if (bundle) {
      // Before compiling: V8 rejects a code cache made under other flags, and the bundle sets these again.
      setFlagsFromString(V8_FLAGS);
      runBundle(bundle.source, bundle.size, bundle.mtimeMs);
      return;
    }
  }
  import(pathToFileURL(join(DIST, 'cli.js')).href).catch((e: unknown) => {
    console.error(`ringside: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(70);
  });
}

main();
