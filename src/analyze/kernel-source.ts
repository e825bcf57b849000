// Locates Debian's linux-source-X.Y tarball and extracts only the files ringside reads (cached).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const KERNEL_VERSIONS = ['6.12', '6.1'] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/** The parts of the tree that ringside needs: the virtio core and the kernel's own memory model. */
const MEMBERS = [
  '*/drivers/virtio/*',
  '*/include/linux/virtio*',
  '*/include/uapi/linux/virtio*',
  '*/tools/memory-model/*',
];

export class KernelSourceError extends Error {}

function cacheRoot(): string {
  return process.env.RINGSIDE_CACHE ?? join(homedir(), '.cache', 'ringside');
}

/** Path of the tarball Debian's linux-source-X.Y package installs, or undefined. */
export function kernelTarball(version: string): string | undefined {
  const dir = '/usr/src';
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((f) => f.startsWith(`linux-source-${version}.tar`));
  return name ? join(dir, name) : undefined;
}

/**
 * Returns the root of an extracted tree (it has drivers/virtio and tools/memory-model).
 * Extraction goes to a temporary directory renamed into place, so concurrent callers and
 * interrupted runs never see a half-written tree. The cache key includes the tarball's size and
 * mtime, so a package upgrade gets a fresh extraction.
 */
export async function ensureKernelSource(version: string): Promise<string> {
  const tarball = kernelTarball(version);
  if (!tarball) {
    throw new KernelSourceError(
      `linux-source-${version} is not installed (no /usr/src/linux-source-${version}.tar.*); ` +
        `install it with: apt-get install linux-source-${version}`,
    );
  }
  const st = statSync(tarball);
  const key = `linux-source-${version}-${st.size}-${Math.floor(st.mtimeMs)}`;
  const dest = join(cacheRoot(), key);
  const root = join(dest, `linux-source-${version}`);
  if (existsSync(join(root, 'tools', 'memory-model', 'linux-kernel.cat'))) return root;
  mkdirSync(cacheRoot(), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync('tar', ['-xaf', tarball, '-C', tmp, '--wildcards', ...MEMBERS], { stdio: 'pipe' });
    try {
      renameSync(tmp, dest);
    } catch {
      // Another process won the race; its copy is complete because it was renamed whole.
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new KernelSourceError(`extracting ${tarball} failed: ${(e as Error).message}`);
  }
  if (!existsSync(join(root, 'tools', 'memory-model', 'linux-kernel.cat'))) {
    throw new KernelSourceError(`${tarball} has no tools/memory-model/linux-kernel.cat`);
  }
  return root;
}
