// Adapter from scenarios to the C front-end: parse a tree state's core files once, lower calls with env bindings into litmus lines.
import {
  lowerCall,
  parseCore,
  printExpr,
  printLitmusThread,
  type CallModel,
  type CoreProgram,
  type LStmt,
  type LowerOptions,
  walkStmts,
} from '../c/index.js';
import type { EnvSnippet } from '../env/types.js';
import type { LLine, SourceSite } from './litmus-builder.js';
import type { CoreLowerer, FunctionRange, LowerRequest, LoweredCall } from './types.js';

/** C struct types and the object (location prefix) each stands for in every scenario: one device, one vq, one driver. */
export const INSTANCES: Record<string, string> = {
  vring_virtqueue: 'vq',
  virtqueue: 'vq',
  virtio_device: 'dev',
  virtio_driver: 'drv',
  scatterlist: 'sg',
};

/**
 * uapi headers that give struct vring's layout (avail/used/desc fields), vring_need_event() and the
 * ring flag constants. They are not part of a series' analysed files: read from the tree as is.
 */
export const RING_HEADERS = ['include/uapi/linux/virtio_ring.h', 'include/uapi/linux/virtio_config.h'];

/** Reads a file of the base tree (for headers that are parsed but never patched). */
export type HeaderReader = (path: string) => string | undefined;

/** Location names for C field expressions, as the front-end flattens them ('vq->split.vring.used->idx' → 'vq_split_vring_used_idx'). */
export function flattenLoc(expr: string): string {
  return expr
    .replace(/^_?vq->vq\./, 'vq_')
    .replace(/->|\./g, '_')
    .replace(/\[(\d+)\]/g, '_$1')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/_+/g, '_');
}

const ENV_MARK = '__ringside_env_';

function functionAt(prog: CoreProgram, file: string, line: number): FunctionRange | undefined {
  let best: FunctionRange | undefined;
  for (const f of prog.functions.values()) {
    if (f.file !== file || line < f.startLine || line > f.endLine) continue;
    if (!best || f.endLine - f.startLine < best.end - best.start) best = { fn: f.name, file: f.file, start: f.startLine, end: f.endLine };
  }
  return best;
}

export async function makeLowerer(files: Map<string, string>, readHeader?: HeaderReader): Promise<CoreLowerer> {
  // Without the ring headers the ring functions do not lower (the scenarios say so: inconclusive).
  const parsed = new Map(files);
  for (const h of RING_HEADERS) {
    if (parsed.has(h)) continue;
    const text = readHeader?.(h);
    if (text !== undefined) parsed.set(h, text);
  }
  const prog = await parseCore(parsed);
  const lineCache = new Map<string, string[]>();
  const srcLine = (file: string, line: number): string => {
    let ls = lineCache.get(file);
    if (!ls) {
      ls = (parsed.get(file) ?? '').split('\n');
      lineCache.set(file, ls);
    }
    return (ls[line - 1] ?? '').trim();
  };

  const lower = (req: LowerRequest): LoweredCall => {
    const snippets: EnvSnippet[] = [];
    const calls: Record<string, CallModel> = {};
    for (const [key, make] of Object.entries(req.callees)) {
      calls[key] = (ctx) => {
        const ret = ctx.fresh();
        const args = ctx.args.map((a) => (a.expr ? printExpr(a.expr) : a.text));
        const snip = make(args, ret);
        snippets.push(snip);
        const mark: LStmt = { k: 'fence', prim: `${ENV_MARK}${snippets.length - 1}`, src: ctx.site };
        const assigns = snip.lines.some((l) => new RegExp(`^\\s*${ret}\\s*=`).test(l.text));
        return { stmts: [mark], value: assigns ? { k: 'reg', name: ret } : undefined, assumptions: snip.assumptions };
      };
    }
    const fixed: Record<string, number> = {};
    for (const [expr, v] of Object.entries(req.constants)) if (!expr.includes('->config->') && expr !== 'drv') fixed[flattenLoc(expr)] = v;
    const keepPrefixes = req.keepFields?.map(flattenLoc);
    const opts: LowerOptions = {
      // Every symbol the files test is given (off unless the scenario sets it), so the front-end's
      // all-off parse is reused for the hardening-off setting.
      config: { ...Object.fromEntries(prog.configSymbols.map((c) => [c, false])), ...req.config },
      instances: INSTANCES,
      calls,
      fixed,
      unroll: req.unroll ?? 1,
      regPrefix: req.regPrefix,
      params: req.params ? Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, { k: 'const' as const, v }])) : undefined,
      keep: keepPrefixes ? (loc) => keepPrefixes.some((p) => loc === p || loc.startsWith(p + '_')) : undefined,
    };
    const r = lowerCall(prog, req.fn, opts);
    const marked = new Set((req.assumeMarked ?? []).map(flattenLoc));
    const markedHit = new Set<string>();
    walkStmts(r.stmts, (s) => {
      if ((s.k === 'load' || s.k === 'store') && s.prim === 'plain' && marked.has(s.loc)) {
        s.prim = s.k === 'load' ? 'READ_ONCE' : 'WRITE_ONCE';
        s.note = 'plain access taken as marked (assumption)';
        markedHit.add(s.loc);
      }
    });
    const printed = printLitmusThread(r.stmts, '', { declare: false });
    const lines: LLine[] = [];
    const functions: FunctionRange[] = [];
    const locs: LoweredCall['locs'] = {};
    for (const [l, k] of r.locationKinds) locs[l] = k === 'spinlock' ? 'spinlock_t' : 'int';
    const seen = new Set<string>();
    printed.text.split('\n').forEach((text, i) => {
      if (!text.trim()) return;
      const m = new RegExp(`^\\s*${ENV_MARK}(\\d+)\\(\\);`).exec(text);
      if (m) {
        const snip = snippets[Number(m[1])];
        lines.push(...snip.lines);
        Object.assign(locs, snip.locs);
        return;
      }
      const pos = printed.lineMap[i];
      let site: SourceSite | undefined;
      if (pos && pos.file && pos.line) {
        const fr = functionAt(prog, pos.file, pos.line);
        if (fr && !seen.has(fr.fn)) {
          seen.add(fr.fn);
          functions.push(fr);
        }
        site = { origin: 'core', file: pos.file, line: pos.line, fn: fr?.fn ?? req.fn, code: srcLine(pos.file, pos.line) };
      }
      lines.push({ text: text.trim(), site });
    });
    if (req.ret && r.returnValue) lines.push({ text: `${req.ret} = ${printExpr(r.returnValue)};`, site: lines.at(-1)?.site });
    const root = prog.functions.get(req.fn);
    if (root && !seen.has(req.fn)) functions.unshift({ fn: root.name, file: root.file, start: root.startLine, end: root.endLine });
    const init: Record<string, number> = {};
    for (const s of snippets) Object.assign(init, s.init ?? {});
    return {
      lines,
      locs,
      init,
      functions,
      assumptions: [
        ...r.assumptions,
        ...snippets.flatMap((s) => s.assumptions ?? []),
        ...[...markedHit].map((l) => `plain accesses to ${l} are taken as READ_ONCE/WRITE_ONCE here (the data race itself is scenario 4's question)`),
      ],
      unsupported: r.unsupported.map((u) => `${u.construct}${u.file ? ` at ${u.file}:${u.line}` : ''}`),
    };
  };

  return {
    lower,
    loc: flattenLoc,
    locate: (fn) => {
      const f = prog.functions.get(fn);
      return f ? { fn: f.name, file: f.file, start: f.startLine, end: f.endLine } : undefined;
    },
  };
}

const indexCache = new WeakMap<Map<string, string>, Map<string, FunctionRange>>();

/** Every function definition in the files, found from the text: a header at the start of a line, then the matching brace. */
export function functionIndex(files: Map<string, string>): Map<string, FunctionRange> {
  const cached = indexCache.get(files);
  if (cached) return cached;
  const out = new Map<string, FunctionRange>();
  const head = /^[A-Za-z_][^;]*?\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/;
  for (const [file, text] of files) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.startsWith('#') || /;\s*$/.test(line)) continue;
      const m = head.exec(line);
      if (!m || /^(if|while|for|switch|return|sizeof)$/.test(m[1]) || out.has(m[1])) continue;
      let depth = 0;
      let opened = false;
      for (let j = i; j < lines.length && j < i + 400; j++) {
        if (!opened && j > i && /;\s*$/.test(lines[j]) && !lines[j].includes('{')) break;
        for (const ch of lines[j]) {
          if (ch === '{') {
            depth++;
            opened = true;
          } else if (ch === '}') depth--;
        }
        if (opened && depth === 0) {
          out.set(m[1], { fn: m[1], file, start: i + 1, end: j + 1 });
          i = j;
          break;
        }
      }
    }
  }
  indexCache.set(files, out);
  return out;
}

/** A function definition's line range, from the text (no parse needed). */
export function locateByText(files: Map<string, string>, fn: string): FunctionRange | undefined {
  return functionIndex(files).get(fn);
}
