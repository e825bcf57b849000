// tree-sitter-c (wasm, via web-tree-sitter): loads the grammar once and parses C text into syntax trees.
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Node as SyntaxNode, Tree as SyntaxTree };

let ready: Promise<Parser> | undefined;

/** The wasm grammar's path, resolved through node's module resolution so it works from src/ and dist/. */
export function grammarPath(): string {
  return createRequire(import.meta.url).resolve('tree-sitter-c/tree-sitter-c.wasm');
}

/** A parser for C, initialised once per process (the wasm runtime and grammar load asynchronously). */
export function cParser(): Promise<Parser> {
  ready ??= (async () => {
    await Parser.init();
    const lang = await Language.load(grammarPath());
    const p = new Parser();
    p.setLanguage(lang);
    return p;
  })();
  return ready;
}

/** Parses text that kernelisms.ts has already prepared (preprocessed, annotations blanked). */
export function parseC(parser: Parser, text: string): Tree {
  const t = parser.parse(text);
  if (!t) throw new Error('tree-sitter returned no tree');
  return t;
}

/** 1-based line of a node's start. */
export function lineOf(n: Node): number {
  return n.startPosition.row + 1;
}

/** Named children, skipping comments. */
export function kids(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}
