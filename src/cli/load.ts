/**
 * Reads a scenario file and the files it imports (transitively) from disk,
 * and compiles it. Import paths resolve relative to the importing file, as in
 * the language server. A missing import is left to the validator, which
 * reports it on the import line.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseAndCompile, type CompileResult } from '../dsl/compile.js';

const IMPORT = /^\s*import\s+"((?:[^"\\\n]|\\.)*)"/gm;

export interface LoadedFile {
  readonly path: string;
  /** Path relative to the working directory, as shown in diagnostics and traces. */
  readonly display: string;
  readonly text: string;
  readonly compiled: CompileResult;
}

export class FileError extends Error {}

export async function loadScenarioFile(path: string, seed?: number): Promise<LoadedFile> {
  const absolute = resolve(path);
  const text = readTextFile(absolute, path);
  const documents: Record<string, string> = {};
  const pending = [absolute];
  const seen = new Set(pending);
  while (pending.length > 0) {
    const current = pending.pop()!;
    const source = current === absolute ? text : documents[current]!;
    for (const match of source.matchAll(IMPORT)) {
      const target = resolve(dirname(current), match[1]!);
      if (seen.has(target)) continue;
      seen.add(target);
      try {
        documents[target] = readFileSync(target, 'utf8');
        pending.push(target);
      } catch {
        // Reported by the validator as an unresolved import.
      }
    }
  }
  const display = relative(process.cwd(), absolute) || path;
  const compiled = await parseAndCompile(text, {
    uri: 'file://' + absolute,
    file: display,
    documents,
    ...(seed !== undefined ? { seed } : {}),
  });
  return { path: absolute, display, text, compiled };
}

/** A file's text, or a FileError (exit 2) saying plainly why it cannot be read. */
export function readTextFile(absolute: string, shown = absolute): string {
  try {
    return readFileSync(absolute, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileError(code === 'ENOENT' ? `${shown}: no such file` : code === 'EISDIR' ? `${shown}: is a folder, not a file` : `${shown}: cannot read (${code ?? String(e)})`);
  }
}
