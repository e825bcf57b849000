// Collects the functions, struct layouts and macros of parsed virtio-core files (the front-end's symbol table).
import { kids, lineOf, type SyntaxNode } from './parser.js';

/** A C type as far as the lowering needs it: the struct it names (if any) and pointer depth. */
export interface CType {
  /** The written base type: "struct virtqueue", "u16", "bool", … */
  text: string;
  /** Struct or union tag when the base is one ("virtqueue"). */
  struct?: string;
  /** Number of '*'. */
  ptr: number;
  array: boolean;
  /** A function pointer (field or parameter). */
  fn: boolean;
}

export interface CParam {
  name: string;
  type: CType;
}

export interface CFunction {
  name: string;
  file: string;
  startLine: number;
  endLine: number;
  isStatic: boolean;
  isInline: boolean;
  params: CParam[];
  returnType: CType;
}

/** A function with its syntax node, for the lowering (bound to one parse of one config). */
export interface CFunctionDef extends CFunction {
  body: SyntaxNode;
}

export interface CField {
  name: string;
  type: CType;
}

export interface CStruct {
  name: string;
  file: string;
  line: number;
  /** Fields in order; members of anonymous unions/structs are lifted into the parent, as C does. */
  fields: Map<string, CField>;
}

export interface CMacro {
  name: string;
  file: string;
  line: number;
  params?: string[];
  /** The replacement text ('' for an empty macro such as START_USE without DEBUG). */
  body: string;
}

export interface SymbolTable {
  functions: Map<string, CFunctionDef>;
  structs: Map<string, CStruct>;
  macros: Map<string, CMacro>;
  /** Integer-valued object-like macros and enumerators. */
  constants: Map<string, number>;
  /** typedef name → struct tag (`vring_avail_t` → `vring_avail`), so fields typed by a typedef resolve. */
  typedefs: Map<string, string>;
  problems: string[];
}

export function emptySymbols(): SymbolTable {
  return { functions: new Map(), structs: new Map(), macros: new Map(), constants: new Map(), typedefs: new Map(), problems: [] };
}

/** Reads the type named by a type node plus the pointer/array/function shape of a declarator. */
export function typeOf(typeNode: SyntaxNode | null, declarator: SyntaxNode | null): { type: CType; name?: string } {
  const type: CType = { text: typeNode?.text ?? 'int', ptr: 0, array: false, fn: false };
  if (typeNode && (typeNode.type === 'struct_specifier' || typeNode.type === 'union_specifier')) {
    const n = typeNode.childForFieldName('name');
    if (n) type.struct = n.text;
    type.text = `${typeNode.type === 'struct_specifier' ? 'struct' : 'union'} ${n?.text ?? '<anonymous>'}`;
  }
  let d = declarator;
  let name: string | undefined;
  while (d) {
    switch (d.type) {
      case 'pointer_declarator':
      case 'abstract_pointer_declarator':
        type.ptr++;
        d = d.childForFieldName('declarator');
        break;
      case 'array_declarator':
      case 'abstract_array_declarator':
        type.array = true;
        d = d.childForFieldName('declarator');
        break;
      case 'function_declarator':
      case 'abstract_function_declarator':
        type.fn = true;
        d = d.childForFieldName('declarator');
        break;
      case 'parenthesized_declarator':
      case 'abstract_parenthesized_declarator':
        d = kids(d)[0] ?? null;
        break;
      case 'init_declarator':
        d = d.childForFieldName('declarator');
        break;
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        name = d.text;
        d = null;
        break;
      default:
        d = null;
    }
  }
  return { type, name };
}

function collectStruct(node: SyntaxNode, file: string, syms: SymbolTable, nameHint?: string): CStruct | undefined {
  const body = node.childForFieldName('body');
  if (!body) return undefined;
  const name = node.childForFieldName('name')?.text ?? nameHint;
  const st: CStruct = { name: name ?? '<anonymous>', file, line: lineOf(node), fields: new Map() };
  for (const fd of kids(body)) {
    if (fd.type !== 'field_declaration') continue;
    const tn = fd.childForFieldName('type');
    const decls = fd.childrenForFieldName('declarator').filter((x): x is SyntaxNode => x !== null);
    const inner = tn && (tn.type === 'struct_specifier' || tn.type === 'union_specifier') && tn.childForFieldName('body');
    if (inner && decls.length === 0) {
      // Anonymous union/struct member: its fields belong to the parent.
      const sub = collectStruct(tn!, file, syms, `${st.name}.<anonymous>`);
      if (sub) for (const [k, v] of sub.fields) st.fields.set(k, v);
      continue;
    }
    for (const d of decls) {
      const { type, name: fname } = typeOf(tn, d);
      if (!fname) continue;
      if (inner && !tn!.childForFieldName('name')) {
        // `struct { … } split;`: give the inline type a synthetic tag so field paths resolve.
        const tag = `${st.name}.${fname}`;
        const sub = collectStruct(tn!, file, syms, tag);
        if (sub) syms.structs.set(tag, sub);
        type.struct = tag;
      }
      st.fields.set(fname, { name: fname, type });
    }
  }
  if (name) {
    if (!syms.structs.has(name)) syms.structs.set(name, st);
  }
  // Nested named struct definitions inside the body are types too.
  for (const fd of kids(body)) {
    const tn = fd.childForFieldName('type');
    if (tn && tn.type === 'struct_specifier' && tn.childForFieldName('name') && tn.childForFieldName('body')) {
      collectStruct(tn, file, syms);
    }
  }
  return st;
}

function functionDeclarator(d: SyntaxNode | null): SyntaxNode | undefined {
  while (d) {
    if (d.type === 'function_declarator') return d;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

function parseIntLiteral(text: string): number | undefined {
  const t = text.trim().replace(/^\((.*)\)$/, '$1').trim();
  const m = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.exec(t);
  if (m) return Number(m[1]);
  const sh = /^(\d+)[uUlL]*\s*<<\s*(\d+)$/.exec(t);
  if (sh) return Number(sh[1]) << Number(sh[2]);
  return undefined;
}

/** Adds one parsed file's symbols. Syntax errors are reported with line numbers; the rest is still read. */
export function collectSymbols(root: SyntaxNode, file: string, syms: SymbolTable): void {
  const visit = (n: SyntaxNode, top: boolean) => {
    switch (n.type) {
      case 'function_definition': {
        const declarator = n.childForFieldName('declarator');
        const fd = functionDeclarator(declarator);
        const nameNode = fd?.childForFieldName('declarator');
        const body = n.childForFieldName('body');
        if (!fd || !nameNode || nameNode.type !== 'identifier' || !body) {
          syms.problems.push(`${file}:${lineOf(n)}: a function definition without a readable name`);
          return;
        }
        const specifiers = n.children.filter((c): c is SyntaxNode => c !== null).map((c) => c.text);
        const params: CParam[] = [];
        for (const p of kids(fd.childForFieldName('parameters')!)) {
          if (p.type !== 'parameter_declaration') continue;
          const { type, name } = typeOf(p.childForFieldName('type'), p.childForFieldName('declarator'));
          if (name) params.push({ name, type });
        }
        const ret = typeOf(n.childForFieldName('type'), declarator).type;
        ret.fn = false;
        const f: CFunctionDef = {
          name: nameNode.text,
          file,
          startLine: lineOf(n),
          endLine: n.endPosition.row + 1,
          isStatic: specifiers.includes('static'),
          isInline: specifiers.includes('inline') || specifiers.includes('__always_inline'),
          params,
          returnType: ret,
          body,
        };
        if (body.hasError) {
          // A type as a macro argument (container_of(p, struct T, m)) is an ERROR node the lowering reads
          // from the text; any other error is reported, and lowering the statement becomes unsupported.
          for (const e of body.descendantsOfType('ERROR')) {
            if (!e || (e.parent?.type === 'argument_list' && /^(struct|union|enum|const)\b/.test(e.text))) continue;
            syms.problems.push(`${file}:${lineOf(e)}: tree-sitter could not read "${e.text.split('\n')[0].slice(0, 60)}" in ${f.name}`);
          }
        }
        if (syms.functions.has(f.name)) {
          const prev = syms.functions.get(f.name)!;
          syms.problems.push(`${file}:${f.startLine}: ${f.name} is defined again (first at ${prev.file}:${prev.startLine}); using the first`);
        } else syms.functions.set(f.name, f);
        // Struct definitions never sit in function bodies here; do not descend.
        return;
      }
      case 'struct_specifier':
      case 'union_specifier':
        if (n.childForFieldName('body') && n.childForFieldName('name')) collectStruct(n, file, syms);
        break;
      case 'type_definition': {
        const tn = n.childForFieldName('type');
        if (tn && (tn.type === 'struct_specifier' || tn.type === 'union_specifier')) {
          const tag = tn.childForFieldName('name')?.text;
          if (tn.childForFieldName('body') && tag) collectStruct(tn, file, syms);
          for (const d of n.childrenForFieldName('declarator')) {
            if (!d) continue;
            const { type, name } = typeOf(tn, d);
            if (name && tag && type.ptr === 0) syms.typedefs.set(name, tag);
            else if (name && !tag && tn.childForFieldName('body')) {
              const st = collectStruct(tn, file, syms, name);
              if (st) syms.structs.set(name, st);
              syms.typedefs.set(name, name);
            }
          }
        }
        return;
      }
      case 'enumerator_list': {
        let next = 0;
        for (const e of kids(n)) {
          if (e.type !== 'enumerator') continue;
          const name = e.childForFieldName('name')?.text;
          const v = e.childForFieldName('value');
          const val = v ? parseIntLiteral(v.text) : next;
          if (name && val !== undefined) {
            syms.constants.set(name, val);
            next = val + 1;
          }
        }
        break;
      }
      case 'preproc_def': {
        const name = n.childForFieldName('name')?.text;
        const value = n.childForFieldName('value')?.text ?? '';
        if (name) {
          syms.macros.set(name, { name, file, line: lineOf(n), body: value.trim() });
          const v = parseIntLiteral(value);
          if (v !== undefined) syms.constants.set(name, v);
        }
        return;
      }
      case 'preproc_function_def': {
        const name = n.childForFieldName('name')?.text;
        const ps = n.childForFieldName('parameters');
        if (name) {
          syms.macros.set(name, {
            name,
            file,
            line: lineOf(n),
            params: ps ? kids(ps).map((k) => k.text) : [],
            body: (n.childForFieldName('value')?.text ?? '').trim(),
          });
        }
        return;
      }
      case 'ERROR':
        if (top) syms.problems.push(`${file}:${lineOf(n)}: tree-sitter could not read "${n.text.split('\n')[0].slice(0, 60)}"`);
        break;
    }
    for (const c of kids(n)) visit(c, false);
  };
  for (const c of kids(root)) visit(c, true);
}
