// Benchmark driver: runs every bench/<name>.ts (or those named on the command line) and prints JSON lines.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Bench = (emit: (record: object) => void) => Promise<void>;

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

if (wanted.length && names.length !== wanted.length) {
  console.error(`bench: unknown benchmark in: ${wanted.join(', ')} (have: ${names.join(', ')})`);
  process.exit(2);
}

let failed = false;
for (const name of names) {
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { default?: Bench };
  if (typeof mod.default !== 'function') continue; // helper modules next to the benches
  const started = Date.now();
  try {
    await mod.default((record) => console.log(JSON.stringify({ bench: name, ...record })));
    console.log(JSON.stringify({ bench: name, done: true, wallMs: Date.now() - started }));
  } catch (e) {
    failed = true;
    console.log(JSON.stringify({ bench: name, error: (e as Error).message }));
  }
}
process.exitCode = failed ? 1 : 0;
