// Base tree: extracted source trees, git checkouts read at a base commit, and the fallback to working files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { openTree, TreeError } from '../../../src/analyze/tree.js';

const tmp = mkdtempSync(join(tmpdir(), 'ringside-tree-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@e', ...args], { encoding: 'utf8' });
}

describe('openTree', () => {
  it('reads an extracted source tree and names its memory-model directory', async () => {
    const root = await ensureKernelSource('6.12');
    const tree = await openTree(root);
    expect(tree.mode).toBe('files');
    expect(tree.read('drivers/virtio/virtio.c')).toContain('virtio_dev_probe');
    expect(tree.read('drivers/virtio/no_such_file.c')).toBeUndefined();
    expect(tree.memoryModelDir).toBe(join(root, 'tools', 'memory-model'));
    expect(tree.describe()).toContain('extracted source tree');
  });

  it('reads a git checkout at the base commit, not the working copy', async () => {
    const dir = join(tmp, 'repo');
    mkdirSync(join(dir, 'drivers', 'virtio'), { recursive: true });
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'drivers/virtio/virtio.c'), 'int at_base;\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(dir, 'drivers/virtio/virtio.c'), 'int later;\n');
    git(dir, 'commit', '-q', '-am', 'later');

    const atBase = await openTree(dir, { baseCommit: base.slice(0, 12) });
    expect(atBase.mode).toBe('git-commit');
    expect(atBase.commit).toBe(base);
    expect(atBase.read('drivers/virtio/virtio.c')).toBe('int at_base;\n');
    expect(atBase.read('include/linux/virtio.h')).toBeUndefined();
    expect(atBase.describe()).toContain(base.slice(0, 12));

    const unknown = await openTree(dir, { baseCommit: 'deadbeefdeadbeef' });
    expect(unknown.mode).toBe('files');
    expect(unknown.note).toContain('deadbeefdeadbeef');
    expect(unknown.read('drivers/virtio/virtio.c')).toBe('int later;\n');
    expect(unknown.describe()).toContain('not in');

    const noCommit = await openTree(dir);
    expect(noCommit.mode).toBe('files');
    expect(noCommit.describe()).toContain('working files of a git checkout');
  });

  it('says so when a base commit is named for a tree that is not a git repository', async () => {
    const dir = join(tmp, 'plain');
    mkdirSync(dir, { recursive: true });
    const tree = await openTree(dir, { baseCommit: 'abcdef012345' });
    expect(tree.mode).toBe('files');
    expect(tree.note).toMatch(/not a git repository/);
  });

  it('rejects a path that is not a directory with a one-line error', async () => {
    await expect(openTree(join(tmp, 'missing'))).rejects.toThrow(TreeError);
    await expect(openTree(join(tmp, 'missing'))).rejects.toThrow(/not a directory/);
  });
});
