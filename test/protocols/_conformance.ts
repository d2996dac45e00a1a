/**
 * The protocol conformance check: what every protocol in the registry must
 * have, so that adding one is a one-folder job with nothing forgotten
 * (docs/adding-a-protocol.md walks through it). It returns one line per
 * thing missing, each saying what to add and where; an empty list means the
 * protocol conforms.
 *
 * A `Layout` says where to look: the repository for the registered
 * protocols, or a folder shaped like it (the guide's toy protocol lives in
 * test/guide/, registered only in tests).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAndCompile } from '../../src/dsl/compile.js';
import type { Protocol } from '../../src/engine/protocol.js';
import { runScenario } from '../../src/runner/run.js';

export interface Layout {
  /** The folder holding src/, docs/, examples/, snippets/, webview/ (the repository, or one shaped like it). */
  readonly root: string;
  /** What scenarios compile and run against (must include the protocol). */
  readonly registry: ReadonlyMap<string, Protocol>;
  /** The golden trace hashes, relative to root. */
  readonly goldens: string;
  /** Protocols that use the viewer's generic state view on purpose. */
  readonly genericPanels: readonly string[];
}

/** `two_pc` → `twoPc`: the camelCase a protocol's export is named after. */
export function camel(name: string): string {
  return name.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The generic-panel list declared in webview/panels/index.ts (`GENERIC_PANELS = ['hash', …]`). */
export function declaredGenericPanels(root: string): string[] {
  const text = read(join(root, 'webview/panels/index.ts')) ?? '';
  const m = /GENERIC_PANELS[^=]*=\s*\[([^\]]*)\]/.exec(text);
  return m ? [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!) : [];
}

export async function conformance(p: Protocol, layout: Layout): Promise<string[]> {
  const missing: string[] = [];
  const { root } = layout;
  const name = p.name;
  const v = p.vocabulary;
  const folder = join(root, 'src/protocols', name);

  // One layout for every protocol folder.
  const required = ['index.ts', 'vocabulary.ts', 'state.ts', 'machine.ts', ...(v.invariants.length > 0 ? ['invariants.ts'] : [])];
  for (const f of required) if (!existsSync(join(folder, f))) missing.push(`src/protocols/${name}/${f} is missing (every protocol folder has ${required.join(', ')})`);
  const exportName = `${camel(name)}Protocol`;
  if (existsSync(join(folder, 'index.ts'))) {
    const mod = (await import(pathToFileURL(join(folder, 'index.ts')).href)) as Record<string, unknown>;
    if (mod[exportName] !== p) missing.push(`src/protocols/${name}/index.ts must export the protocol object as \`${exportName}\``);
  }

  // A one-line doc for everything hover and completion show.
  if (!v.doc.trim()) missing.push(`the vocabulary of ${name} has no doc`);
  const entries: [string, readonly { name?: string; type?: string; doc: string }[]][] = [
    ['parameter', v.params], ['operation', v.ops], ['invariant', v.invariants], ['query', v.queries], ['message', v.messages], ['metric', v.metrics],
  ];
  for (const [what, list] of entries) {
    for (const e of list) if (!e.doc.trim()) missing.push(`${what} ${e.name ?? e.type} of ${name} has no doc`);
  }

  // The doc page names every parameter, operation, invariant and query, and every example.
  const docPath = `docs/${name}.md`;
  const doc = read(join(root, docPath));
  const examplesDir = join(root, 'examples', name);
  const scenarios = files(examplesDir).filter((f) => f.endsWith('.scenario'));
  if (doc === undefined) missing.push(`${docPath} is missing: what ${name} is, its paper, parameters, operations, invariants, queries and examples`);
  else {
    for (const [what, list] of entries.slice(0, 4)) {
      // In a code span of its own or leading one with its arguments: `put`, `client put x = 1`, `owner "k"`.
      for (const e of list) {
        const named = new RegExp(`\`(?:client\\s+)?${e.name}(?![A-Za-z0-9_])[^\`]*\``);
        if (!named.test(doc)) missing.push(`${docPath} does not document ${what} \`${e.name}\``);
      }
    }
  }

  // The examples folder: a README naming every scenario, bug switches shown under bugs/.
  const readmePath = `examples/${name}/README.md`;
  const readme = read(join(root, readmePath));
  if (scenarios.length === 0) missing.push(`examples/${name}/ has no .scenario file`);
  if (readme === undefined) missing.push(`${readmePath} is missing: a table of the example files and what each shows`);
  for (const f of scenarios) {
    const rel = relative(examplesDir, f);
    if (readme !== undefined && !readme.includes(rel)) missing.push(`${readmePath} does not mention ${rel}`);
  }
  const texts = new Map(scenarios.map((f) => [f, readFileSync(f, 'utf8')]));
  for (const param of v.params.filter((x) => x.name.startsWith('bug_'))) {
    if (param.type !== 'bool' || !param.doc.startsWith('BUG: ')) missing.push(`bug switch ${param.name} must be a bool whose doc starts with "BUG: "`);
    const shown = [...texts].some(([f, t]) => relative(examplesDir, f).startsWith('bugs/') && new RegExp(`\\b${param.name}\\s+true\\b`).test(t));
    if (!shown) missing.push(`bug switch ${param.name} appears in no scenario under examples/${name}/bugs/ (set it to true there and expect the violation it causes)`);
  }

  // Every invariant is seen failing: a scenario that expects its violation, and passes.
  for (const inv of v.invariants) {
    const pattern = new RegExp(`expect\\s+violated\\s+${inv.name}\\b`);
    const shows = [...texts].filter(([, t]) => pattern.test(t));
    if (shows.length === 0) {
      missing.push(`no scenario under examples/${name}/ shows invariant ${inv.name} failing (add one with \`expect violated ${inv.name}\`, usually under bugs/ with a bug switch)`);
      continue;
    }
    let seen = false;
    for (const [file, text] of shows) {
      const compiled = await parseAndCompile(text, { protocols: layout.registry, file: relative(root, file) });
      for (const spec of compiled.file.scenarios) {
        if (!spec.expectations.some((e) => e.kind === 'violated' && e.invariant === inv.name)) continue;
        const check = runScenario(spec, { protocols: layout.registry }).result.checks.find((c) => c.kind === 'violated' && c.name === `violated ${inv.name}`);
        if (check?.status === 'held') seen = true;
      }
    }
    if (!seen) missing.push(`the scenarios expecting ${inv.name} to be violated do not see it violated (${shows.map(([f]) => relative(root, f)).join(', ')})`);
  }

  // Golden traces, a snippet, a viewer panel.
  const goldens = JSON.parse(read(join(root, layout.goldens)) ?? '{}') as Record<string, string>;
  if (!Object.keys(goldens).some((k) => k.startsWith(`examples/${name}/`))) {
    missing.push(`${layout.goldens} has no golden trace of examples/${name}/ (run with UPDATE_GOLDEN=1 and review the diff)`);
  }
  const snippets = JSON.parse(read(join(root, 'snippets/scenario.json')) ?? '{}') as Record<string, { body?: string[] }>;
  const declares = new RegExp(`:\\s*${name}\\s*\\{`);
  if (!Object.values(snippets).some((s) => declares.test((s.body ?? []).join('\n')))) {
    missing.push(`snippets/scenario.json has no snippet declaring \`cluster …: ${name} {\``);
  }
  if (!existsSync(join(root, 'webview/panels', `${name}.ts`)) && !layout.genericPanels.includes(name)) {
    missing.push(`no viewer panel: add webview/panels/${name}.ts (registered in webview/panels/index.ts), or list ${name} in GENERIC_PANELS there to use the generic state view`);
  }
  return missing;
}
