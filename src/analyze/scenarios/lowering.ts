// Adapter from scenarios to the C front-end: parse a tree state's core files once, lower calls with env bindings into litmus lines.
import type { LLine } from './litmus-builder.js';
import type { CoreLowerer, FunctionRange, LowerRequest, LoweredCall } from './types.js';

/** The front-end's entry points, loaded lazily so the scenario code compiles while it is being written. */
interface FrontEnd {
  parseCore(files: Map<string, string>): unknown;
  lowerCall(prog: unknown, fn: string, opts: unknown): unknown;
}

let frontEnd: Promise<FrontEnd | undefined> | undefined;

function loadFrontEnd(): Promise<FrontEnd | undefined> {
  frontEnd ??= (async () => {
    try {
      const spec = '../c/index.js';
      const m = (await import(spec)) as Partial<FrontEnd>;
      return m.parseCore && m.lowerCall ? (m as FrontEnd) : undefined;
    } catch {
      return undefined;
    }
  })();
  return frontEnd;
}

/** Location names for C field expressions: the front-end's flattening (struct path joined by '_'). */
export function flattenLoc(expr: string): string {
  return expr
    .replace(/^_?vq->vq\./, 'vq_')
    .replace(/->|\./g, '_')
    .replace(/\[(\d+)\]/g, '_$1')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/_+/g, '_');
}

export async function makeLowerer(files: Map<string, string>): Promise<CoreLowerer> {
  const fe = await loadFrontEnd();
  if (!fe) {
    const missing = 'the C front-end (src/analyze/c: parseCore/lowerCall) is not available';
    return {
      lower: (req: LowerRequest): LoweredCall => ({ lines: [], locs: {}, init: {}, functions: [], assumptions: [], unsupported: [`${req.fn}: ${missing}`] }),
      loc: flattenLoc,
      locate: (fn) => locateByText(files, fn),
    };
  }
  const prog = fe.parseCore(files);
  return {
    lower: (req) => adaptLowered(fe.lowerCall(prog, req.fn, req), req),
    loc: flattenLoc,
    locate: (fn) => locateByText(files, fn),
  };
}

function adaptLowered(out: unknown, req: LowerRequest): LoweredCall {
  const o = out as Partial<LoweredCall> & { lines?: LLine[] };
  return {
    lines: o.lines ?? [],
    locs: o.locs ?? {},
    init: o.init ?? {},
    functions: o.functions ?? [],
    assumptions: o.assumptions ?? [],
    unsupported: o.unsupported ?? (o.lines ? [] : [`${req.fn}: front-end returned nothing`]),
  };
}

/** A function definition's line range, found by its header at the start of a line (fallback when the front-end has no index). */
export function locateByText(files: Map<string, string>, fn: string): FunctionRange | undefined {
  const head = new RegExp(`^[A-Za-z_].*\\b${fn.replace(/[$]/g, '\\$&')}\\s*\\(`);
  for (const [file, text] of files) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!head.test(lines[i]) || lines[i].trimEnd().endsWith(';')) continue;
      // Find the opening brace (header may span lines) and its match.
      let depth = 0;
      let opened = false;
      for (let j = i; j < lines.length; j++) {
        if (!opened && lines[j].trimEnd().endsWith(';') && !lines[j].includes('{')) break;
        for (const ch of lines[j]) {
          if (ch === '{') {
            depth++;
            opened = true;
          } else if (ch === '}') depth--;
        }
        if (opened && depth === 0) return { fn, file, start: i + 1, end: j + 1 };
      }
    }
  }
  return undefined;
}
