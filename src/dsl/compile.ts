/**
 * The scenario compiler's public entry points.
 *
 * `compile` turns a built (parsed, linked, validated) Langium document into
 * plain data: one ScenarioSpec per scenario, sweeps expanded to their
 * variants, compares by name, plus the document's diagnostics with 1-based
 * positions. `parseAndCompile` and `validateText` do the whole job from text,
 * with other files (for imports) given as text or read through a callback,
 * so the pure core never touches the file system. None of these throws on
 * bad input: mistakes come back as diagnostics.
 */
import { AstUtils, URI, UriUtils, type AstNode, type LangiumDocument } from 'langium';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import type { ParamValue, Protocol } from '../engine/protocol.js';
import type { ScenarioSpec, SourceRange } from '../engine/spec.js';
import { protocols as registry } from '../protocols/registry.js';
import type { Model, Scenario } from './generated/ast.js';
import { isCompare, isScenario, isSweep } from './generated/ast.js';
import { rangeOf } from './compile/context.js';
import { compileScenario, lastCompilation } from './compile/scenario.js';
import { compileSweep, sweepReport } from './compile/sweeps.js';
import { usedCluster } from './_cluster.js';
import { createScenarioServices, type ScenarioServices } from './scenario-module.js';
import { resolveImport } from './scenario-scope.js';

/** A diagnostic with 1-based lines and columns (end exclusive). */
export interface Diagnostic {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly code?: string;
}

export interface SweepSpec {
  readonly name: string;
  /** The base scenario's name. */
  readonly base: string;
  readonly source?: SourceRange;
  readonly variants: readonly { readonly label: string; readonly values: Record<string, ParamValue>; readonly spec: ScenarioSpec }[];
  /** The metrics its `report` lines name, in order (absent: show every metric that varies). */
  readonly report?: readonly string[];
}

export interface CompareSpec {
  readonly name: string;
  readonly left: string;
  readonly right: string;
  readonly source?: SourceRange;
}

export interface CompiledFile {
  readonly scenarios: readonly ScenarioSpec[];
  readonly sweeps: readonly SweepSpec[];
  readonly compares: readonly CompareSpec[];
}

export interface CompileResult {
  /** No error diagnostics. */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** What compiled; a scenario with errors is left out. */
  readonly file: CompiledFile;
}

export interface CompileOptions {
  readonly protocols?: ReadonlyMap<string, Protocol>;
  /** The workspace-relative path copied into each spec's `file`. */
  readonly file?: string;
  /** Overrides every scenario's seed. */
  readonly seed?: number;
}

const SEVERITY: Record<number, Diagnostic['severity']> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' };

/** A Langium/LSP diagnostic with 1-based positions. */
export function toDiagnostic(d: LspDiagnostic): Diagnostic {
  const data = d.data as { code?: unknown } | undefined;
  const code = typeof d.code === 'string' ? d.code : typeof data?.code === 'string' ? data.code : undefined;
  return {
    line: d.range.start.line + 1,
    col: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endCol: d.range.end.character + 1,
    severity: SEVERITY[d.severity ?? 1] ?? 'error',
    message: d.message,
    ...(code !== undefined ? { code } : {}),
  };
}

/** The document's diagnostics, sorted by position. */
export function diagnosticsOf(document: LangiumDocument): Diagnostic[] {
  return (document.diagnostics ?? []).map(toDiagnostic).sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Whether an error diagnostic of the node's document lies within the node's text. */
function hasErrorIn(node: AstNode): boolean {
  const range = node.$cstNode?.range;
  if (!range) return true;
  const doc = AstUtils.getDocument(node);
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return (doc.diagnostics ?? []).some((d) => (d.severity ?? 1) === 1 && before(range.start, d.range.start) && before(d.range.end, range.end));
}

/** Compile a built document (DocumentBuilder.build with validation) to specs. */
export function compile(document: LangiumDocument<Model>, options: CompileOptions = {}): CompileResult {
  const protocols = options.protocols ?? registry;
  const diagnostics = diagnosticsOf(document);
  const scenarios: ScenarioSpec[] = [];
  const sweeps: SweepSpec[] = [];
  const compares: CompareSpec[] = [];
  const env = { protocols };
  /** Apply the file and seed options, keeping the spec's key order. */
  const finish = (spec: ScenarioSpec): ScenarioSpec => {
    const { name, source, ...rest } = spec;
    return { name, ...(options.file !== undefined ? { file: options.file } : {}), source, ...rest, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  };
  const built = new Map<Scenario, ScenarioSpec | undefined>();
  const specOf = (sc: Scenario): ScenarioSpec | undefined => {
    if (!built.has(sc)) {
      try {
        const r = lastCompilation(sc, protocols) ?? compileScenario(sc, env, () => undefined);
        const cluster = usedCluster(sc);
        const clean = r.errors === 0 && !hasErrorIn(sc) && (!cluster || !hasErrorIn(cluster));
        built.set(sc, clean && r.spec ? finish(r.spec) : undefined);
      } catch {
        built.set(sc, undefined);
      }
    }
    return built.get(sc);
  };
  const model = document.parseResult?.value;
  for (const el of model?.elements ?? []) {
    if (isScenario(el)) {
      const spec = specOf(el);
      if (spec) scenarios.push(spec);
    } else if (isSweep(el)) {
      const base = el.base?.ref;
      const spec = base ? specOf(base) : undefined;
      const cluster = base ? usedCluster(base) : undefined;
      let errors = 0;
      const variants = compileSweep(el, spec, cluster ? protocols.get(cluster.protocol) : undefined, (sev) => {
        if (sev === 'error') errors++;
      });
      const report = sweepReport(el);
      if (spec && errors === 0) sweeps.push({ name: el.name, base: spec.name, source: rangeOf(el), variants, ...(report ? { report } : {}) });
    } else if (isCompare(el)) {
      const left = el.left?.ref?.name;
      const right = el.right?.ref?.name;
      if (left !== undefined && right !== undefined) compares.push({ name: el.name, left, right, source: rangeOf(el) });
    }
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { ok, diagnostics, file: { scenarios, sweeps, compares } };
}

export interface ParseOptions extends CompileOptions {
  /** The main document's URI (default `file:///workspace/main.scenario`); imports resolve relative to it. */
  readonly uri?: string;
  /** Services to use (default: one shared instance per protocol map). */
  readonly services?: ScenarioServices;
  /** Other files for imports, by path relative to the main document's folder (or by absolute URI). */
  readonly documents?: Readonly<Record<string, string>>;
  /** Reads an imported file not in `documents` (by URI); undefined when it does not exist. */
  readonly readFile?: (uri: string) => Promise<string | undefined>;
}

const defaultServices = new WeakMap<ReadonlyMap<string, Protocol>, ScenarioServices>();
const queues = new WeakMap<ScenarioServices, Promise<unknown>>();

function servicesFor(options: ParseOptions): ScenarioServices {
  if (options.services) return options.services;
  const protocols = options.protocols ?? registry;
  let s = defaultServices.get(protocols);
  if (!s) {
    s = createScenarioServices({}, protocols).Scenario;
    defaultServices.set(protocols, s);
  }
  return s;
}

/** Run jobs on one services instance one at a time (they share its workspace). */
function serialize<T>(services: ScenarioServices, job: () => Promise<T>): Promise<T> {
  const prev = queues.get(services) ?? Promise.resolve();
  const next = prev.then(job, job);
  queues.set(services, next.catch(() => undefined));
  return next;
}

const DEFAULT_URI = 'file:///workspace/main.scenario';

/** Parse, link, validate and compile `text` (with its imports). Never throws on bad input. */
export function parseAndCompile(text: string, options: ParseOptions = {}): Promise<CompileResult> {
  if (typeof text !== 'string') throw new TypeError('parseAndCompile: text must be a string');
  const services = servicesFor(options);
  return serialize(services, () => runOnce(text, options, services));
}

async function runOnce(text: string, options: ParseOptions, services: ScenarioServices): Promise<CompileResult> {
  const shared = services.shared;
  const factory = shared.workspace.LangiumDocumentFactory;
  const docs = shared.workspace.LangiumDocuments;
  const mainUri = URI.parse(options.uri ?? DEFAULT_URI);
  const created: LangiumDocument[] = [];
  const add = (uri: URI, content: string): LangiumDocument => {
    if (docs.hasDocument(uri)) docs.deleteDocument(uri);
    const doc = factory.fromString(content, uri);
    docs.addDocument(doc);
    created.push(doc);
    return doc;
  };
  try {
    const main = add(mainUri, text) as LangiumDocument<Model>;
    const base = UriUtils.dirname(mainUri);
    for (const [path, content] of Object.entries(options.documents ?? {})) {
      const uri = /^[a-z][a-z0-9+.-]*:/i.test(path) ? URI.parse(path) : UriUtils.resolvePath(base, path);
      if (uri.toString() !== mainUri.toString()) add(uri, content);
    }
    // Follow imports through readFile, breadth first.
    if (options.readFile) {
      const queue = [...created];
      while (queue.length > 0) {
        const doc = queue.shift()!;
        for (const imp of (doc.parseResult.value as Model).imports ?? []) {
          if (typeof imp.path !== 'string') continue;
          const uri = URI.parse(resolveImport(doc, imp.path));
          if (docs.hasDocument(uri)) continue;
          const content = await options.readFile(uri.toString());
          if (content !== undefined) queue.push(add(uri, content));
        }
      }
    }
    await shared.workspace.DocumentBuilder.build(created, { validation: true });
    return compile(main, { ...options, protocols: options.protocols ?? services.protocols.registry });
  } finally {
    await shared.workspace.DocumentBuilder.update([], created.map((d) => d.uri));
  }
}

/** Validation only: the diagnostics (1-based), as `protocol-playground check` prints them. */
export async function validateText(text: string, options: ParseOptions = {}): Promise<Diagnostic[]> {
  return [...(await parseAndCompile(text, options)).diagnostics];
}
