// Loads a memory model from a kernel tree's tools/memory-model: .cfg → .def text, parsed .bell/.cat (includes resolved), compiled plan.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CatFile, Loc } from './cat/ast.js';
import { ModelError } from './cat/errors.js';
import { compileModel, type Plan } from './cat/evaluator.js';
import { CatSyntaxError, parseCat } from './cat/parser.js';
import { NATIVE_INCLUDES, type NativeInstr } from './cat/stdlib.js';

export { ModelError } from './cat/errors.js';
export { judge } from './cat/evaluator.js';

export interface ModelConfig {
  /** The .def macro file name, as the .cfg gives it. */
  macros: string;
  bell?: string;
  model: string;
}

export interface Model {
  /** The directory the model was read from (<tree>/tools/memory-model). */
  dir: string;
  /** Base name of the .cat file ("linux-kernel"). */
  name: string;
  /** The title string the .cat file starts with, if any. */
  title?: string;
  cfg: ModelConfig;
  /** Text and path of the .def macro file (the litmus side expands C primitives with it). */
  defText: string;
  defFile: string;
  bell?: CatFile;
  cat: CatFile;
  /** Files read through `include`, by name (natively provided library files are not listed). */
  included: Map<string, CatFile>;
  /** The compiled evaluation plan (see cat/evaluator.ts). */
  plan: Plan;
}

/** Parse the key/value lines of a herd .cfg file (unknown keys, such as graph settings, are ignored). */
export function parseCfg(text: string, file: string): ModelConfig {
  const kv = new Map<string, string>();
  text.split('\n').forEach((raw) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m) kv.set(m[1], m[2].trim());
  });
  const model = kv.get('model');
  const macros = kv.get('macros');
  if (!model) throw new ModelError(`${file}: no 'model' line`);
  if (!macros) throw new ModelError(`${file}: no 'macros' line`);
  return { model, macros, ...(kv.has('bell') ? { bell: kv.get('bell') } : {}) };
}

/** Synchronous: a model is a handful of small files, and node:fs/promises alone costs more to load than reading them. */
function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ModelError(`cannot read ${what} ${path}`);
  }
}

function parseFile(text: string, path: string): CatFile {
  try {
    return parseCat(text, path);
  } catch (err) {
    if (err instanceof CatSyntaxError) throw new ModelError(err.message);
    throw err;
  }
}

/**
 * Load the model in dir (e.g. <tree>/tools/memory-model): reads linux-kernel.cfg (or the only .cfg there),
 * then the .def, .bell and .cat it names. Includes resolve to the natively provided library files
 * (stdlib.cat, cross.cat, cos-opt.cat, cos.cat) or to files in dir (lock.cat); anything else is a ModelError.
 */
export async function loadModel(dir: string): Promise<Model> {
  let cfgPath = join(dir, 'linux-kernel.cfg');
  if (!existsSync(cfgPath)) {
    let cfgs: string[] = [];
    try {
      cfgs = readdirSync(dir).filter((f) => f.endsWith('.cfg'));
    } catch {
      throw new ModelError(`cannot read model directory ${dir}`);
    }
    if (cfgs.length !== 1) throw new ModelError(`${dir}: no linux-kernel.cfg (and not exactly one .cfg file)`);
    cfgPath = join(dir, cfgs[0]);
  }
  const cfg = parseCfg(readText(cfgPath, 'model configuration'), cfgPath);
  const defFile = join(dir, cfg.macros);
  const defText = readText(defFile, 'macro file');
  const bellPath = cfg.bell ? join(dir, cfg.bell) : undefined;
  const bell = bellPath ? parseFile(readText(bellPath, 'bell file'), bellPath) : undefined;
  const catPath = join(dir, cfg.model);
  const cat = parseFile(readText(catPath, 'cat file'), catPath);

  // Includes are resolved ahead of compilation (the compiler is synchronous): read every file that any
  // reachable include names and that exists in dir.
  const included = new Map<string, CatFile>();
  const pending = [...(bell ? [bell] : []), cat];
  while (pending.length) {
    const f = pending.pop()!;
    for (const ins of f.instrs) {
      if (ins.k !== 'include' || ins.file in NATIVE_INCLUDES || included.has(ins.file)) continue;
      const path = join(dir, ins.file);
      if (!existsSync(path)) continue; // reported by the compiler with the include's position
      const parsed = parseFile(readText(path, 'included file'), path);
      included.set(ins.file, parsed);
      pending.push(parsed);
    }
  }
  const resolve = (file: string, _from: Loc): CatFile | NativeInstr[] | undefined =>
    file in NATIVE_INCLUDES ? NATIVE_INCLUDES[file] : included.get(file);
  const plan = compileModel(bell ? [bell, cat] : [cat], resolve);
  return {
    dir,
    name: basename(cfg.model).replace(/\.cat$/, ''),
    ...(cat.title !== undefined ? { title: cat.title } : {}),
    cfg,
    defText,
    defFile,
    ...(bell ? { bell } : {}),
    cat,
    included,
    plan,
  };
}

/** Compile a model from in-memory texts (tests, tools): files by name, the first the bell (optional) and then the cat. */
export function modelFromTexts(files: Record<string, string>, bellName: string | undefined, catName: string): Model {
  const parsed = new Map<string, CatFile>();
  for (const [name, text] of Object.entries(files)) parsed.set(name, parseFile(text, name));
  const cat = parsed.get(catName);
  if (!cat) throw new ModelError(`no file ${catName}`);
  const bell = bellName ? parsed.get(bellName) : undefined;
  const resolve = (file: string): CatFile | NativeInstr[] | undefined =>
    file in NATIVE_INCLUDES ? NATIVE_INCLUDES[file] : parsed.get(file);
  const plan = compileModel(bell ? [bell, cat] : [cat], resolve);
  return {
    dir: '',
    name: catName.replace(/\.cat$/, ''),
    cfg: { macros: '', model: catName, ...(bellName ? { bell: bellName } : {}) },
    defText: '',
    defFile: '',
    ...(bell ? { bell } : {}),
    cat,
    included: parsed,
    plan,
  };
}
