// Test helpers for the C front-end: the real virtio-core files of a kernel version, and small series built in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKernelSource } from '../../../src/analyze/kernel-source.js';
import { VIRTIO_CORE_FILES, type Patch, type Series } from '../../../src/ingest/types.js';

export async function coreFiles(version: '6.12' | '6.1'): Promise<Map<string, string>> {
  const root = await ensureKernelSource(version);
  const files = new Map<string, string>();
  for (const f of VIRTIO_CORE_FILES) files.set(f, readFileSync(join(root, f), 'utf8'));
  return files;
}

export function makePatch(n: number, total: number, title: string, diff: string): Patch {
  return {
    messageId: `<p${n}@test>`,
    subject: { tags: ['PATCH', `${n}/${total}`], isPatch: true, isRfc: false, isResend: false, version: 1, counter: n, total, extra: [], title, isReply: false },
    author: 'Test Author <t@example.org>',
    description: title,
    diff,
    files: [],
    trailers: [],
    problems: [],
  };
}

export function makeSeries(patches: { title: string; diff: string }[]): Series {
  return {
    title: 'test series',
    version: 1,
    versionsAvailable: [1],
    total: patches.length,
    isRfc: false,
    patches: patches.map((p, i) => makePatch(i + 1, patches.length, p.title, p.diff)),
    prerequisitePatchIds: [],
    discussion: [],
    problems: [],
    rootMessageId: '<p1@test>',
  };
}

/** uapi headers that give struct vring's layout, vring_need_event() and feature-bit constants. */
export const UAPI_HEADERS = ['include/uapi/linux/virtio_ring.h', 'include/uapi/linux/virtio_config.h'];

export async function coreFilesWithUapi(version: '6.12' | '6.1'): Promise<Map<string, string>> {
  const root = await ensureKernelSource(version);
  const files = await coreFiles(version);
  for (const f of UAPI_HEADERS) files.set(f, readFileSync(join(root, f), 'utf8'));
  return files;
}
