// Extracts the Debian kernel source packages' virtio core and LKMM files once per test run.
import { ensureKernelSource, KERNEL_VERSIONS } from '../src/analyze/kernel-source.js';

export default async function setup(): Promise<void> {
  for (const v of KERNEL_VERSIONS) await ensureKernelSource(v);
}
