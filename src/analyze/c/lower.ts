// Lowers a virtio-core C function (callees inlined, structs flattened, loops bounded) to litmus-C statements.
import { cParser, kids, lineOf, parseC, type SyntaxNode } from './parser.js';
import { collectSymbols, emptySymbols, typeOf, type CFunction, type CFunctionDef, type CMacro, type CType, type SymbolTable } from './functions.js';
import {
  CONDITION_CALLS,
  CONTAINER_OF_MACROS,
  ITERATOR_MACROS,
  KNOWN_CONSTANTS,
  NO_EFFECT_CALLS,
  TRANSPARENT_CALLS,
  VALUE_CALLS,
  ALLOC_CALLS,
  prepare,
  type ConfigMap,
} from './kernelisms.js';
import { API_MAP, DEF_PRIMITIVES, lowerApi } from './primitives.js';
import { C, exprEquals, exprRegs, stmtLocations, stmtRegisters, type LExpr, type LStmt, type LocationKind, type SrcPos } from './lstmt.js';
import type { Parser } from 'web-tree-sitter';

export { printLitmusThread, printExpr } from './print.js';
export * from './lstmt.js';
export type { CFunction } from './functions.js';

// ---- the program -------------------------------------------------------------------------------

/** The parsed virtio core (base or patched). Parses per config setting lazily; `functions` is the union. */
export interface CoreProgram {
  files: Map<string, string>;
  /** Every function found under any setting of the CONFIG_ symbols the files test. */
  functions: Map<string, CFunction>;
  /** CONFIG_ symbols tested by #if lines in the files. */
  configSymbols: string[];
  problems: string[];
  /** Internal: the symbol table for one config (cached). */
  view(config: ConfigMap): SymbolTable;
  /** Internal: parses a C snippet (a macro expansion) with the same grammar. */
  parseSnippet(text: string): SyntaxNode;
}

function configKey(c: ConfigMap): string {
  return Object.keys(c)
    .sort()
    .map((k) => `${k}=${c[k] ? 1 : 0}`)
    .join(',');
}

function buildView(parser: Parser, files: Map<string, string>, config: ConfigMap): SymbolTable {
  const syms = emptySymbols();
  for (const [path, text] of files) {
    const pre = prepare(text, config, path);
    syms.problems.push(...pre.problems);
    const tree = parseC(parser, pre.text);
    collectSymbols(tree.rootNode, path, syms);
  }
  return syms;
}

/**
 * Parses the virtio-core files (and any extra headers given, for constants and struct layouts).
 * Nothing here fails on bad C: unreadable parts are listed in `problems`.
 */
export async function parseCore(files: Map<string, string>): Promise<CoreProgram> {
  const parser = await cParser();
  const symbols = new Set<string>();
  for (const text of files.values()) {
    for (const line of text.split('\n')) {
      if (/^\s*#\s*(if|ifdef|ifndef|elif)\b/.test(line)) for (const m of line.matchAll(/\bCONFIG_[A-Za-z0-9_]+/g)) symbols.add(m[0]);
    }
  }
  const configSymbols = [...symbols].sort();
  const cache = new Map<string, SymbolTable>();
  const view = (config: ConfigMap): SymbolTable => {
    const key = configKey(config);
    let v = cache.get(key);
    if (!v) {
      v = buildView(parser, files, config);
      cache.set(key, v);
    }
    return v;
  };
  // Union over "all on" and "all off" so that a function only present under one setting is listed.
  const on = view(Object.fromEntries(configSymbols.map((s) => [s, true])));
  const off = view(Object.fromEntries(configSymbols.map((s) => [s, false])));
  const functions = new Map<string, CFunction>();
  for (const t of [on, off]) {
    for (const [k, f] of t.functions) {
      if (!functions.has(k)) {
        const { body: _body, ...pub } = f;
        functions.set(k, pub);
      }
    }
  }
  const problems = [...new Set([...on.problems, ...off.problems])];
  const parseSnippet = (text: string): SyntaxNode => parseC(parser, text).rootNode;
  return { files, functions, configSymbols, problems, view, parseSnippet };
}

// ---- lowering options and result ---------------------------------------------------------------

/** A lowered argument as a CallModel sees it. */
export interface CallArg {
  /** The C text of the argument. */
  text: string;
  /** Its value, when it is a scalar. */
  expr?: LExpr;
  /** The object (instance name) it points to, when it is a struct pointer. */
  object?: string;
  /** The shared location it points to (`&vq->broken`, `&dev->config_lock`). */
  location?: string;
}

export interface CallModelContext {
  /** The key the model was found under ("virtio_config_ops.set_status", "synchronize_irq"). */
  name: string;
  args: CallArg[];
  site: SrcPos;
  /** A fresh register name (unique within this lowering). */
  fresh(): string;
}

export interface CallModelResult {
  stmts: LStmt[];
  /** The call's value, if the C uses it. */
  value?: LExpr;
  assumptions?: string[];
}

/** An environment/transport/driver model for a call the C makes. */
export type CallModel = (ctx: CallModelContext) => CallModelResult;

export interface LowerOptions {
  config: ConfigMap;
  /** C struct type → object name; `vq->broken` with vq a vring_virtqueue → location `vq_broken`. */
  instances: Record<string, string>;
  /** Slicing: accesses to other locations are dropped (reads give 0) and listed in assumptions. */
  keep?: (loc: string) => boolean;
  /**
   * Models for calls, keyed by function name ("synchronize_irq") or, for calls through a function
   * pointer field, "struct.field" ("virtio_config_ops.set_status", "virtqueue.callback") or the bare
   * field name. A model overrides inlining and the built-in mappings. A function pointer without a
   * model reads as NULL in a test (`if (dev->config->enable_cbs)`) and is unsupported when called.
   */
  calls: Record<string, CallModel>;
  /** Values bound to the function's scalar parameters (struct pointers bind to their instance). */
  params?: Record<string, LExpr | { object: string }>;
  /**
   * Shared locations whose value is fixed for the scenario (set up before, never written during it):
   * reads give the constant and emit no event, so branches on them fold (`vq_packed_ring: 0`).
   */
  fixed?: Record<string, number>;
  /** Loop bound (unrolling); stated in the assumptions. */
  unroll: number;
  /** Prefix of every register this lowering creates, to keep call sites apart. */
  regPrefix: string;
  /** Inlining depth bound (default 12). */
  maxDepth?: number;
  /** Statement budget (default 4000): beyond it the lowering stops and reports unsupported. */
  maxStmts?: number;
  /** Location of the irq descriptor lock used by the irq API mappings (default "irq_desc_lock"). */
  irqDescLock?: string;
  /**
   * Use-after-free checks: for each object named here, every access to one of its locations is
   * preceded by a ghost `rG = READ_ONCE(*<obj>_freed)` (kfree writes 1 there), listed in
   * `freedChecks` so the scenario's condition can ask whether any reads 1.
   */
  checkFreed?: string[];
}

/** A ghost read of an object's freed flag before an access to it. */
export interface FreedCheck {
  reg: string;
  object: string;
  /** The access it guards. */
  loc: string;
  src?: SrcPos;
}

export interface Unsupported {
  construct: string;
  file: string;
  line: number;
}

export interface Lowered {
  stmts: LStmt[];
  returnValue?: LExpr;
  locations: Set<string>;
  locationKinds: Map<string, LocationKind>;
  registers: string[];
  assumptions: string[];
  /** Non-empty: the scenario must report inconclusive with these reasons. */
  unsupported: Unsupported[];
  /** Ghost reads placed by LowerOptions.checkFreed. */
  freedChecks: FreedCheck[];
}

// ---- abstract values ---------------------------------------------------------------------------

/** What an expression denotes for the lowering. Objects and pointers to objects are the same thing. */
type AVal =
  | { k: 'val'; e: LExpr }
  | { k: 'obj'; path: string; type?: string }
  | { k: 'locptr'; loc: string }
  | { k: 'fn'; name: string }
  | { k: 'fnptr'; keys: string[]; text: string }
  /** `&local` of a scalar local: writes through it (out-parameters) update the owner's environment. */
  | { k: 'ref'; env: Env; name: string; reg?: string }
  | { k: 'unknown'; why: string };

/** A shared place: a scalar field (or global) that reads and writes go to. */
interface Place {
  loc: string;
  type?: CType;
  /** Set when the place holds a struct or a pointer to one: then it denotes that object. */
  obj?: { path: string; type?: string };
  fnKeys?: string[];
}

type Env = Map<string, AVal>;
/** A local variable; `ref` when it is reached through a pointer from another function (`*addr = …`). */
type LocalPlace = { local: string; ref?: Extract<AVal, { k: 'ref' }> };
type K = (env: Env, out: LStmt[]) => void;

interface FnFrame {
  def: CFunctionDef;
  ret: (env: Env, out: LStmt[], v: AVal | undefined, at?: SrcPos) => void;
  brk?: K;
  cont?: K;
  /** Top-level statements of the body and label positions, for forward goto. */
  top: SyntaxNode[];
  labels: Map<string, number>;
  exit: K;
}

class StopLowering extends Error {}

/** uapi virtio_ring.h: vring_used_event(vr) is the avail ring's last slot, vring_avail_event(vr) the used ring's. */
const VRING_EVENT_MACROS: Record<string, string> = {
  vring_used_event: 'used_event',
  vring_avail_event: 'avail_event',
};

/** Prefix of the marker register a sliced-away read yields. */
const HAVOC = '__sliced__';

const LEAVING = new Set(['return_statement', 'break_statement', 'continue_statement', 'goto_statement']);

function mayLeave(n: SyntaxNode | null): boolean {
  if (!n) return false;
  if (LEAVING.has(n.type)) return true;
  // A nested loop's break/continue stays inside it, but return/goto do not.
  const loop = ['for_statement', 'while_statement', 'do_statement', 'switch_statement'].includes(n.type);
  for (const c of kids(n)) {
    if (loop && (c.type === 'break_statement' || c.type === 'continue_statement')) continue;
    if (loop) {
      if (hasReturnOrGoto(c)) return true;
    } else if (mayLeave(c)) return true;
  }
  return false;
}

function hasReturnOrGoto(n: SyntaxNode): boolean {
  if (n.type === 'return_statement' || n.type === 'goto_statement') return true;
  return kids(n).some(hasReturnOrGoto);
}

class Lowerer {
  readonly syms: SymbolTable;
  readonly stmtsBudget: number;
  emitted = 0;
  regN = 0;
  readonly assumptions: string[] = [];
  readonly seenAssumption = new Set<string>();
  readonly unsupported: Unsupported[] = [];
  readonly freedChecks: FreedCheck[] = [];
  readonly stack: string[] = [];
  /** data_race() nesting: accesses inside are marked ONCE and flagged racy. */
  racy = 0;
  file = '';
  /** Declared scalar types of locals ("depth:name" → type text), for truncation to narrow types. */
  readonly localTypes = new Map<string, string>();

  constructor(
    readonly prog: CoreProgram,
    readonly opts: LowerOptions,
    /** Locations kept despite `keep` because kept statements use what was read from them. */
    readonly forced: Set<string> = new Set(),
  ) {
    this.syms = prog.view(opts.config);
    this.stmtsBudget = opts.maxStmts ?? 4000;
  }

  assume(text: string): void {
    if (!this.seenAssumption.has(text)) {
      this.seenAssumption.add(text);
      this.assumptions.push(text);
    }
  }

  unsup(construct: string, n: SyntaxNode | undefined): AVal {
    const line = n ? this.lineAt(n) : 0;
    if (!this.unsupported.some((u) => u.construct === construct && u.file === this.file && u.line === line)) {
      this.unsupported.push({ construct, file: this.file, line });
    }
    return { k: 'unknown', why: construct };
  }

  site(n: SyntaxNode): SrcPos {
    return { file: this.file, line: this.lineAt(n) };
  }

  /** While a macro expansion is lowered, its statements belong to the line of the macro call. */
  lineOverride: number | undefined;
  macroDepth = 0;

  lineAt(n: SyntaxNode): number {
    return this.lineOverride ?? lineOf(n);
  }

  /**
   * Expands a function-like macro of the files (BAD_RING, …) by substituting the argument texts and
   * lowers the result in place; an expression macro gives its value.
   */
  expandMacro(m: CMacro, n: SyntaxNode, args: SyntaxNode[], env: Env, out: LStmt[]): AVal {
    if (this.macroDepth >= 4) return this.unsup(`macro ${m.name} expands too deeply`, n);
    let params = m.params ?? [];
    const variadic = params.at(-1) === '...' || /\.\.\.$/.test(params.at(-1) ?? '');
    // GNU `args...` reads as the parameters `args` and `...`: then `args` names the variable part.
    if (params.at(-1) === '...' && params.length > 1 && !m.body.includes('__VA_ARGS__')) params = params.slice(0, -1);
    const names = params.map((p) => (p === '...' ? '__VA_ARGS__' : p.replace(/\.\.\.$/, '')));
    const fixedN = variadic ? names.length - 1 : names.length;
    const argText = args.map((a) => a.text);
    let body = m.body.replace(/\\\n/g, ' ');
    if (variadic) {
      const rest = argText.slice(fixedN).join(', ');
      const vname = names[names.length - 1];
      body = body.replace(new RegExp(`,\\s*##\\s*${vname}\\b`, 'g'), rest ? `, ${rest}` : '');
      body = body.replace(new RegExp(`\\b${vname}\\b`, 'g'), rest);
    }
    // Substitute all parameters at once so an argument's text is never substituted again.
    const fixed = names.slice(0, fixedN);
    if (fixed.length) {
      body = body.replace(new RegExp(`\\b(${fixed.join('|')})\\b`, 'g'), (w) => `(${argText[fixed.indexOf(w)] ?? '0'})`);
    }
    const root = this.prog.parseSnippet(`void __ringside_macro__(void)\n{\n${body};\n}\n`);
    const fnBody = kids(root).find((c) => c.type === 'function_definition')?.childForFieldName('body');
    if (!fnBody || root.hasError) return this.unsup(`macro ${m.name} does not expand to C the front-end reads`, n);
    const stmts = kids(fnBody);
    const saved = this.lineOverride;
    this.lineOverride = this.lineAt(n);
    this.macroDepth++;
    this.assume(`macro ${m.name}() expanded from its definition at ${m.file}:${m.line}`);
    try {
      if (stmts.length === 1 && stmts[0].type === 'expression_statement' && kids(stmts[0])[0]) return this.value(kids(stmts[0])[0], env, out);
      const frame: FnFrame = {
        def: { name: m.name } as CFunctionDef,
        ret: () => void this.unsup(`return inside macro ${m.name}`, n),
        top: stmts,
        labels: new Map(),
        exit: () => {},
      };
      this.list(stmts, 0, env, out, () => {}, frame);
      return { k: 'val', e: C(0) };
    } finally {
      this.macroDepth--;
      this.lineOverride = saved;
    }
  }

  fresh(): string {
    return `${this.opts.regPrefix}${this.regN++}`;
  }

  emit(out: LStmt[], s: LStmt): void {
    if (++this.emitted > this.stmtsBudget) {
      this.unsupported.push({ construct: `more than ${this.stmtsBudget} statements (raise maxStmts or slice with keep)`, file: this.file, line: s.src?.line ?? 0 });
      throw new StopLowering();
    }
    const loc = s.k === 'load' || s.k === 'store' || s.k === 'rmw' || s.k === 'lock' ? s.loc : undefined;
    const obj = loc && this.opts.checkFreed?.find((o) => loc.startsWith(`${o}_`) && loc !== `${o}_freed`);
    if (obj) {
      const reg = this.fresh();
      out.push({ k: 'load', reg, prim: 'READ_ONCE', loc: `${obj}_freed`, src: s.src, note: `ghost: is ${obj} freed before this access to ${loc}?` });
      this.freedChecks.push({ reg, object: obj, loc: loc!, src: s.src });
      this.assume(
        `use-after-free check on ${obj}: a ghost READ_ONCE of ${obj}_freed precedes each access to it (kfree writes 1); each ghost read sits right before its access, so fences order it as they would a read at that point`,
      );
    }
    out.push(s);
  }

  instanceOf(type: string | undefined): string | undefined {
    return type ? this.opts.instances[type] : undefined;
  }

  /** An object value for a struct type reached through `path`, renamed to its instance when it has one. */
  objOf(type: string | undefined, path: string): AVal {
    return { k: 'obj', path: this.instanceOf(type) ?? path, type };
  }

  kept(loc: string, what: string, n: SyntaxNode): boolean {
    if (!this.opts.keep || this.opts.keep(loc) || this.forced.has(loc)) return true;
    this.assume(`sliced: ${what} of ${loc} at ${this.file}:${this.lineAt(n)} dropped (not observed by the scenario)`);
    return false;
  }

  // ---- places and values -----------------------------------------------------------------------

  /** Resolves an lvalue expression to a shared place, or to an object / local. */
  place(n: SyntaxNode, env: Env, out: LStmt[]): Place | LocalPlace | AVal {
    switch (n.type) {
      case 'parenthesized_expression':
        return this.place(kids(n)[0], env, out);
      case 'identifier': {
        const name = n.text;
        if (env.has(name)) return { local: name };
        if (this.constant(name) !== undefined) return { k: 'val', e: C(this.constant(name)!) };
        if (this.syms.functions.has(name)) return { k: 'fn', name };
        // A file-scope variable: a shared location of its own name.
        return { loc: name };
      }
      case 'field_expression': {
        const base = this.baseObject(n.childForFieldName('argument')!, env, out);
        const field = n.childForFieldName('field')!.text;
        if (base.k !== 'obj') return this.unsup(`field access ${n.text} on a value that is not a known object`, n);
        const st = base.type ? this.syms.structs.get(base.type) : undefined;
        const f0 = st?.fields.get(field);
        const path = `${base.path}_${field}`;
        // A field typed by a typedef of a struct (vring_avail_t *avail) is a struct field.
        const td = f0 && !f0.type.struct ? this.syms.typedefs.get(f0.type.text.replace(/^(const|volatile)\s+/, '')) : undefined;
        const f = td && f0 ? { ...f0, type: { ...f0.type, struct: td } } : f0;
        if (!f) return { loc: path, obj: { path, type: undefined } };
        if (f.type.fn) return { loc: path, type: f.type, fnKeys: [`${base.type}.${field}`, field] };
        if (f.type.struct && !f.type.array && f.type.ptr <= 1) {
          const o = this.objOf(f.type.struct, path) as { path: string; type?: string };
          return { loc: path, type: f.type, obj: { path: o.path, type: f.type.struct } };
        }
        return { loc: path, type: f.type };
      }
      case 'subscript_expression': {
        let arr = this.place(n.childForFieldName('argument')!, env, out);
        const idx = this.value(n.childForFieldName('index')!, env, out);
        // The element is a struct (or a pointer to one) when the array's type says so.
        let elem: string | undefined;
        if ('local' in arr) {
          const lv = env.get(arr.local);
          if (lv?.k === 'obj') {
            elem = lv.type;
            arr = { loc: lv.path };
          }
        } else if ('k' in arr && arr.k === 'obj') {
          elem = arr.type;
          arr = { loc: arr.path };
        } else if ('k' in arr && arr.k === 'locptr') {
          arr = { loc: arr.loc };
        } else if (!('k' in arr) && 'loc' in arr) {
          elem = arr.obj?.type ?? arr.type?.struct;
        }
        if (!('loc' in arr)) return this.unsup(`subscript ${n.text}`, n);
        const et: CType | undefined = elem ? { text: `struct ${elem}`, struct: elem, ptr: 0, array: false, fn: false } : undefined;
        if (idx.k === 'val' && idx.e.k === 'const') {
          const path = `${arr.loc}_${idx.e.v}`;
          return { loc: path, type: et, obj: { path, type: elem } };
        }
        this.assume(`${arr.loc}[…] at ${this.file}:${this.lineAt(n)}: all elements are one location (index not tracked)`);
        return { loc: arr.loc, type: et, obj: { path: arr.loc, type: elem } };
      }
      case 'call_expression': {
        // uapi virtio_ring.h's event-index macros name a ring slot: give each ring's slot its own location.
        const fn = n.childForFieldName('function');
        const ev = fn?.type === 'identifier' ? VRING_EVENT_MACROS[fn.text] : undefined;
        if (ev) {
          const a = this.args(n)[0];
          const vr = a ? this.baseObject(a, env, out) : undefined;
          if (vr?.k !== 'obj') return this.unsup(`${n.text}: ring not resolved`, n);
          return { loc: `${vr.path}_${ev}`, type: { text: '__virtio16', ptr: 0, array: false, fn: false } };
        }
        return this.value(n, env, out);
      }
      case 'pointer_expression': {
        const op = n.child(0)?.text;
        const arg = n.childForFieldName('argument')!;
        if (op === '*') {
          const v = this.value(arg, env, out);
          if (v.k === 'ref') return { local: v.name, ref: v };
          if (v.k === 'locptr') return { loc: v.loc };
          if (v.k === 'obj') return { loc: v.path, obj: { path: v.path, type: v.type } };
          return this.unsup(`dereference of ${arg.text}`, n);
        }
        return this.value(n, env, out);
      }
      default:
        return this.value(n, env, out);
    }
  }

  lget(p: LocalPlace, env: Env): AVal | undefined {
    return (p.ref?.env ?? env).get(p.local);
  }

  /** The object an expression designates when it is the base of `->`/`.`: pointer fields are not loaded. */
  baseObject(n: SyntaxNode, env: Env, out: LStmt[]): AVal {
    if (n.type === 'parenthesized_expression') return this.baseObject(kids(n)[0], env, out);
    if (n.type === 'field_expression' || n.type === 'subscript_expression' || (n.type === 'pointer_expression' && n.child(0)?.text === '*')) {
      const p = this.place(n, env, out);
      if ('local' in p) return this.lget(p, env) ?? this.unsup(`local ${n.text}`, n);
      if ('k' in p) return p;
      if (p.obj) return { k: 'obj', path: p.obj.path, type: p.obj.type };
      return { k: 'obj', path: p.loc };
    }
    return this.value(n, env, out);
  }

  constant(name: string, depth = 0): number | undefined {
    const c = this.syms.constants.get(name) ?? KNOWN_CONSTANTS[name];
    if (c !== undefined || depth > 4) return c;
    // `#define VIRTIO_F_IOMMU_PLATFORM VIRTIO_F_ACCESS_PLATFORM`: follow an alias.
    const m = this.syms.macros.get(name);
    if (m && !m.params && /^[A-Za-z_][A-Za-z0-9_]*$/.test(m.body)) return this.constant(m.body, depth + 1);
    return undefined;
  }

  /** An identifier that names no local, constant, function or file-scope variable we know. */
  unknownIdentifier(name: string, n: SyntaxNode, out: LStmt[]): AVal {
    if (/^[A-Z][A-Z0-9_]*$/.test(name)) {
      // An enum constant or macro from a header outside the files given (DMA_TO_DEVICE).
      this.assume(`constant ${name} is defined outside the files given: taken as 0`);
      return { k: 'val', e: C(0) };
    }
    // A file-scope variable (or one from another file): a shared location of its own name.
    return this.readPlace({ loc: name }, n, out);
  }

  load(p: Place, prim: string, out: LStmt[], n: SyntaxNode): LExpr {
    const fixed = this.opts.fixed?.[p.loc];
    if (fixed !== undefined) {
      this.assume(`${p.loc} is fixed at ${fixed} during the scenario (reads at ${this.file}:${this.lineAt(n)} fold)`);
      return C(fixed);
    }
    // A dropped read yields a marker register; if it reaches a kept statement, lowerCall keeps the read.
    if (!this.kept(p.loc, 'read', n)) return { k: 'reg', name: `${HAVOC}${p.loc}` };
    const reg = this.fresh();
    const racy = this.racy > 0;
    const usePrim = racy && prim === 'plain' ? 'READ_ONCE' : prim;
    this.emit(out, { k: 'load', reg, prim: usePrim, loc: p.loc, src: this.site(n), ...(racy ? { racy: true, note: 'data_race()' } : {}) });
    return { k: 'reg', name: reg };
  }

  store(p: Place, prim: string, v: LExpr, out: LStmt[], n: SyntaxNode): void {
    if (this.opts.fixed?.[p.loc] !== undefined) {
      this.assume(`write to fixed location ${p.loc} at ${this.file}:${this.lineAt(n)} ignored`);
      return;
    }
    if (!this.kept(p.loc, 'write', n)) return;
    const racy = this.racy > 0;
    const usePrim = racy && prim === 'plain' ? 'WRITE_ONCE' : prim;
    this.emit(out, { k: 'store', prim: usePrim, loc: p.loc, value: v, src: this.site(n), ...(racy ? { racy: true, note: 'data_race()' } : {}) });
  }

  /** The value of an rvalue expression, emitting the reads it performs. */
  value(n: SyntaxNode, env: Env, out: LStmt[]): AVal {
    switch (n.type) {
      case 'number_literal': {
        const m = /^(0[xX][0-9a-fA-F]+|\d+)/.exec(n.text);
        return m ? { k: 'val', e: C(Number(m[1])) } : this.unsup(`number ${n.text}`, n);
      }
      case 'char_literal':
        return { k: 'val', e: C(n.text.charCodeAt(1)) };
      case 'true':
        return { k: 'val', e: C(1) };
      case 'false':
      case 'null':
        return { k: 'val', e: C(0) };
      case 'string_literal':
      case 'concatenated_string':
        return { k: 'unknown', why: 'string' };
      case 'parenthesized_expression':
        return this.value(kids(n)[0], env, out);
      case 'identifier': {
        const name = n.text;
        if (env.has(name)) return env.get(name)!;
        const c = this.constant(name);
        if (c !== undefined) return { k: 'val', e: C(c) };
        if (this.syms.functions.has(name) || this.opts.calls[name]) return { k: 'fn', name };
        return this.unknownIdentifier(name, n, out);
      }
      case 'field_expression':
      case 'subscript_expression': {
        const p = this.place(n, env, out);
        if ('local' in p) return this.lget(p, env)!;
        if ('k' in p) return p;
        return this.readPlace(p, n, out);
      }
      case 'call_expression': {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'identifier' && VRING_EVENT_MACROS[fn.text]) {
          const p = this.place(n, env, out);
          if ('local' in p || 'k' in p) return 'local' in p ? this.lget(p, env)! : p;
          return this.readPlace(p, n, out);
        }
        return this.call(n, env, out);
      }
      case 'pointer_expression': {
        const op = n.child(0)?.text;
        const arg = n.childForFieldName('argument')!;
        if (op === '&') {
          const p = this.place(arg, env, out);
          if ('local' in p) {
            const lv = this.lget(p, env);
            if (!lv || lv.k === 'val' || lv.k === 'unknown') return { k: 'ref', env: p.ref?.env ?? env, name: p.local };
            return lv;
          }
          if ('k' in p) return p;
          if (p.obj) return { k: 'obj', path: p.obj.path, type: p.obj.type };
          return { k: 'locptr', loc: p.loc };
        }
        const p = this.place(n, env, out);
        if ('local' in p || 'k' in p) return 'local' in p ? (this.lget(p, env) ?? this.unsup(`read of ${n.text}`, n)) : p;
        return this.readPlace(p, n, out);
      }
      case 'cast_expression': {
        const v = this.value(n.childForFieldName('value')!, env, out);
        const td = n.childForFieldName('type');
        const tn = td?.childForFieldName('type');
        const { type } = typeOf(tn ?? null, td?.childForFieldName('declarator') ?? null);
        if (v.k === 'obj' && type.struct && type.ptr > 0) return this.objOf(type.struct, v.path);
        if (type.ptr === 0 && v.k === 'val') return { k: 'val', e: narrow(type.text, v.e) };
        return v;
      }
      case 'unary_expression': {
        const op = n.child(0)!.text;
        const v = this.scalar(n.childForFieldName('argument')!, env, out);
        if (op === '+') return { k: 'val', e: v };
        if (v.k === 'const') {
          const r = op === '!' ? +!v.v : op === '-' ? -v.v : ~v.v;
          return { k: 'val', e: C(r) };
        }
        // `!(a != b)` is written `a == b`; `!!x` stays a truth value.
        const inv: Record<string, string> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
        if (op === '!' && v.k === 'bin' && inv[v.op]) return { k: 'val', e: { ...v, op: inv[v.op] } };
        if (op === '!' && v.k === 'un' && v.op === '!' && v.e.k === 'bin' && inv[v.e.op]) return { k: 'val', e: v.e };
        return { k: 'val', e: { k: 'un', op: op as '!' | '-' | '~', e: v } };
      }
      case 'binary_expression':
        return { k: 'val', e: this.binary(n, env, out) };
      case 'conditional_expression':
        return this.conditional(n, env, out);
      case 'assignment_expression':
        return this.assignment(n, env, out);
      case 'update_expression':
        return this.update(n, env, out);
      case 'comma_expression': {
        this.value(n.childForFieldName('left')!, env, out);
        return this.value(n.childForFieldName('right')!, env, out);
      }
      case 'sizeof_expression':
      case 'offsetof_expression':
      case 'alignof_expression':
        this.assume(`${n.text.slice(0, 40)} at ${this.file}:${this.lineAt(n)} taken as 1 (sizes are not modelled)`);
        return { k: 'val', e: C(1) };
      case 'initializer_list':
        return { k: 'unknown', why: 'initializer list' };
      default:
        return this.unsup(`expression ${n.type} (${n.text.slice(0, 40)})`, n);
    }
  }

  readPlace(p: Place, n: SyntaxNode, out: LStmt[]): AVal {
    if (p.fnKeys) {
      const key = p.fnKeys.find((k) => this.opts.calls[k]);
      if (key) return { k: 'fnptr', keys: p.fnKeys, text: n.text };
      this.assume(`${n.text} (${p.fnKeys[0]}) has no model: taken as NULL`);
      return { k: 'val', e: C(0) };
    }
    // Pointer fields that lead to objects are resolved statically: the object graph is fixed.
    if (p.obj && p.type) {
      this.assume('pointer fields are resolved statically (the object graph does not change during a scenario); their loads are not modelled');
      return { k: 'obj', path: p.obj.path, type: p.obj.type };
    }
    if (p.type && p.type.ptr > 0 && !p.type.struct) {
      // A pointer to data the models do not follow (void *data, u16 *): its value does not matter.
      return { k: 'obj', path: p.loc };
    }
    return { k: 'val', e: this.load(p, 'plain', out, n) };
  }

  /** A scalar value; objects and unknowns in a scalar position become unsupported (or 1 for non-NULL objects). */
  scalar(n: SyntaxNode, env: Env, out: LStmt[]): LExpr {
    const v = this.value(n, env, out);
    return this.toScalar(v, n);
  }

  toScalar(v: AVal, n: SyntaxNode): LExpr {
    if (v.k === 'val') return v.e;
    if (v.k === 'obj' || v.k === 'fnptr' || v.k === 'fn' || v.k === 'locptr' || v.k === 'ref') return C(1); // a non-NULL pointer
    // An unknown that already produced an unsupported entry is not reported again at each use.
    if (!this.unsupported.some((u) => u.construct === v.why)) {
      if (v.why.startsWith('parameter ')) {
        if (!this.unsupported.some((u) => u.construct === v.why)) this.unsupported.push({ construct: v.why, file: this.file, line: this.lineAt(n) });
      } else this.unsup(`value of ${n.text.replace(/^\((.*)\)$/s, '$1').slice(0, 60)} (${v.why})`, n);
    }
    return C(0);
  }

  binary(n: SyntaxNode, env: Env, out: LStmt[]): LExpr {
    const op = n.child(1)!.text;
    const left = n.childForFieldName('left')!;
    const right = n.childForFieldName('right')!;
    const l = this.scalar(left, env, out);
    if (op === '&&' || op === '||') {
      if (l.k === 'const') {
        if ((op === '&&' && l.v === 0) || (op === '||' && l.v !== 0)) return C(op === '||' ? 1 : 0);
        const r = this.scalar(right, env, out);
        return r.k === 'const' ? C(+(r.v !== 0)) : { k: 'bin', op: '!=', l: r, r: C(0) };
      }
      const rOut: LStmt[] = [];
      const r = this.scalar(right, env, rOut);
      if (rOut.length === 0) return { k: 'bin', op, l, r };
      // The right side reads shared memory: evaluate it only when C would (short circuit).
      const m = this.fresh();
      this.emit(out, { k: 'assign', reg: m, value: op === '&&' ? C(0) : C(1), src: this.site(n) });
      rOut.push({ k: 'assign', reg: m, value: { k: 'bin', op: '!=', l: r, r: C(0) }, src: this.site(n) });
      const cond: LExpr = op === '&&' ? l : { k: 'un', op: '!', e: l };
      this.emit(out, { k: 'if', cond, then: rOut, else: [], src: this.site(n) });
      return { k: 'reg', name: m };
    }
    const r = this.scalar(right, env, out);
    if (l.k === 'const' && r.k === 'const') {
      const f = foldBin(op, l.v, r.v);
      if (f !== undefined) return C(f);
    }
    return { k: 'bin', op, l, r };
  }

  conditional(n: SyntaxNode, env: Env, out: LStmt[]): AVal {
    const c = this.scalar(n.childForFieldName('condition')!, env, out);
    const a = n.childForFieldName('consequence')!;
    const b = n.childForFieldName('alternative')!;
    if (c.k === 'const') return this.value(c.v ? a : b, env, out);
    const aOut: LStmt[] = [];
    const bOut: LStmt[] = [];
    const av = this.value(a, env, aOut);
    const bv = this.value(b, env, bOut);
    if (av.k === 'obj' && bv.k === 'obj' && av.path === bv.path) {
      this.emit(out, { k: 'if', cond: c, then: aOut, else: bOut, src: this.site(n) });
      return av;
    }
    const m = this.fresh();
    aOut.push({ k: 'assign', reg: m, value: this.toScalar(av, a), src: this.site(a) });
    bOut.push({ k: 'assign', reg: m, value: this.toScalar(bv, b), src: this.site(b) });
    this.emit(out, { k: 'if', cond: c, then: aOut, else: bOut, src: this.site(n) });
    return { k: 'val', e: { k: 'reg', name: m } };
  }

  assignment(n: SyntaxNode, env: Env, out: LStmt[]): AVal {
    const op = n.childForFieldName('operator')?.text ?? n.child(1)!.text;
    const lhs = n.childForFieldName('left')!;
    const rhs = n.childForFieldName('right')!;
    const p = this.place(lhs, env, out);
    let v = this.value(rhs, env, out);
    if (op !== '=') {
      const cur = 'local' in p ? (this.lget(p, env) ?? { k: 'unknown', why: `${lhs.text} used before it is set` }) : 'k' in p ? p : this.readPlace(p, lhs, out);
      const bop = op.slice(0, -1);
      const l = this.toScalar(cur, lhs);
      const r = this.toScalar(v, rhs);
      v = { k: 'val', e: l.k === 'const' && r.k === 'const' && foldBin(bop, l.v, r.v) !== undefined ? C(foldBin(bop, l.v, r.v)!) : { k: 'bin', op: bop, l, r } };
    }
    if ('local' in p) {
      if (p.ref) {
        // An out-parameter: every path that writes it assigns one register, which the owner then reads.
        if (v.k === 'val') {
          p.ref.reg ??= this.fresh();
          this.emit(out, { k: 'assign', reg: p.ref.reg, value: v.e, src: this.site(n) });
          p.ref.env.set(p.local, { k: 'val', e: { k: 'reg', name: p.ref.reg } });
        } else p.ref.env.set(p.local, v);
        return v;
      }
      const t = this.localTypes.get(`${this.stack.length}:${p.local}`);
      if (t && v.k === 'val') v = { k: 'val', e: narrow(t, v.e) };
      env.set(p.local, v);
      return v;
    }
    if ('k' in p) return this.unsup(`assignment to ${lhs.text}`, n);
    if (p.obj && v.k === 'obj') {
      this.assume(`pointer stores are not modelled (object graph fixed): ${lhs.text} at ${this.file}:${this.lineAt(n)}`);
      return v;
    }
    if (p.fnKeys) {
      this.assume(`function pointer store ${lhs.text} at ${this.file}:${this.lineAt(n)} not modelled`);
      return v;
    }
    // A store the slice drops needs no value (so an unknown value there does not matter).
    if (this.opts.keep && !this.opts.keep(p.loc) && !this.forced.has(p.loc)) {
      this.kept(p.loc, 'write', n);
      return v;
    }
    this.store(p, 'plain', narrow(p.type?.text, this.toScalar(v, rhs)), out, n);
    return v;
  }

  update(n: SyntaxNode, env: Env, out: LStmt[]): AVal {
    const arg = n.childForFieldName('argument')!;
    const op = n.childForFieldName('operator')?.text ?? (n.child(0)!.text === arg.text ? n.child(1)!.text : n.child(0)!.text);
    const prefix = n.child(0)!.type !== arg.type || n.child(0)!.text !== arg.text;
    const p = this.place(arg, env, out);
    const bop = op === '++' ? '+' : '-';
    if ('local' in p && p.ref) return this.unsup(`update through pointer ${arg.text}`, n);
    if ('local' in p) {
      const old = this.toScalar(env.get(p.local) ?? { k: 'unknown', why: `${arg.text} used before it is set` }, arg);
      const nv: LExpr = old.k === 'const' ? C(bop === '+' ? old.v + 1 : old.v - 1) : { k: 'bin', op: bop, l: old, r: C(1) };
      env.set(p.local, { k: 'val', e: nv });
      return { k: 'val', e: prefix ? nv : old };
    }
    if ('k' in p) return this.unsup(`update of ${arg.text}`, n);
    const old = this.load(p, 'plain', out, arg);
    const nv: LExpr = { k: 'bin', op: bop, l: old, r: C(1) };
    this.store(p, 'plain', nv, out, n);
    return { k: 'val', e: prefix ? nv : old };
  }

  // ---- calls -------------------------------------------------------------------------------------

  args(n: SyntaxNode): SyntaxNode[] {
    return kids(n.childForFieldName('arguments')!);
  }

  callArg(a: SyntaxNode, env: Env, out: LStmt[]): CallArg {
    const v = this.value(a, env, out);
    const arg: CallArg = { text: a.text };
    if (v.k === 'val') arg.expr = v.e;
    else if (v.k === 'obj') arg.object = v.path;
    else if (v.k === 'locptr') arg.location = v.loc;
    return arg;
  }

  runModel(key: string, model: CallModel, args: SyntaxNode[], env: Env, out: LStmt[], n: SyntaxNode, pre: CallArg[] = []): AVal {
    const cargs = [...pre, ...args.map((a) => this.callArg(a, env, out))];
    const r = model({ name: key, args: cargs, site: this.site(n), fresh: () => this.fresh() });
    for (const s of r.stmts) {
      s.src ??= this.site(n);
      this.emit(out, s);
    }
    for (const a of r.assumptions ?? []) this.assume(a);
    return r.value ? { k: 'val', e: r.value } : { k: 'val', e: C(0) };
  }

  /** The location a primitive's pointer argument designates (`&vq->broken` → vq_broken, `vq->broken` for READ_ONCE). */
  locArg(a: SyntaxNode, env: Env, out: LStmt[], deref: boolean): string | undefined {
    if (deref) {
      const p = this.place(a, env, out);
      if ('loc' in p) return p.loc;
      if ('k' in p && p.k === 'obj') return p.path;
      return undefined;
    }
    const v = this.value(a, env, out);
    if (v.k === 'locptr') return v.loc;
    if (v.k === 'obj') return v.path;
    return undefined;
  }

  call(n: SyntaxNode, env: Env, out: LStmt[]): AVal {
    const fnNode = n.childForFieldName('function')!;
    const args = this.args(n);
    if (fnNode.type === 'identifier') return this.callNamed(fnNode.text, n, args, env, out);
    if (fnNode.type === 'parenthesized_expression' && kids(fnNode)[0]?.type === 'identifier') {
      const name = kids(fnNode)[0].text;
      // `(__u16)(a - b)` reads as a call of `(__u16)`: a cast to a type name tree-sitter does not know.
      if (isTypeName(name, this.syms) && args.length === 1) {
        const v = this.value(args[0], env, out);
        return v.k === 'val' ? { k: 'val', e: narrow(name, v.e) } : v;
      }
      return this.callNamed(name, n, args, env, out);
    }
    // A call through a function pointer (dev->config->set_status, vq->vq.callback).
    const p = this.place(fnNode, env, out);
    if (!('local' in p) && !('k' in p) && !p.fnKeys && fnNode.type === 'field_expression') {
      // A field of a struct whose layout is not in the four files: key it by the field name.
      p.fnKeys = [fnNode.childForFieldName('field')!.text];
    }
    if (!('local' in p) && !('k' in p) && p.fnKeys) {
      const key = p.fnKeys.find((k) => this.opts.calls[k]);
      if (key) return this.runModel(key, this.opts.calls[key], args, env, out, n);
      return this.unsup(`call through function pointer ${fnNode.text} (give a model as calls['${p.fnKeys[0]}'])`, n);
    }
    if ('local' in p) {
      const v = env.get(p.local);
      if (v?.k === 'fnptr') {
        const key = v.keys.find((k) => this.opts.calls[k])!;
        return this.runModel(key, this.opts.calls[key], args, env, out, n);
      }
      if (v?.k === 'fn') return this.callNamed(v.name, n, args, env, out);
    }
    return this.unsup(`call through ${fnNode.text}`, n);
  }

  callNamed(name: string, n: SyntaxNode, args: SyntaxNode[], env: Env, out: LStmt[]): AVal {
    const o = this.opts;
    if (o.calls[name]) return this.runModel(name, o.calls[name], args, env, out, n);
    if (env.has(name)) {
      const v = env.get(name)!;
      if (v.k === 'fnptr') {
        const key = v.keys.find((k) => o.calls[k])!;
        return this.runModel(key, o.calls[key], args, env, out, n);
      }
    }
    const site = this.site(n);
    const def = DEF_PRIMITIVES[name];
    if (def) return this.primitive(name, def, n, args, env, out);
    if (CONDITION_CALLS.has(name)) {
      const c = args.length ? this.scalar(args[0], env, out) : C(0);
      if (name.startsWith('BUG') || name.startsWith('VM_BUG')) this.assume(`${name}() at ${this.file}:${this.lineAt(n)} assumed not to fire`);
      return { k: 'val', e: c };
    }
    if (NO_EFFECT_CALLS.has(name)) {
      this.assume(`${name}(): logging/debug, no shared effect`);
      return { k: 'val', e: C(0) };
    }
    if (name in TRANSPARENT_CALLS) {
      const a = args[Math.min(TRANSPARENT_CALLS[name], args.length - 1)];
      return a ? this.value(a, env, out) : this.unsup(`${name}() without arguments`, n);
    }
    if (name === 'data_race') {
      this.assume(API_MAP.data_race.why);
      this.racy++;
      try {
        return args[0] ? this.value(args[0], env, out) : { k: 'val', e: C(0) };
      } finally {
        this.racy--;
      }
    }
    if (name in CONTAINER_OF_MACROS) {
      let type = CONTAINER_OF_MACROS[name];
      // tree-sitter reads `struct T` as an argument with an ERROR node inside: take the type from the text.
      if (!type) type = /\bstruct\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(n.childForFieldName('arguments')?.text ?? '')?.[1];
      const base = args[0] ? this.value(args[0], env, out) : undefined;
      if (!type) return this.unsup(`${name}(${args.map((a) => a.text).join(', ')})`, n);
      return this.objOf(type, base?.k === 'obj' ? base.path : type);
    }
    if (name === '__builtin_constant_p') {
      // Whether the argument is a compile-time constant: after inlining, whether it lowered to one.
      const a = args[0] ? this.value(args[0], env, []) : undefined;
      return { k: 'val', e: C(a?.k === 'val' && a.e.k === 'const' ? 1 : 0) };
    }
    if (name in VALUE_CALLS) {
      const vals = args.map((a) => {
        const v = this.value(a, env, out);
        return v.k === 'val' && v.e.k === 'const' ? v.e.v : undefined;
      });
      const r = VALUE_CALLS[name].value(vals);
      if (r === undefined) return { k: 'unknown', why: `${name}() of a non-constant argument` };
      this.assume(`${name}(): ${VALUE_CALLS[name].why}`);
      return { k: 'val', e: C(r) };
    }
    if (ALLOC_CALLS.has(name)) {
      this.assume(`${name}() succeeds and returns a fresh object (the instance of the type it is assigned to)`);
      return { k: 'obj', path: `${name}_${this.regN++}` };
    }
    if (name === 'IS_ENABLED' || name === 'IS_BUILTIN' || name === 'IS_REACHABLE') {
      const sym = args[0]?.text ?? '';
      if (!(sym in o.config)) this.assume(`${sym} not set: taken as off`);
      return { k: 'val', e: C(o.config[sym] ? 1 : 0) };
    }
    if (/^virtio_(mb|rmb|wmb)$/.test(name)) {
      const weak = args[0] ? this.scalar(args[0], env, out) : C(1);
      this.assume(`${name}(weak_barriers) → ${API_MAP[name].becomes}: ${API_MAP[name].why}`);
      if (weak.k !== 'const') this.assume(`weak_barriers is not fixed: ${name} at ${this.file}:${this.lineAt(n)} is modelled the same either way`);
      for (const s of lowerApi(name, { site, irqDescLock: this.irqDescLock() })!) this.emit(out, s);
      return { k: 'val', e: C(0) };
    }
    if (name === 'virtio_store_mb') {
      if (args[0]) this.scalar(args[0], env, out);
      const loc = args[1] ? this.locArg(args[1], env, out, false) : undefined;
      const v = args[2] ? this.scalar(args[2], env, out) : C(0);
      if (!loc) return this.unsup(`virtio_store_mb target ${args[1]?.text}`, n);
      this.assume(`virtio_store_mb → ${API_MAP.virtio_store_mb.becomes}: ${API_MAP.virtio_store_mb.why}`);
      if (this.kept(loc, 'write', n)) this.emit(out, { k: 'store', prim: 'smp_store_mb', loc, value: v, src: site });
      return { k: 'val', e: C(0) };
    }
    if (name === 'kfree' || name === 'kfree_rcu' || name === 'vfree' || name === 'kvfree') {
      const v = args[0] ? this.value(args[0], env, out) : undefined;
      if (v?.k !== 'obj') {
        this.assume(`${name}(${args[0]?.text}) at ${this.file}:${this.lineAt(n)}: not a modelled object, no shared effect`);
        return { k: 'val', e: C(0) };
      }
      this.assume(`kfree → ${API_MAP.kfree.becomes}: ${API_MAP.kfree.why}`);
      const st = lowerApi('kfree', { site, object: v.path, irqDescLock: this.irqDescLock() })!;
      for (const s of st) if (this.kept(`${v.path}_freed`, 'write', n)) this.emit(out, s);
      return { k: 'val', e: C(0) };
    }
    if (name in API_MAP) {
      let loc: string | undefined;
      if (/spin_(lock|unlock)/.test(name) && args[0]) {
        loc = this.locArg(args[0], env, out, false);
        if (!loc) return this.unsup(`${name}(${args[0].text}): lock not resolved`, n);
        if (!this.kept(loc, 'lock', n)) return { k: 'val', e: C(0) };
      }
      const st = lowerApi(name, { site, loc, irqDescLock: this.irqDescLock() });
      if (st) {
        this.assume(`${name} → ${API_MAP[name].becomes}: ${API_MAP[name].why}`);
        for (const s of st) this.emit(out, s);
        return { k: 'val', e: C(0) };
      }
    }
    const def2 = this.syms.functions.get(name);
    if (def2) return this.inline(def2, n, args, env, out);
    const macro = this.syms.macros.get(name);
    if (macro && macro.body === '') return { k: 'val', e: C(0) };
    if (macro && macro.params) return this.expandMacro(macro, n, args, env, out);
    if (name === 'spin_lock_init' || name === 'INIT_LIST_HEAD' || name === 'list_add_tail' || name === 'list_del') {
      this.assume(`${name}(): initialisation/list bookkeeping, no shared effect modelled (the object graph is fixed)`);
      return { k: 'val', e: C(0) };
    }
    this.assume(`unknown callee ${name}()${macro ? ' (a macro, not expanded)' : ''}: assumed to have no shared effect`);
    // Its value is unknown: using it makes the lowering unsupported unless calls[] models it.
    return { k: 'unknown', why: `value of unknown callee ${name}() (give a model as calls['${name}'])` };
  }

  irqDescLock(): string {
    return this.opts.irqDescLock ?? 'irq_desc_lock';
  }

  primitive(name: string, d: (typeof DEF_PRIMITIVES)[string], n: SyntaxNode, args: SyntaxNode[], env: Env, out: LStmt[]): AVal {
    const site = this.site(n);
    if (d.kind === 'fence') {
      this.emit(out, { k: 'fence', prim: name, src: site });
      return { k: 'val', e: C(0) };
    }
    const la = args[d.loc];
    if (!la) return this.unsup(`${name}() without its location argument`, n);
    const loc = this.locArg(la, env, out, d.deref);
    if (!loc) return this.unsup(`${name}(${la.text}): location not resolved`, n);
    const values = args.filter((_, i) => i !== d.loc).map((a) => this.scalar(a, env, out));
    if (d.kind === 'lock') {
      if (this.kept(loc, 'lock', n)) this.emit(out, { k: 'lock', prim: name as 'spin_lock' | 'spin_unlock', loc, src: site });
      return { k: 'val', e: C(0) };
    }
    const p: Place = { loc };
    if (d.kind === 'load') {
      if (name === 'atomic_read' || name === 'atomic_read_acquire') {
        if (!this.kept(loc, 'read', n)) return { k: 'val', e: C(0) };
        const reg = this.fresh();
        this.emit(out, { k: 'load', reg, prim: name, loc, src: site });
        return { k: 'val', e: { k: 'reg', name: reg } };
      }
      return { k: 'val', e: this.load(p, name, out, n) };
    }
    if (d.kind === 'store') {
      this.store(p, name, values[0] ?? C(0), out, n);
      return { k: 'val', e: C(0) };
    }
    if (!this.kept(loc, 'atomic', n)) return { k: 'val', e: C(0) };
    const reg = d.returns ? this.fresh() : undefined;
    this.emit(out, { k: 'rmw', reg, prim: name, loc, args: values, locArg: d.loc, src: site });
    return reg ? { k: 'val', e: { k: 'reg', name: reg } } : { k: 'val', e: C(0) };
  }

  /** Inlines a function defined in the virtio core; its returns meet in one register (or one value). */
  inline(def: CFunctionDef, n: SyntaxNode | undefined, args: SyntaxNode[], env: Env | undefined, out: LStmt[], bound?: Map<string, AVal>): AVal {
    const maxDepth = this.opts.maxDepth ?? 12;
    if (this.stack.includes(def.name)) return this.unsup(`recursion into ${def.name}`, n);
    if (this.stack.length >= maxDepth) return this.unsup(`inlining deeper than ${maxDepth} (at ${def.name})`, n);
    const callee: Env = new Map();
    def.params.forEach((p, i) => {
      let v: AVal | undefined = bound?.get(p.name);
      if (!v && args[i] && env) v = this.value(args[i], env, out);
      if (!v) {
        if (p.type.struct && p.type.ptr > 0) v = this.objOf(p.type.struct, p.type.struct);
        else if (p.type.ptr > 0) v = { k: 'obj', path: `${def.name}_${p.name}` }; // opaque pointer (void *data, unsigned *len)
        else v = { k: 'unknown', why: `parameter ${p.name} of ${def.name} has no value (give it in params)` };
      }
      if (v.k === 'obj' && p.type.struct && p.type.ptr > 0 && v.type !== p.type.struct) v = this.objOf(p.type.struct, v.path);
      callee.set(p.name, v);
    });
    const savedFile = this.file;
    this.file = def.file;
    this.stack.push(def.name);
    const returns: { out: LStmt[]; v: AVal | undefined; at?: SrcPos }[] = [];
    const frame: FnFrame = {
      def,
      ret: (_e, o, v, at) =>
        returns.push({ out: o, v: v?.k === 'val' && def.returnType.ptr === 0 ? { k: 'val', e: narrow(def.returnType.text, v.e) } : v, at }),
      top: kids(def.body),
      labels: new Map(),
      exit: (_e, o) => returns.push({ out: o, v: undefined }),
    };
    frame.top.forEach((s, i) => {
      if (s.type === 'labeled_statement') frame.labels.set(s.childForFieldName('label')!.text, i);
    });
    try {
      this.list(frame.top, 0, callee, out, frame.exit, frame);
    } finally {
      this.stack.pop();
      this.file = savedFile;
    }
    const vals = returns.map((r) => r.v).filter((v): v is AVal => v !== undefined);
    if (vals.length === 0) return { k: 'val', e: C(0) };
    const first = vals[0];
    if (vals.length === returns.length) {
      if (first.k === 'val' && vals.every((v) => v.k === 'val' && exprEquals(v.e, first.e))) return first;
      if (first.k === 'obj' && vals.every((v) => v.k === 'obj' && v.path === first.path)) return first;
    }
    if (vals.some((v) => v.k === 'obj') && !vals.every((v) => v.k === 'obj' || (v.k === 'val' && v.e.k === 'const'))) {
      return { k: 'unknown', why: `${def.name} returns different objects` };
    }
    const reg = this.fresh();
    for (const r of returns) {
      const e = r.v ? (r.v.k === 'val' ? r.v.e : r.v.k === 'obj' ? C(1) : C(0)) : C(0);
      r.out.push({ k: 'assign', reg, value: e, src: r.at ?? { file: def.file, line: def.endLine }, note: `return of ${def.name}` });
    }
    return { k: 'val', e: { k: 'reg', name: reg } };
  }

  // ---- statements (continuation-passing, so returns cut the rest of their path) ------------------

  list(nodes: SyntaxNode[], i: number, env: Env, out: LStmt[], k: K, f: FnFrame): void {
    for (; i < nodes.length; i++) {
      const s = nodes[i];
      // `list_for_each_entry(pos, head, member) body`: tree-sitter sees a call missing ';' then the body.
      const it = this.iteratorHeader(s);
      if (it && i + 1 < nodes.length) {
        const body = nodes[i + 1];
        const rest: K = (e2, o2) => this.list(nodes, i + 2, e2, o2, k, f);
        this.iterate(it.name, it.call, body, env, out, rest, f);
        return;
      }
      if (this.stmtLeaves(s) || this.needsCps(s)) {
        const rest: K = (e2, o2) => this.list(nodes, i + 1, e2, o2, k, f);
        this.stmt(s, env, out, rest, f);
        return;
      }
      this.stmt(s, env, out, undefined, f);
    }
    k(env, out);
  }

  stmtLeaves(s: SyntaxNode): boolean {
    return LEAVING.has(s.type);
  }

  /** Statements whose nested paths may leave (return/goto/break): the rest is passed in, not appended. */
  needsCps(s: SyntaxNode): boolean {
    if (s.type === 'if_statement' || s.type === 'compound_statement' || s.type === 'labeled_statement') return mayLeave(s);
    if (['for_statement', 'while_statement', 'do_statement'].includes(s.type)) return true;
    if (s.type === 'switch_statement') return true;
    return false;
  }

  iteratorHeader(s: SyntaxNode): { name: string; call: SyntaxNode } | undefined {
    if (s.type !== 'expression_statement') return undefined;
    const c = kids(s)[0];
    if (!c || c.type !== 'call_expression') return undefined;
    const fn = c.childForFieldName('function');
    if (!fn || fn.type !== 'identifier' || !(fn.text in ITERATOR_MACROS)) return undefined;
    return { name: fn.text, call: c };
  }

  iterate(name: string, call: SyntaxNode, body: SyntaxNode, env: Env, out: LStmt[], rest: K, f: FnFrame): void {
    const spec = ITERATOR_MACROS[name];
    const args = this.args(call);
    const cursor = args[spec.cursor];
    const n = this.opts.unroll;
    this.assume(`${name}(${args.map((a) => a.text).join(', ')}) at ${this.file}:${this.lineAt(call)}: the list holds exactly ${n} entr${n === 1 ? 'y' : 'ies'}, each the instance of the cursor's type (unrolled ${n}×)`);
    if (!cursor || cursor.type !== 'identifier' || !env.has(cursor.text)) {
      this.unsup(`${name} cursor ${cursor?.text ?? '?'} is not a declared local`, call);
      rest(env, out);
      return;
    }
    const cur = env.get(cursor.text)!;
    const bind = cur.k === 'obj' ? cur : { k: 'obj' as const, path: cursor.text };
    const step = (iter: number, e: Env, o: LStmt[]) => {
      if (iter >= n) {
        rest(e, o);
        return;
      }
      const e2 = new Map(e);
      e2.set(cursor.text, bind);
      const next: K = (e3, o3) => step(iter + 1, e3, o3);
      const frame: FnFrame = { ...f, brk: rest, cont: next };
      this.stmt(body, e2, o, next, frame);
    };
    step(0, env, out);
  }

  /** Lowers one statement. With `k`, the statement passes control on to k (CPS); without, it falls through. */
  stmt(s: SyntaxNode, env: Env, out: LStmt[], k: K | undefined, f: FnFrame): void {
    const done = () => k?.(env, out);
    // A statement tree-sitter could not read is skipped and makes the lowering unsupported.
    const check = ['expression_statement', 'declaration', 'return_statement'].includes(s.type) ? s : s.childForFieldName('condition');
    const bad = check ? syntaxError(check) : undefined;
    if (bad) {
      this.unsup(`C the parser could not read: "${bad.text.split('\n')[0].slice(0, 50)}"`, bad);
      if (check === s) return done();
    }
    switch (s.type) {
      case 'expression_statement': {
        const e = kids(s)[0];
        if (e) this.value(e, env, out);
        return done();
      }
      case 'declaration':
        this.declaration(s, env, out);
        return done();
      case 'compound_statement': {
        const inner = kids(s);
        if (k) this.list(inner, 0, env, out, k, f);
        else this.list(inner, 0, env, out, () => {}, f);
        return;
      }
      case 'return_statement': {
        const e = kids(s)[0];
        const v = e ? this.value(e, env, out) : undefined;
        f.ret(env, out, v, this.site(s));
        return;
      }
      case 'if_statement':
        return this.ifStmt(s, env, out, k, f);
      case 'for_statement':
      case 'while_statement':
      case 'do_statement':
        return this.loop(s, env, out, k ?? (() => {}), f);
      case 'break_statement':
        if (f.brk) return f.brk(env, out);
        this.unsup('break outside a loop', s);
        return;
      case 'continue_statement':
        if (f.cont) return f.cont(env, out);
        this.unsup('continue outside a loop', s);
        return;
      case 'goto_statement': {
        const label = s.childForFieldName('label')!.text;
        const at = f.labels.get(label);
        const here = f.top.findIndex((t) => t.startIndex <= s.startIndex && s.endIndex <= t.endIndex);
        if (at === undefined || at <= here) {
          this.unsup(`goto ${label} (only forward gotos to a label at the function's top level are followed)`, s);
          return;
        }
        this.list(f.top, at, env, out, f.exit, f);
        return;
      }
      case 'labeled_statement': {
        const inner = kids(s).filter((c) => c.type !== 'statement_identifier');
        if (k) this.list(inner, 0, env, out, k, f);
        else this.list(inner, 0, env, out, () => {}, f);
        return;
      }
      case 'switch_statement':
        return this.switchStmt(s, env, out, k ?? (() => {}), f);
      case ';':
      case 'empty_statement':
        return done();
      default:
        if (s.type.startsWith('preproc_')) return done();
        this.unsup(`statement ${s.type}`, s);
        return done();
    }
  }

  declaration(s: SyntaxNode, env: Env, out: LStmt[]): void {
    const tn = s.childForFieldName('type');
    for (const d of s.childrenForFieldName('declarator')) {
      if (!d) continue;
      const { type, name } = typeOf(tn, d);
      if (!name) continue;
      const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      let v: AVal;
      if (type.ptr === 0 && !type.array && (type.struct || /^(struct|union) /.test(type.text))) {
        // A struct on the stack: its fields are locations of this thread alone ({} initialisers ignored).
        v = { k: 'obj', path: `${this.opts.regPrefix}${name}`, type: type.struct };
        if (init && init.type !== 'initializer_list') this.assume(`struct copy into ${name} at ${this.file}:${this.lineAt(s)} not modelled`);
      } else if (init) {
        v = this.value(init, env, out);
        if (v.k === 'obj' && type.struct && type.ptr > 0 && v.type !== type.struct) v = this.objOf(type.struct, v.path);
        if (type.ptr === 0 && v.k === 'val') v = { k: 'val', e: narrow(type.text, v.e) };
      } else if (type.struct && type.ptr > 0) {
        v = { k: 'obj', path: this.instanceOf(type.struct) ?? name, type: type.struct };
      } else if (type.struct && type.ptr === 0) {
        v = { k: 'obj', path: `${this.opts.regPrefix}${name}`, type: type.struct };
      } else {
        v = { k: 'unknown', why: `${name} used before it is set` };
      }
      if (type.ptr === 0 && !type.struct) this.localTypes.set(`${this.stack.length}:${name}`, type.text);
      env.set(name, v);
    }
  }

  ifStmt(s: SyntaxNode, env: Env, out: LStmt[], k: K | undefined, f: FnFrame): void {
    const condNode = s.childForFieldName('condition')!;
    const cond = this.scalar(condNode, env, out);
    const thenN = s.childForFieldName('consequence')!;
    const elseClause = s.childForFieldName('alternative');
    const elseN = elseClause ? (elseClause.type === 'else_clause' ? kids(elseClause)[0] : elseClause) : null;
    if (cond.k === 'const') {
      const chosen = cond.v ? thenN : elseN;
      if (chosen) return this.stmt(chosen, env, out, k ?? (() => {}), f);
      return k?.(env, out);
    }
    const leaves = mayLeave(thenN) || mayLeave(elseN);
    if (leaves && k) {
      const tOut: LStmt[] = [];
      const eOut: LStmt[] = [];
      this.stmt(thenN, new Map(env), tOut, k, f);
      if (elseN) this.stmt(elseN, new Map(env), eOut, k, f);
      else k(new Map(env), eOut);
      this.emit(out, { k: 'if', cond, then: tOut, else: eOut, src: this.site(s) });
      return;
    }
    // Both branches fall through: lower them apart, then merge locals that differ into registers.
    const tEnv = new Map(env);
    const eEnv = new Map(env);
    const tOut: LStmt[] = [];
    const eOut: LStmt[] = [];
    this.stmt(thenN, tEnv, tOut, undefined, f);
    if (elseN) this.stmt(elseN, eEnv, eOut, undefined, f);
    this.merge(env, tEnv, eEnv, tOut, eOut, s);
    this.emit(out, { k: 'if', cond, then: tOut, else: eOut, src: this.site(s) });
    k?.(env, out);
  }

  /**
   * switch: the case bodies form one statement list (so falling through works); each case starts at
   * its first statement, `break` continues after the switch. Dispatch is an if-chain on the value.
   */
  switchStmt(s: SyntaxNode, env: Env, out: LStmt[], k: K, f: FnFrame): void {
    let condNode = s.childForFieldName('condition')!;
    if (condNode.type === 'parenthesized_expression') condNode = kids(condNode)[0] ?? condNode;
    const v = this.scalar(condNode, env, out);
    const body = s.childForFieldName('body');
    const flat: SyntaxNode[] = [];
    const cases: { values: SyntaxNode[]; start: number }[] = [];
    let defaultStart: number | undefined;
    let pending: SyntaxNode[] = [];
    for (const c of body ? kids(body) : []) {
      if (c.type !== 'case_statement') {
        flat.push(c);
        continue;
      }
      const value = c.childForFieldName('value');
      const stmts = kids(c).filter((x) => !value || x.id !== value.id);
      if (value) pending.push(value);
      else defaultStart = flat.length;
      if (stmts.length || !value) {
        if (pending.length) cases.push({ values: pending, start: flat.length });
        pending = [];
      }
      flat.push(...stmts);
    }
    if (pending.length) cases.push({ values: pending, start: flat.length });
    const frame: FnFrame = { ...f, brk: k };
    const runFrom = (i: number, e: Env, o: LStmt[]) => this.list(flat, i, e, o, k, frame);
    const chain = (ci: number, e: Env, o: LStmt[]): void => {
      if (ci >= cases.length) {
        if (defaultStart !== undefined) return runFrom(defaultStart, e, o);
        return k(e, o);
      }
      const c = cases[ci];
      const conds = c.values.map((x) => this.scalar(x, e, o));
      let cond: LExpr = conds.map((x): LExpr => ({ k: 'bin', op: '==', l: v, r: x })).reduce((a, b) => ({ k: 'bin', op: '||', l: a, r: b }));
      if (v.k === 'const' && conds.every((x) => x.k === 'const')) {
        cond = C(+conds.some((x) => x.k === 'const' && x.v === v.v));
      }
      if (cond.k === 'const') return cond.v ? runFrom(c.start, e, o) : chain(ci + 1, e, o);
      const tOut: LStmt[] = [];
      const eOut: LStmt[] = [];
      runFrom(c.start, new Map(e), tOut);
      chain(ci + 1, new Map(e), eOut);
      this.emit(o, { k: 'if', cond, then: tOut, else: eOut, src: this.site(s) });
    };
    chain(0, env, out);
  }

  merge(env: Env, a: Env, b: Env, aOut: LStmt[], bOut: LStmt[], s: SyntaxNode): void {
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      if (!env.has(name)) continue; // declared inside a branch: out of scope afterwards
      const va = a.get(name)!;
      const vb = b.get(name)!;
      if (va === vb) {
        env.set(name, va);
        continue;
      }
      if (va.k === 'val' && vb.k === 'val') {
        if (exprEquals(va.e, vb.e)) {
          env.set(name, va);
          continue;
        }
        const m = this.fresh();
        aOut.push({ k: 'assign', reg: m, value: va.e, src: this.site(s) });
        bOut.push({ k: 'assign', reg: m, value: vb.e, src: this.site(s) });
        env.set(name, { k: 'val', e: { k: 'reg', name: m } });
      } else if (va.k === 'obj' && vb.k === 'obj' && va.path === vb.path) env.set(name, va);
      else if (va.k === 'unknown' || vb.k === 'unknown') env.set(name, va.k === 'unknown' ? vb : va);
      else {
        env.set(name, { k: 'unknown', why: `${name} differs after the if at ${this.file}:${this.lineAt(s)}` });
      }
    }
  }

  loop(s: SyntaxNode, env: Env, out: LStmt[], k: K, f: FnFrame): void {
    const n = this.opts.unroll;
    const c0 = s.childForFieldName('condition');
    if (s.type === 'do_statement' && c0 && /^\(?\s*0\s*\)?$/.test(c0.text)) {
      // do { … } while (0): a statement block, run once.
      return this.stmt(s.childForFieldName('body')!, env, out, k, { ...f, brk: k, cont: k });
    }
    this.assume(`loop at ${this.file}:${this.lineAt(s)} unrolled at most ${n}×: executions needing more iterations leave the loop early`);
    const body = s.childForFieldName('body')!;
    let condNode: SyntaxNode | null = s.childForFieldName('condition');
    if (condNode?.type === 'parenthesized_expression') condNode = kids(condNode)[0] ?? condNode;
    const update = s.type === 'for_statement' ? s.childForFieldName('update') : null;
    if (s.type === 'for_statement') {
      const init = s.childForFieldName('initializer');
      if (init) {
        if (init.type === 'declaration') this.declaration(init, env, out);
        else this.value(init, env, out);
      }
    }
    if (!loopLeaves(body)) {
      // No break/continue/return/goto inside: nested ifs whose locals merge, then the rest once.
      const iterMerge = (i: number, e: Env, o: LStmt[], first: boolean): void => {
        if (i >= n) return;
        const runInto = (e2: Env, o2: LStmt[]) => {
          this.stmt(body, e2, o2, undefined, f);
          if (update) this.value(update, e2, o2);
          iterMerge(i + 1, e2, o2, false);
        };
        if ((s.type === 'do_statement' && first) || !condNode) return runInto(e, o);
        const c = this.scalar(condNode, e, o);
        if (c.k === 'const') {
          if (c.v) runInto(e, o);
          return;
        }
        const tEnv = new Map(e);
        const tOut: LStmt[] = [];
        runInto(tEnv, tOut);
        const eOut: LStmt[] = [];
        this.merge(e, tEnv, new Map(e), tOut, eOut, s);
        this.emit(o, { k: 'if', cond: c, then: tOut, else: eOut, src: this.site(s) });
      };
      iterMerge(0, env, out, true);
      return k(env, out);
    }
    const iter = (i: number, e: Env, o: LStmt[], first: boolean) => {
      if (i >= n) return k(e, o);
      const run = (e2: Env, o2: LStmt[]) => {
        const next: K = (e3, o3) => {
          if (update) this.value(update, e3, o3);
          iter(i + 1, e3, o3, false);
        };
        this.stmt(body, e2, o2, next, { ...f, brk: k, cont: next });
      };
      if (s.type === 'do_statement' && first) return run(e, o);
      if (!condNode) return run(e, o);
      const c = this.scalar(condNode, e, o);
      if (c.k === 'const') return c.v ? run(e, o) : k(e, o);
      const tOut: LStmt[] = [];
      const eOut: LStmt[] = [];
      run(new Map(e), tOut);
      k(new Map(e), eOut);
      this.emit(o, { k: 'if', cond: c, then: tOut, else: eOut, src: this.site(s) });
    };
    iter(0, env, out, true);
  }
}

/** The first ERROR node under `n`, ignoring a type written as a macro argument (container_of(p, struct T, m)). */
function syntaxError(n: SyntaxNode): SyntaxNode | undefined {
  if (!n.hasError) return undefined;
  for (const e of n.descendantsOfType('ERROR')) {
    if (!e || (e.parent?.type === 'argument_list' && /^(struct|union|enum|const)\b/.test(e.text))) continue;
    return e;
  }
  return n.type === 'ERROR' ? n : undefined;
}

/** Unsigned widths that matter for index arithmetic (u16 ring indexes wrap). */
const NARROW: Record<string, number> = {
  u8: 0xff,
  __u8: 0xff,
  uint8_t: 0xff,
  'unsigned char': 0xff,
  u16: 0xffff,
  __u16: 0xffff,
  uint16_t: 0xffff,
  'unsigned short': 0xffff,
  __virtio16: 0xffff,
  __le16: 0xffff,
};

/**
 * Truncates a value to a narrow unsigned type. Constants fold; other values are masked only when they
 * can leave the type's range (after '-', unary minus or '~'), so plain copies stay unmasked.
 */
function narrow(typeText: string | undefined, e: LExpr): LExpr {
  const t = typeText?.replace(/^(const|volatile)\s+/, '').trim();
  if (t === 'bool' || t === '_Bool') {
    // Conversion to bool: any non-zero value is 1.
    if (e.k === 'const') return C(+(e.v !== 0));
    // A register is left as it is: the core converts values read from bool fields, which hold 0 or 1.
    const boolish = e.k === 'reg' || (e.k === 'un' && e.op === '!') || (e.k === 'bin' && ['==', '!=', '<', '>', '<=', '>=', '&&', '||'].includes(e.op));
    return boolish ? e : { k: 'bin', op: '!=', l: e, r: C(0) };
  }
  const mask = t ? NARROW[t] : undefined;
  if (mask === undefined) return e;
  if (e.k === 'const') return C(e.v & mask);
  const mayWrap = (x: LExpr): boolean => (x.k === 'bin' && (x.op === '-' || x.op === '+' || mayWrap(x.l) || mayWrap(x.r))) || (x.k === 'un' && x.op !== '!');
  return mayWrap(e) ? { k: 'bin', op: '&', l: e, r: C(mask) } : e;
}

function isTypeName(name: string, syms: SymbolTable): boolean {
  return name in NARROW || syms.typedefs.has(name) || /^(bool|int|long|unsigned|u32|u64|__u32|__u64|s16|s32|size_t|dma_addr_t|__virtio32|__virtio64)$/.test(name);
}

/** Whether a loop body can leave its iteration other than by falling through (break, continue, return, goto). */
function loopLeaves(n: SyntaxNode): boolean {
  if (LEAVING.has(n.type)) return true;
  const nestedLoop = ['for_statement', 'while_statement', 'do_statement', 'switch_statement'].includes(n.type);
  return kids(n).some((c) => (nestedLoop ? hasReturnOrGoto(c) : loopLeaves(c)));
}

function big(a: number, b: number, f: (x: bigint, y: bigint) => bigint): number | undefined {
  if (!Number.isInteger(a) || !Number.isInteger(b)) return undefined;
  const r = BigInt.asIntN(64, f(BigInt(a), BigInt(b)));
  return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : undefined;
}

function foldBin(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b ? Math.trunc(a / b) : undefined;
    case '%': return b ? a % b : undefined;
    // Bit operations on 64-bit values (feature words): exact through BigInt.
    case '&': return big(a, b, (x, y) => x & y);
    case '|': return big(a, b, (x, y) => x | y);
    case '^': return big(a, b, (x, y) => x ^ y);
    case '<<': return big(a, b, (x, y) => x << y);
    case '>>': return big(a, b, (x, y) => x >> y);
    case '==': return +(a === b);
    case '!=': return +(a !== b);
    case '<': return +(a < b);
    case '>': return +(a > b);
    case '<=': return +(a <= b);
    case '>=': return +(a >= b);
    case '&&': return +(!!a && !!b);
    case '||': return +(!!a || !!b);
  }
  return undefined;
}

/**
 * Lowers `fn` of `prog` for one scenario thread: callees in the core inlined, calls in `opts.calls`
 * replaced by their models, struct fields named by `opts.instances`. Never throws for unsupported C:
 * those constructs are listed in `unsupported` (the scenario is then inconclusive).
 */
export function lowerCall(prog: CoreProgram, fn: string, opts: LowerOptions): Lowered {
  // Slicing keeps a dropped read after all when its value reaches a kept statement (a condition, a
  // stored value, a model's argument, the return value): lower again with it kept, until stable.
  const forced = new Set<string>();
  for (let round = 0; ; round++) {
    const r = lowerOnce(prog, fn, opts, forced);
    const used = new Set<string>();
    for (const reg of r.registers) if (reg.startsWith(HAVOC)) used.add(reg.slice(HAVOC.length));
    if (r.returnValue) {
      const regs = new Set<string>();
      exprRegs(r.returnValue, regs);
      for (const reg of regs) if (reg.startsWith(HAVOC)) used.add(reg.slice(HAVOC.length));
    }
    const fresh = [...used].filter((l) => !forced.has(l));
    if (fresh.length === 0 || round >= 8) {
      for (const l of [...forced].sort()) r.assumptions.push(`slice kept ${l}: values read from it decide kept statements`);
      if (fresh.length) r.unsupported.push({ construct: `slicing did not settle (${fresh.join(', ')})`, file: '', line: 0 });
      return r;
    }
    for (const l of fresh) forced.add(l);
  }
}

function lowerOnce(prog: CoreProgram, fn: string, opts: LowerOptions, forced: Set<string>): Lowered {
  const lw = new Lowerer(prog, opts, forced);
  const stmts: LStmt[] = [];
  let returnValue: LExpr | undefined;
  const def = lw.syms.functions.get(fn);
  if (!def) {
    const where = prog.functions.has(fn) ? ' under this config' : '';
    lw.unsupported.push({ construct: `function ${fn} is not defined in the virtio core${where}`, file: '', line: 0 });
  } else {
    const bound = new Map<string, AVal>();
    for (const [k, v] of Object.entries(opts.params ?? {})) {
      bound.set(k, 'object' in v ? { k: 'obj', path: v.object } : { k: 'val', e: v });
    }
    try {
      const v = lw.inline(def, undefined, [], undefined, stmts, bound);
      if (v.k === 'val') returnValue = v.e;
    } catch (e) {
      if (!(e instanceof StopLowering)) throw e;
    }
  }
  const locationKinds = stmtLocations(stmts);
  return {
    stmts,
    returnValue,
    locations: new Set(locationKinds.keys()),
    locationKinds,
    registers: stmtRegisters(stmts),
    assumptions: lw.assumptions,
    unsupported: lw.unsupported,
    freedChecks: lw.freedChecks,
  };
}
