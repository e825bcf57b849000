// The base kernel tree: reads files from a git checkout at the series' base commit, or from plain files.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class TreeError extends Error {}

export interface BaseTree {
  /** Absolute directory given with --tree. */
  root: string;
  /** 'git-commit': files come from `git show <commit>:<path>`; 'files': from the working files. */
  mode: 'git-commit' | 'files';
  /** The commit files are read at (mode 'git-commit'). */
  commit?: string;
  /** Why the working files are used although a base commit was asked for, if so. */
  note?: string;
  /** A file's text at the base, or undefined when the tree does not have it. */
  read(path: string): string | undefined;
  /** One line for the review: where the base files came from. */
  describe(): string;
  /** tools/memory-model directory (always the working files: the model is read from disk). */
  memoryModelDir: string;
}

export interface OpenTreeOptions {
  /** The series' base-commit, when it names one. */
  baseCommit?: string;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function isGitRepo(root: string): boolean {
  try {
    return git(root, ['rev-parse', '--is-inside-work-tree']).trim() === 'true';
  } catch {
    return false;
  }
}

/** The full commit id when the repository has it, else undefined. */
function resolveCommit(root: string, commit: string): string | undefined {
  if (!/^[0-9a-fA-F]{4,40}$/.test(commit)) return undefined;
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

function readWorkingFile(root: string, path: string): string | undefined {
  const full = join(root, path);
  try {
    if (!statSync(full).isFile()) return undefined;
    return readFileSync(full, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Opens `dir` as the base tree. A git checkout is read at `baseCommit` when the repository has that
 * commit; otherwise (no commit named, commit unknown, or not a git repository) the working files are
 * used and `note`/`describe()` say so.
 */
export async function openTree(dir: string, opts: OpenTreeOptions = {}): Promise<BaseTree> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new TreeError(`--tree ${dir}: not a directory`);
  }
  const memoryModelDir = join(root, 'tools', 'memory-model');
  const repo = isGitRepo(root);
  let commit: string | undefined;
  let note: string | undefined;
  if (opts.baseCommit) {
    if (!repo) note = `base-commit ${opts.baseCommit} named by the series, but ${root} is not a git repository: using its files`;
    else {
      commit = resolveCommit(root, opts.baseCommit);
      if (!commit) note = `base-commit ${opts.baseCommit} is not in ${root}: using its working files`;
    }
  }
  if (commit) {
    const at = commit;
    const cache = new Map<string, string | undefined>();
    return {
      root,
      mode: 'git-commit',
      commit: at,
      memoryModelDir,
      read(path: string) {
        if (cache.has(path)) return cache.get(path);
        let text: string | undefined;
        try {
          text = git(root, ['show', `${at}:${path}`]);
        } catch {
          text = undefined;
        }
        cache.set(path, text);
        return text;
      },
      describe: () => `${root} at base commit ${at.slice(0, 12)} (git show)`,
    };
  }
  return {
    root,
    mode: 'files',
    note,
    memoryModelDir,
    read: (path: string) => readWorkingFile(root, path),
    describe: () =>
      `${root} (${repo ? 'working files of a git checkout' : 'extracted source tree'})` + (note ? `; ${note}` : ''),
  };
}
