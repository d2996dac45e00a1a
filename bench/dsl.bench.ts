/**
 * Scenario-language benchmark, for information (no target: the language's
 * targets are the language server's, on a 1 000-line realistic file, in
 * bench/lsp.bench.ts): the full build (lex, parse, link, validate) of a
 * 10 000-line file made of the examples (test/dsl/fixtures/realistic.ts), in
 * ms (median of several runs after a warm-up), against JSON.parse of a JSON
 * document of about the same size as the baseline. The CPU time of the build
 * is reported too: on a shared machine it is closer than wall time to what
 * an idle machine would show (it includes GC threads).
 */
import { URI } from 'langium';
import { createScenarioServices } from '../src/dsl/scenario-module.js';
import { compile } from '../src/dsl/compile.js';
import type { Model } from '../src/dsl/generated/ast.js';
import { realisticScenarioFile } from '../test/dsl/fixtures/realistic.js';
import type { BenchRow } from './types.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchDsl(): Promise<BenchRow[]> {
  const LINES = 10_000;
  const RUNS = 7;
  const { text, lines } = realisticScenarioFile(LINES);
  // A JSON document of about the same size: the same lines as an array of strings, padded to the same length.
  let json = JSON.stringify(text.split('\n').map((line) => ({ line })));
  if (json.length < text.length) json = JSON.stringify({ pad: 'x'.repeat(text.length - json.length - 12), rows: JSON.parse(json) });
  const { shared, Scenario: services } = createScenarioServices();

  const parseOnly: number[] = [];
  const build: number[] = [];
  const buildCpu: number[] = [];
  const compiled: number[] = [];
  const jsonParse: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    let t0 = performance.now();
    services.parser.LangiumParser.parse(text);
    const tParse = performance.now() - t0;

    // The factory parses the text: time it with the build.
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const doc = shared.workspace.LangiumDocumentFactory.fromString<Model>(text, URI.parse(`file:///bench/big${i}.scenario`));
    shared.workspace.LangiumDocuments.addDocument(doc);
    await shared.workspace.DocumentBuilder.build([doc], { validation: true });
    const tBuild = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const tBuildCpu = (cpu.user + cpu.system) / 1000;
    if ((doc.diagnostics ?? []).length > 0) throw new Error(`benchDsl: the generated file has diagnostics: ${doc.diagnostics![0]!.message}`);
    t0 = performance.now();
    compile(doc);
    const tCompile = performance.now() - t0;
    await shared.workspace.DocumentBuilder.update([], [doc.uri]);

    t0 = performance.now();
    JSON.parse(json);
    const tJson = performance.now() - t0;
    if (i === 0) continue; // warm-up
    parseOnly.push(tParse);
    build.push(tBuild);
    buildCpu.push(tBuildCpu);
    compiled.push(tCompile);
    jsonParse.push(tJson);
  }
  const baseline = { name: `JSON.parse of ${(json.length / 1024).toFixed(0)} KiB`, value: median(jsonParse) };
  return [
    { name: `full build (lex+parse+link+validate), ${lines}-line realistic file, ${(text.length / 1024).toFixed(0)} KiB`, value: median(build), unit: 'ms', baseline },
    { name: `  same, CPU time of this process (less sensitive to a busy machine)`, value: median(buildCpu), unit: 'ms' },
    { name: `parse only, ${lines} lines`, value: median(parseOnly), unit: 'ms', baseline },
    { name: `compile to ScenarioSpec after the build, ${lines} lines`, value: median(compiled), unit: 'ms' },
  ];
}
