// Regenerates the bundled example series from the installed linux-source-6.12 (run: npx tsx examples/generate.ts).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VIRTIO_CORE_FILES } from '../src/ingest/types.js';
import { ensureKernelSource } from '../src/analyze/kernel-source.js';
import { loadCore, seriesMbox } from '../test/analyze/scenarios/patchgen.js';
import { seedSeries } from '../test/analyze/scenarios/seed.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = await ensureKernelSource('6.12');
const base = loadCore(root, [...VIRTIO_CORE_FILES]);
const v1 = seriesMbox(base, seedSeries(1));
const v2 = seriesMbox(base, seedSeries(2));
writeFileSync(join(here, 'irq-hardening-v1.mbox'), v1);
writeFileSync(join(here, 'irq-hardening-v2.mbox'), v2);
writeFileSync(join(here, 'irq-hardening.mbox'), v1 + '\n' + v2);
console.log('wrote examples/irq-hardening-v1.mbox, irq-hardening-v2.mbox, irq-hardening.mbox');
