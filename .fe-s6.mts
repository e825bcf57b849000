import { parseCore } from './src/analyze/c/lower.js';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
for (const ver of ['6.12','6.1']) {
const root = execSync(`ls -d ~/.cache/ringside/linux-source-${ver}-*/linux-source-${ver}`).toString().trim();
const files = new Map<string,string>();
for (const f of ['drivers/virtio/virtio.c','drivers/virtio/virtio_ring.c','include/linux/virtio_config.h','include/linux/virtio.h','include/uapi/linux/virtio_ring.h','include/uapi/linux/virtio_config.h']) files.set(f, readFileSync(root+'/'+f,'utf8'));
const prog = await parseCore(files);
console.log(ver, prog.functions.size, prog.problems);
}
