/**
 * The scenario language's patched lexer and parser (src/dsl/_tokens.ts,
 * _parser.ts, _rules.ts) against Langium's stock ones: the same services
 * with Langium's DefaultLexer, createLangiumParser and DefaultValueConverter
 * in their place. On the example files, the large fixture and seeded
 * mutations of the examples (broken input exercises error recovery), both
 * must give the same tokens, the same lexer and parser errors, the same AST
 * (types, values, references' text, containment), the same CST (every node's
 * kind, grammar element, offsets, range, hidden flag, text and AST node) and,
 * after a full build, the same diagnostics.
 */
import assert from 'node:assert/strict';
import {
  AstUtils, createLangiumParser, DefaultLexer, DefaultValueConverter, isAstNode, isReference, URI,
  type AstNode, type CstNode, type LangiumDocument,
} from 'langium';
import { createScenarioServices, type ScenarioServices } from '../../src/dsl/scenario-module.js';
import { TOY_EXAMPLES } from './fixtures/examples.js';
import { scenarioFiles } from './fixtures/files.js';
import { largeScenario } from './fixtures/large.js';
import { toyProtocols } from './fixtures/toy.js';
import { mutate, servicesWith } from './fixtures/variants.js';
import { mulberry32 } from '../_random.js';

function stockServices() {
  return servicesWith({
    parser: {
      Lexer: (services) => new DefaultLexer(services),
      LangiumParser: (services) => createLangiumParser(services),
      ValueConverter: () => new DefaultValueConverter(),
    },
  });
}

/** Grammar elements by their position in a walk of the grammar (both service sets may load their own copy). */
function grammarIndex(services: ScenarioServices): Map<unknown, number> {
  const index = new Map<unknown, number>();
  let i = 0;
  for (const node of AstUtils.streamAst(services.Grammar)) index.set(node, i++);
  return index;
}

function describeCst(node: CstNode, grammar: Map<unknown, number>, out: unknown[]): void {
  const r = node.range;
  const composite = 'content' in node;
  out.push([
    composite ? 'C' : 'L', grammar.get(node.grammarSource) ?? null, node.offset, node.length, node.end, node.hidden,
    r.start.line, r.start.character, r.end.line, r.end.character, node.text, node.astNode?.$type ?? null,
    composite ? null : (node as unknown as { tokenType: { name: string } }).tokenType.name,
  ]);
  if (composite) for (const c of (node as unknown as { content: CstNode[] }).content) describeCst(c, grammar, out);
}

function describeAst(node: AstNode): unknown {
  const out: Record<string, unknown> = { $type: node.$type, $containerProperty: node.$containerProperty ?? null, $containerIndex: node.$containerIndex ?? null };
  out.$cst = node.$cstNode ? [node.$cstNode.offset, node.$cstNode.end] : null;
  // Nodes are made by per-type constructors (_rules.ts): still plain objects, with their features in the same order.
  out.$plain = Object.getPrototypeOf(node) === Object.prototype && node.constructor === Object;
  out.$order = Object.keys(node).filter((k) => !k.startsWith('$')).join(' ');
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('$')) continue;
    const one = (v: unknown): unknown => (isReference(v) ? { ref: v.$refText } : isAstNode(v) ? describeAst(v) : v);
    out[key] = Array.isArray(value) ? value.map(one) : one(value);
  }
  for (const child of AstUtils.streamContents(node)) assert.equal(child.$container, node, `${child.$type} in ${node.$type}: $container`);
  return out;
}

function describeParse(services: ScenarioServices, text: string) {
  const lexed = services.parser.Lexer.tokenize(text);
  const tokens = lexed.tokens.map((t) => [t.image, t.startOffset, t.endOffset, t.startLine, t.endLine, t.startColumn, t.endColumn, t.tokenType.name]);
  const result = services.parser.LangiumParser.parse(text);
  const cst: unknown[] = [];
  describeCst(result.value.$cstNode!.root, grammarIndex(services), cst);
  return {
    tokens,
    lexerErrors: result.lexerErrors.map((e) => [e.offset, e.length, e.line, e.column, e.message]),
    parserErrors: result.parserErrors.map((e) => [e.name, e.message, e.token.startOffset, e.token.image, e.token.tokenType.name]),
    ast: describeAst(result.value),
    cst,
  };
}

async function diagnostics(services: { shared: ScenarioServices['shared'] }, text: string, n: number): Promise<unknown> {
  const ws = services.shared.workspace;
  const doc: LangiumDocument = ws.LangiumDocumentFactory.fromString(text, URI.parse(`file:///equivalence/${n}.scenario`));
  ws.LangiumDocuments.addDocument(doc);
  await ws.DocumentBuilder.build([doc], { validation: true });
  const out = (doc.diagnostics ?? []).map((d) => [d.severity, d.code, d.message, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);
  await ws.DocumentBuilder.update([], [doc.uri]);
  return out;
}

describe('dsl: patched lexer and parser against Langium stock', function () {
  this.timeout(600_000);
  const ours = createScenarioServices({}, toyProtocols);
  const stock = stockServices();
  const examples = [...TOY_EXAMPLES, ...scenarioFiles('examples'), ...scenarioFiles('test/grammar')];

  it('uses the patched lexer and parser (the comparison is not vacuous)', () => {
    const firstLeaf = (services: ScenarioServices) => {
      let node: CstNode = services.parser.LangiumParser.parse('cluster c: toy { nodes n1 }').value.$cstNode!.root;
      while ('content' in node) node = (node as unknown as { content: CstNode[] }).content[0]!;
      return node as unknown as { image?: string };
    };
    // Our leaves are the lexer's tokens; Langium's are separate objects.
    assert.equal(firstLeaf(ours.Scenario).image, 'cluster');
    assert.equal(firstLeaf(stock.Scenario).image, undefined);
  });

  it('same tokens, errors, AST and CST on the examples, a large file and 300 mutations', () => {
    const rnd = mulberry32(20260405);
    const texts = [...examples, largeScenario(1500)];
    for (let k = 0; k < 300; k++) texts.push(mutate(examples[k % examples.length]!, rnd));
    texts.forEach((text, i) => {
      assert.deepEqual(describeParse(ours.Scenario, text), describeParse(stock.Scenario, text), `text #${i}:\n${text.slice(0, 2000)}`);
    });
  });

  it('same diagnostics after a full build', async () => {
    const rnd = mulberry32(7);
    const texts = [...examples, largeScenario(1500)];
    for (let k = 0; k < 100; k++) texts.push(mutate(examples[k % examples.length]!, rnd));
    let withDiagnostics = 0;
    for (const [i, text] of texts.entries()) {
      const expected = await diagnostics(stock, text, i);
      assert.deepEqual(await diagnostics(ours, text, i), expected, `text #${i}:\n${text.slice(0, 2000)}`);
      if ((expected as unknown[]).length > 0) withDiagnostics++;
    }
    assert.ok(withDiagnostics > 10, `only ${withDiagnostics} texts had diagnostics`);
  });
});
