/**
 * Finds the top-level blocks of a scenario file — `scenario "…"`,
 * `sweep "…" of "…"`, `compare "…"` — with a line scan instead of the full
 * parser, so CodeLens stays instant on any file and the extension host never
 * loads Langium. Comments (`//`, `/* … *\/`) are skipped; a name keeps its
 * `\"` escapes decoded. Lines are 0-based (VS Code positions).
 */
export interface Block {
  readonly kind: 'scenario' | 'sweep' | 'compare';
  readonly name: string;
  readonly line: number;
  /** The column of the keyword. */
  readonly col: number;
}

const HEAD = /^(\s*)(scenario|sweep|compare)\s+"((?:[^"\\\n]|\\.)*)"/;

/** Removes comments from one line, tracking whether a block comment is open. */
function stripComments(line: string, open: boolean): { code: string; open: boolean } {
  let code = '';
  let i = 0;
  let inString = false;
  while (i < line.length) {
    if (open) {
      const end = line.indexOf('*/', i);
      if (end < 0) return { code, open: true };
      code += ' '.repeat(end + 2 - i);
      i = end + 2;
      open = false;
      continue;
    }
    const c = line[i]!;
    if (inString) {
      code += c;
      if (c === '\\' && i + 1 < line.length) { code += line[i + 1]; i += 2; continue; }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') { inString = true; code += c; i++; continue; }
    if (c === '/' && line[i + 1] === '/') break;
    if (c === '/' && line[i + 1] === '*') { open = true; code += '  '; i += 2; continue; }
    code += c;
    i++;
  }
  return { code, open };
}

/** What a line scan sees inside a scenario block: where it ends, its `seed`, its `expect` lines, its `explore { … }` block's exhaustive lines. */
export interface BlockBody {
  /** The 0-based line of the block's closing brace (the last line when it is not closed). */
  readonly endLine: number;
  readonly seed?: number;
  readonly expects: readonly { readonly line: number; readonly col: number; readonly text: string }[];
  /**
   * The lines of its `explore { … }` block that only the exhaustive search
   * reads (`depth`, `max states`, `timers`, `network`, `storage`), in order;
   * absent when it has none. They say the scenario is meant for
   * *Explore exhaustively*.
   */
  readonly exhaustive?: readonly string[];
}

const SEED = /^\s*seed\s+(\d+)\b/;
const EXPECT = /^(\s*)(expect\b.*?)\s*$/;
/** The explore block's words that start a line only `--exhaustive` reads (src/dsl/scenario.langium, ExploreSetting). */
const EXHAUSTIVE_LINE = /\b(depth|max\s+states|timers|network|storage)\b/g;

/** Scans the block that starts on `block.line` (braces counted outside strings and comments). */
export function blockBody(text: string, block: Pick<Block, 'line'>): BlockBody {
  const lines = text.split(/\r?\n/);
  let open = false, depth = 0, started = false, seed: number | undefined;
  const expects: { line: number; col: number; text: string }[] = [];
  // What a `{` in the scenario opens is in the code before it since the last brace; the explore block's code is collected.
  let before = '', inExplore = false, explore = '';
  const body = (endLine: number): BlockBody => {
    const exhaustive = [...new Set([...explore.matchAll(EXHAUSTIVE_LINE)].map((m) => m[1]!.replace(/\s+/g, ' ')))];
    return { endLine, ...(seed !== undefined ? { seed } : {}), expects, ...(exhaustive.length > 0 ? { exhaustive } : {}) };
  };
  for (let line = 0; line < lines.length; line++) {
    const stripped = stripComments(lines[line]!, open);
    open = stripped.open;
    if (line < block.line) continue;
    const code = stripped.code.replace(/"(?:[^"\\]|\\.)*"/g, (m) => ' '.repeat(m.length));
    if (started && depth === 1) {
      const s = SEED.exec(code);
      if (s && seed === undefined) seed = Number(s[1]);
      const e = EXPECT.exec(stripped.code);
      if (e) expects.push({ line, col: e[1]!.length, text: e[2]!.replace(/\s+/g, ' ') });
    }
    for (const c of code) {
      if (c === '{') {
        if (started && depth === 1) inExplore = /\bexplore\s*$/.test(before);
        depth++;
        started = true;
        before = '';
      } else if (c === '}') {
        depth--;
        before = '';
      } else if (depth === 1) before += c;
      else if (inExplore && depth === 2) explore += c;
      if (started && depth === 0) return body(line);
    }
    before += '\n';
    if (inExplore && depth === 2) explore += '\n';
  }
  return body(lines.length - 1);
}

export function findBlocks(text: string): Block[] {
  if (typeof text !== 'string') throw new TypeError('findBlocks: text must be a string');
  const blocks: Block[] = [];
  let open = false;
  const lines = text.split(/\r?\n/);
  for (let line = 0; line < lines.length; line++) {
    const stripped = stripComments(lines[line]!, open);
    open = stripped.open;
    const m = HEAD.exec(stripped.code);
    if (!m) continue;
    blocks.push({
      kind: m[2] as Block['kind'],
      name: m[3]!.replace(/\\(.)/g, '$1'),
      line,
      col: m[1]!.length,
    });
  }
  return blocks;
}

/** The file name of a scenario's trace, as the CLI writes it with `--out DIR/`. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'scenario';
}

/**
 * A trace's file name: `<slug>.trace.json` for a run with the scenario's own
 * seed, `<slug>.seed-<N>.trace.json` for a run with another seed (Run with
 * seed…, Compare with another seed…), so a second seed never replaces the
 * first one's trace.
 */
export function traceFileName(name: string, seed?: number): string {
  return `${slug(name)}${seed === undefined ? '' : `.seed-${seed}`}.trace.json`;
}
