// `ringside series` end to end (in-process, and as a child process for stdin): output, --json, exit codes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Series } from '../../src/ingest/types.js';
import { Command } from 'commander';
import { seriesCommand } from '../../src/ingest/command.js';
import { fixture, ROOT } from './helpers.js';

/** In a child process, as a user runs it (used for stdin and the no-stack-trace check). */
function spawnRun(args: string[], input?: Buffer): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/ingest/series-cli.ts'), 'series', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** In this process, with stdout/stderr captured: the same command code, without a process start each time. */
async function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => ((out += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((err += String(c)), true)) as typeof process.stderr.write;
  const saved = process.exitCode;
  process.exitCode = undefined;
  let code: number | null = null;
  try {
    const program = new Command().name('ringside').exitOverride();
    program.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
    seriesCommand(program);
    try {
      await program.parseAsync(['node', 'ringside', 'series', ...args]);
      code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    } catch (e) {
      code = (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
    }
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = saved;
  }
  return { code, out, err };
}

describe('ringside series', () => {
  it('prints version, cover, patches with analysed / not analysed files, trailers and base-commit', async () => {
    const r = await run([fixture('series-v1-v2.mbox')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('version v2 (versions in input: v1, v2)');
    expect(r.out).toContain('Cover letter <20210607100000.2000-1-ana@example.org>');
    expect(r.out).toMatch(/analysed {6}drivers\/virtio\/virtio_ring\.c {2}\+3 -1/);
    expect(r.out).toMatch(/not analysed {2}drivers\/net\/virtio_net\.c {2}\+1 -0/);
    expect(r.out).toContain('Tested-by: Tess Ter <tess@example.net>  (reply <tess-1@example.net>)');
    expect(r.out).toContain('base-commit 8124c8a6b35386f73523d27eacb71b5364a68c4c');
    expect(r.out).toContain('Problems: none');
  });

  it('--json prints the Series; stdin gives the same result as the file', async () => {
    const file = await run([fixture('series-v1-v2.mbox'), '--json']);
    expect(file.code).toBe(0);
    const s = JSON.parse(file.out) as Series;
    expect(s.version).toBe(2);
    expect(s.patches[1]!.files.find((f) => f.analysed)!.hunks[0]!.lines.length).toBeGreaterThan(0);
    const stdin = spawnRun(['-', '--json'], fs.readFileSync(fixture('series-v1-v2.mbox')));
    expect(stdin.code).toBe(0);
    expect(JSON.parse(stdin.out)).toEqual(s);
  });

  it('--version and --series pick another version or series', async () => {
    const r = await run([fixture('series-v1-v2.mbox'), '--version', '1', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as Series).version).toBe(1);
  });

  it('exits 1 when a problem was reported or a message skipped', async () => {
    const r = await run([fixture('bad-input.mbox')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('corrupt-diff:');
    expect(r.out).toMatch(/bad-message: .*#5: not a mail message/);
  });

  it('exits 2 with one line and no stack trace for unreadable input and bad flags', async () => {
    for (const args of [[fixture('not-an-mbox.txt')], ['/nonexistent.mbox'], [fixture('series-v1-v2.mbox'), '--version', 'two'], [fixture('series-v1-v2.mbox'), '--version', '9']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
      expect(r.err).toMatch(/^ringside series: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    // And as a real process.
    const p = spawnRun([fixture('not-an-mbox.txt')]);
    expect([p.code, p.err.trim().split('\n').length]).toEqual([2, 1]);
  });

  it('--list lists every series; --help teaches with examples', async () => {
    const l = await run([fixture('bad-input.mbox'), '--list']);
    expect(l.out).toMatch(/6 messages, 3 series:/);
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('Examples:');
    expect(h.out).toContain('--series <sel>');
    expect(h.out).toContain('Exit status:');
  });
});
