// Bundles the `ringside litmus` stage into one CommonJS file (dist/ringside-litmus.cjs) that the bin loads with a V8 code cache.
/*
 * One file means no ESM loader or module resolution at start-up, and one vm.Script whose compiled code
 * can be cached as a whole (see src/bin/ringside.cts). Run by `npm run build` after tsc; also imported by
 * test/cli to bundle into a temporary directory.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * commander requires node:child_process when it is loaded, for executable subcommands, which ringside has
 * none of; loading it (and the net and stream modules it pulls in) took ~10 ms of a ~300 ms suite run.
 * Inside the bundle, commander gets an object that loads the real module on first use instead.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });\n",
      loader: 'js',
    }));
  },
};

/** Throws on any esbuild warning: one could mean the bundle behaves unlike the tsc build. */
async function buildOne(options) {
  const r = await build({ bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent', ...options });
  if (r.warnings.length) throw new Error(`esbuild warnings:\n${r.warnings.map((w) => w.text).join('\n')}`);
}

/**
 * Writes <distDir>/ringside-litmus.cjs (the litmus stage, its dependencies inlined) and <distDir>/bin/ringside.cjs
 * (the bin; tsc does not compile .cts files under this tsconfig). The bin finds the bundle and cli.js relative to itself.
 */
export async function bundleLitmus(distDir = join(repoRoot, 'dist')) {
  // Not minified: internal-error stack traces stay readable, and the code cache makes parse size moot.
  const bundle = join(distDir, 'ringside-litmus.cjs');
  // import.meta.url (parallel.ts finds its worker module with it) becomes the bundle's own file URL
  await buildOne({
    entryPoints: [join(repoRoot, 'src', 'bin', 'litmus-main.ts')],
    outfile: bundle,
    plugins: [lazyChildProcessForCommander],
    // (the bin sets it before running the bundle; see src/bin/ringside.cts)
    define: { 'import.meta.url': 'globalThis.__ringsideBundleUrl' },
  });
  // The bin keys its code cache on this hash (see cacheName in src/bin/ringside.cts).
  const sha256 = createHash('sha256').update(readFileSync(bundle)).digest('hex');
  await buildOne({
    entryPoints: [join(repoRoot, 'src', 'bin', 'ringside.cts')],
    outfile: join(distDir, 'bin', 'ringside.cjs'),
    define: { RINGSIDE_BUNDLE_SHA256: JSON.stringify(sha256) },
  });
  chmodSync(join(distDir, 'bin', 'ringside.cjs'), 0o755);
  return distDir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = await bundleLitmus(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`bundled ringside litmus into ${out}`);
}
