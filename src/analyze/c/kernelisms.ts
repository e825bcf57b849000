// Kernel C idioms the front-end handles explicitly: #if/#ifdef by config, annotation macros, iterator macros, logging, container_of.

/** A config setting: CONFIG_X → on/off. Symbols not given are off (and reported as assumed). */
export type ConfigMap = Record<string, boolean>;

export interface Prepared {
  /** Same number of lines as the input; inactive and directive lines blanked, annotations blanked. */
  text: string;
  /** CONFIG_ symbols the text tests that the config map does not set (assumed off). */
  assumedOff: string[];
  /** Problems such as an unbalanced #endif, with line numbers. */
  problems: string[];
}

/**
 * Annotation macros that carry no meaning for the memory model (sparse/compiler hints). They are
 * replaced by spaces so tree-sitter sees plain C and columns stay put.
 */
export const ANNOTATION_MACROS = [
  '__must_check',
  '__iomem',
  '__maybe_unused',
  '__always_unused',
  '__rcu',
  '__cold',
  '__hot',
  '__init',
  '__exit',
  '__user',
  '__force',
  '__percpu',
  '__bitwise',
  '__read_mostly',
  '__ro_after_init',
  '__always_inline',
  'noinline',
  'notrace',
  '__weak',
  '__packed',
  '__noreturn',
  '__nocast',
  '__private',
  '__randomize_layout',
  '__no_randomize_layout',
] as const;

/** Annotation macros with an argument list, blanked with it: `__aligned(8)`, `__printf(2, 3)`. */
export const ANNOTATION_CALL_MACROS = [
  '__attribute__',
  '__aligned',
  '__printf',
  '__counted_by',
  '__counted_by_le',
  '__section',
  '__must_hold',
  '__acquires',
  '__releases',
  '__cond_acquires',
] as const;

/** Top-level registration macros (a whole `NAME(...);` statement) blanked before parsing. */
export const TOPLEVEL_MACROS = /^(EXPORT_SYMBOL(_GPL|_NS_GPL|_NS)?|MODULE_[A-Z_]+|module_param(_named)?|core_initcall|module_init|module_exit|subsys_initcall|ATTRIBUTE_GROUPS)$/;

/**
 * Iterator macros written like a loop header: `list_for_each_entry(pos, head, member) body`.
 * tree-sitter reads the header as a call statement missing its ';' followed by the body; the lowering
 * recognises that shape. The number is the argument that is the cursor. The loop is unrolled a stated,
 * bounded number of times (LowerOptions.unroll): the list holds that many entries, each bound to the
 * cursor type's instance.
 */
export const ITERATOR_MACROS: Record<string, { cursor: number; list: number }> = {
  list_for_each_entry: { cursor: 0, list: 1 },
  list_for_each_entry_safe: { cursor: 0, list: 2 },
  list_for_each_entry_rcu: { cursor: 0, list: 1 },
  list_for_each_entry_reverse: { cursor: 0, list: 1 },
  list_for_each: { cursor: 0, list: 1 },
  list_for_each_safe: { cursor: 0, list: 2 },
  virtio_device_for_each_vq: { cursor: 1, list: 0 },
  for_each_sg: { cursor: 1, list: 0 },
};

/** Logging, debugging and lockdep calls: no shared effect; their arguments are not evaluated. */
export const NO_EFFECT_CALLS = new Set([
  'dev_warn_once',
  'dev_warn',
  'dev_err',
  'dev_err_once',
  'dev_info',
  'dev_dbg',
  'dev_notice',
  'dev_WARN',
  'dev_WARN_ONCE',
  'pr_debug',
  'pr_err',
  'pr_warn',
  'pr_warn_once',
  'pr_info',
  'pr_notice',
  'printk',
  'might_sleep',
  'lockdep_assert_held',
  'kmemleak_ignore',
  'START_USE',
  'END_USE',
  'LAST_ADD_TIME_UPDATE',
  'LAST_ADD_TIME_CHECK',
  'LAST_ADD_TIME_INVALID',
]);

/**
 * Assertions: no shared effect except evaluating the condition (argument 0), whose value they return.
 * The lowering assumes they do not fire (a fired BUG_ON stops the CPU; WARN_ON continues).
 */
export const CONDITION_CALLS = new Set(['WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE', 'BUG_ON', 'VM_BUG_ON']);

/** Value-transparent wrappers: the result is the last argument (branch hints, byte-order conversion, casts). */
export const TRANSPARENT_CALLS: Record<string, number> = {
  likely: 0,
  unlikely: 0,
  // Endianness conversions change no ordering and, for the models, no value.
  virtio16_to_cpu: 1,
  virtio32_to_cpu: 1,
  virtio64_to_cpu: 1,
  cpu_to_virtio16: 1,
  cpu_to_virtio32: 1,
  cpu_to_virtio64: 1,
  le16_to_cpu: 0,
  le32_to_cpu: 0,
  cpu_to_le16: 0,
  cpu_to_le32: 0,
  __virtio16_to_cpu: 1,
  __cpu_to_virtio16: 1,
};

/**
 * container_of-style conversions: name → the struct type of the result (argument layout of
 * container_of(ptr, type, member) is handled separately). to_vvq is virtio_ring.c's own macro.
 */
export const CONTAINER_OF_MACROS: Record<string, string | undefined> = {
  container_of: undefined,
  container_of_const: undefined,
  to_vvq: 'vring_virtqueue',
  dev_to_virtio: 'virtio_device',
  drv_to_virtio: 'virtio_driver',
};

/**
 * Calls with a known value and no shared effect: the value is computed from constant arguments
 * (`undefined` when it cannot be), or fixed by a stated environment fact.
 */
export const VALUE_CALLS: Record<string, { why: string; value: (args: (number | undefined)[]) => number | undefined }> = {
  BIT: { why: 'BIT(n) is 1 << n', value: ([n]) => (n === undefined ? undefined : 2 ** n) },
  BIT_ULL: { why: 'BIT_ULL(n) is 1 << n', value: ([n]) => (n === undefined ? undefined : 2 ** n) },
  BUILD_BUG_ON: { why: 'a compile-time check: no run-time effect', value: () => 0 },
  is_power_of_2: { why: 'computed from its constant argument', value: ([n]) => (n === undefined ? undefined : +(n > 0 && (n & (n - 1)) === 0)) },
  xen_domain: { why: 'the guest is not a Xen domain (environment fact)', value: () => 0 },
  dma_mapping_error: { why: 'DMA mappings succeed (environment fact)', value: () => 0 },
};

/** Allocators: the result is a fresh object (the declared type's instance) and allocation is assumed to succeed. */
export const ALLOC_CALLS = new Set(['kmalloc', 'kzalloc', 'kcalloc', 'kmalloc_array', 'kvmalloc', 'kvzalloc', 'kvmalloc_array', 'alloc_pages_exact', 'vring_alloc_queue', 'dma_alloc_coherent']);

/** Constants from headers outside the four files (uapi virtio_config.h, irqreturn.h), used when no #define is seen. */
export const KNOWN_CONSTANTS: Record<string, number> = {
  NULL: 0,
  true: 1,
  false: 0,
  IRQ_NONE: 0,
  IRQ_HANDLED: 1,
  IRQ_WAKE_THREAD: 2,
  VIRTIO_CONFIG_S_ACKNOWLEDGE: 1,
  VIRTIO_CONFIG_S_DRIVER: 2,
  VIRTIO_CONFIG_S_DRIVER_OK: 4,
  VIRTIO_CONFIG_S_FEATURES_OK: 8,
  VIRTIO_CONFIG_S_NEEDS_RESET: 0x40,
  VIRTIO_CONFIG_S_FAILED: 0x80,
  VRING_AVAIL_F_NO_INTERRUPT: 1,
  VRING_USED_F_NO_NOTIFY: 1,
  VRING_DESC_F_NEXT: 1,
  VRING_DESC_F_WRITE: 2,
  VRING_DESC_F_INDIRECT: 4,
  EINVAL: 22,
  ENOSPC: 28,
  EIO: 5,
  ENOMEM: 12,
  ENODEV: 19,
};

/** Replaces `re` matches by spaces (same length) so line and column numbers stay true. */
function blank(s: string): string {
  return s.replace(/[^\n]/g, ' ');
}

/** Blanks `NAME(...)` with balanced parentheses starting at index i (NAME already matched). */
function blankCall(text: string, start: number, nameLen: number): { text: string; end: number } {
  let j = start + nameLen;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  if (text[j] !== '(') return { text, end: start + nameLen };
  let depth = 0;
  let k = j;
  for (; k < text.length; k++) {
    if (text[k] === '(') depth++;
    else if (text[k] === ')') {
      depth--;
      if (depth === 0) {
        k++;
        break;
      }
    }
  }
  return { text: text.slice(0, start) + blank(text.slice(start, k)) + text.slice(k), end: k };
}

/** Blanks annotation macros, annotation calls and top-level registration statements. */
export function blankAnnotations(text: string): string {
  let out = text.replace(new RegExp(`\\b(${ANNOTATION_MACROS.join('|')})\\b`, 'g'), (m) => blank(m));
  const callRe = new RegExp(`\\b(${ANNOTATION_CALL_MACROS.join('|')})\\s*\\(`, 'g');
  let m: RegExpExecArray | null;
  while ((m = callRe.exec(out))) {
    const r = blankCall(out, m.index, m[1].length);
    out = r.text;
    callRe.lastIndex = r.end;
  }
  // `EXPORT_SYMBOL_GPL(x);` and friends at the start of a line, with the trailing ';'.
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const mm = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(lines[i]);
    if (mm && TOPLEVEL_MACROS.test(mm[1])) {
      // Blank through the closing ");" which may continue on the following lines.
      let depth = 0;
      let done = false;
      for (let j = i; j < lines.length && !done; j++) {
        let k = 0;
        for (; k < lines[j].length; k++) {
          const c = lines[j][k];
          if (c === '(') depth++;
          else if (c === ')') {
            depth--;
            if (depth === 0) {
              const semi = lines[j].indexOf(';', k);
              const stop = semi >= 0 ? semi + 1 : k + 1;
              lines[j] = blank(lines[j].slice(0, stop)) + lines[j].slice(stop);
              done = true;
              i = j;
              break;
            }
          }
        }
        if (!done) lines[j] = blank(lines[j]);
      }
    }
  }
  return lines.join('\n');
}

// ---- conditional compilation -------------------------------------------------------------------

type Tok = { t: 'id' | 'num' | 'op'; v: string };

function tokenize(expr: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|(&&|\|\||==|!=|<=|>=|[()!<>+\-*/]))/y;
  let m: RegExpExecArray | null;
  let last = 0;
  while (last < expr.length && (m = re.exec(expr))) {
    if (m[1]) out.push({ t: 'id', v: m[1] });
    else if (m[2]) out.push({ t: 'num', v: m[2] });
    else out.push({ t: 'op', v: m[3] });
    last = re.lastIndex;
  }
  if (expr.slice(last).trim()) throw new Error(`cannot read "${expr.slice(last).trim()}"`);
  return out;
}

/** Evaluates a #if expression: defined(), IS_ENABLED/IS_BUILTIN/IS_REACHABLE/IS_MODULE, integers, ! && || == !=. */
function evalIf(expr: string, value: (sym: string) => number, isDefined: (sym: string) => boolean): number {
  const toks = tokenize(expr);
  let i = 0;
  const peek = () => toks[i];
  const eat = (v?: string) => {
    const t = toks[i++];
    if (!t || (v !== undefined && t.v !== v)) throw new Error(`expected ${v ?? 'a token'} in "${expr}"`);
    return t;
  };
  const primary = (): number => {
    const t = eat();
    if (t.t === 'num') return Number(t.v);
    if (t.v === '(') {
      const v = or();
      eat(')');
      return v;
    }
    if (t.v === '!') return primary() ? 0 : 1;
    if (t.v === '-') return -primary();
    if (t.t === 'id') {
      if (t.v === 'defined') {
        const paren = peek()?.v === '(';
        if (paren) eat('(');
        const sym = eat().v;
        if (paren) eat(')');
        return isDefined(sym) ? 1 : 0;
      }
      if (/^IS_(ENABLED|BUILTIN|REACHABLE|MODULE)$/.test(t.v)) {
        eat('(');
        const sym = eat().v;
        eat(')');
        // IS_MODULE: a config map holds on/off only, so "on" means built in.
        return t.v === 'IS_MODULE' ? 0 : value(sym) ? 1 : 0;
      }
      return value(t.v);
    }
    throw new Error(`unexpected "${t.v}" in "${expr}"`);
  };
  const cmp = (): number => {
    let v = primary();
    while (peek() && ['==', '!=', '<', '>', '<=', '>='].includes(peek().v)) {
      const op = eat().v;
      const r = primary();
      v = op === '==' ? +(v === r) : op === '!=' ? +(v !== r) : op === '<' ? +(v < r) : op === '>' ? +(v > r) : op === '<=' ? +(v <= r) : +(v >= r);
    }
    return v;
  };
  const and = (): number => {
    let v = cmp();
    while (peek()?.v === '&&') {
      eat();
      const r = cmp();
      v = v && r ? 1 : 0;
    }
    return v;
  };
  const or = (): number => {
    let v = and();
    while (peek()?.v === '||') {
      eat();
      const r = and();
      v = v || r ? 1 : 0;
    }
    return v;
  };
  const v = or();
  if (i !== toks.length) throw new Error(`trailing tokens in "${expr}"`);
  return v;
}

/**
 * Resolves #if/#ifdef/#ifndef/#elif/#else/#endif for `config`, blanking the directive lines and the
 * inactive lines (so line numbers stay true), then blanks annotation macros. CONFIG_ symbols not in
 * `config` are taken as off and listed; other macros count as defined when a #define was seen above.
 */
export function prepare(text: string, config: ConfigMap, file = '<input>'): Prepared {
  const lines = text.split('\n');
  const assumed = new Set<string>();
  const problems: string[] = [];
  const defined = new Set<string>();
  const value = (sym: string): number => {
    if (sym.startsWith('CONFIG_')) {
      if (sym in config) return config[sym] ? 1 : 0;
      assumed.add(sym);
      return 0;
    }
    return defined.has(sym) ? 1 : 0;
  };
  const isDefined = (sym: string): boolean => (sym.startsWith('CONFIG_') ? value(sym) === 1 : defined.has(sym));
  // Each frame: is this group active, has a branch been taken, was the parent active.
  const stack: { active: boolean; taken: boolean; parent: boolean; line: number }[] = [];
  const activeNow = () => (stack.length ? stack[stack.length - 1].active : true);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif|define|undef)\b(.*)$/.exec(lines[i]);
    if (!m) {
      if (!activeNow()) lines[i] = '';
      continue;
    }
    // Join continuation lines of the directive (kept blank afterwards).
    let rest = m[2];
    let j = i;
    while (rest.endsWith('\\') && j + 1 < lines.length) {
      rest = rest.slice(0, -1) + ' ' + lines[++j];
    }
    rest = rest.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
    const kw = m[1];
    const cond = (f: () => boolean): boolean => {
      try {
        return f();
      } catch (e) {
        problems.push(`${file}:${i + 1}: cannot evaluate #${kw} ${rest} (${(e as Error).message}); taken as false`);
        return false;
      }
    };
    if (kw === 'define' || kw === 'undef') {
      if (activeNow()) {
        const name = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)?.[1];
        if (name) kw === 'define' ? defined.add(name) : defined.delete(name);
        // Active #define lines stay for tree-sitter (preproc_def / preproc_function_def). A comment
        // inside a continued macro body confuses it, so those comments become spaces.
        if (j > i) for (let k = i; k <= j; k++) lines[k] = lines[k].replace(/\/\*.*?\*\//g, (c) => blank(c));
        i = j;
        continue;
      }
    } else if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
      const parent = activeNow();
      const sym = rest.split(/\s+/)[0];
      const c = parent
        ? cond(() => (kw === 'if' ? evalIf(rest, value, isDefined) !== 0 : kw === 'ifdef' ? isDefined(sym) : !isDefined(sym)))
        : false;
      stack.push({ active: parent && c, taken: c, parent, line: i + 1 });
    } else if (kw === 'elif') {
      const top = stack[stack.length - 1];
      if (!top) problems.push(`${file}:${i + 1}: #elif without #if`);
      else {
        const c = top.parent && !top.taken ? cond(() => evalIf(rest, value, isDefined) !== 0) : false;
        top.active = top.parent && !top.taken && c;
        top.taken ||= c;
      }
    } else if (kw === 'else') {
      const top = stack[stack.length - 1];
      if (!top) problems.push(`${file}:${i + 1}: #else without #if`);
      else {
        top.active = top.parent && !top.taken;
        top.taken = true;
      }
    } else if (kw === 'endif') {
      if (!stack.pop()) problems.push(`${file}:${i + 1}: #endif without #if`);
    }
    for (let k = i; k <= j; k++) lines[k] = '';
    i = j;
  }
  for (const f of stack) problems.push(`${file}:${f.line}: #if without #endif`);
  return { text: blankAnnotations(lines.join('\n')), assumedOff: [...assumed].sort(), problems };
}

/** CONFIG_ symbols that a text tests in #if lines (so callers know which settings matter). */
export function configSymbols(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (/^\s*#\s*(if|ifdef|ifndef|elif)\b/.test(line)) for (const m of line.matchAll(/\bCONFIG_[A-Za-z0-9_]+/g)) out.add(m[0]);
  }
  return [...out].sort();
}
