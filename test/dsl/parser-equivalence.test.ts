/**
 * The scenario language's patched lexer and parser (src/dsl/_tokens.ts,
 * _parser.ts, _rules.ts) against Langium's stock ones: the same services
 * with Langium's DefaultLexer, createLangiumParser and DefaultValueConverter
 * in their place. On the example files, the large fixture and seeded
 * mutations of the examples (broken input exercises error recovery), both
 * must give the same tokens, the same lexer and parser errors, the same AST
 * (types, values, references' text, containment), the same CST (every node's
 * kind, grammar element, offsets, range, hidden flag, text and AST node) and,
 * after a full build, the same diagnostics. Token lines and columns are
 * worked out from offsets (_tokens.ts): compared on every token, hidden ones
 * included, of texts with all kinds of line breaks.
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
import { createToken, Lexer, type IToken } from 'chevrotain';
import { LineStarts, TokenLeaf } from '../../src/dsl/_tokens.js';
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

/** Every token's fields, comments included, and the lexer's errors. */
function describeLexing(services: ScenarioServices, text: string) {
  const lexed = services.parser.Lexer.tokenize(text);
  const one = (t: IToken) => [t.image, t.startOffset, t.endOffset, t.startLine, t.endLine, t.startColumn, t.endColumn, t.tokenType.name];
  return { tokens: lexed.tokens.map(one), hidden: lexed.hidden.map(one), errors: lexed.errors.map((e) => [e.offset, e.length, e.line, e.column, e.message]) };
}

/** `text` with line breaks of another kind, multi-line comments, and characters no token matches, at random places. */
function withLineBreaks(text: string, rnd: () => number): string {
  const breaks = ['\n', '\r\n', '\r', '\n\n', '\r\n\r\n', '\n\r'];
  const inserts = ['/* a\r\nb\n\rc\rd */', '/*\n*/', '/**/', '// c\r', '\r\n  \r\n', '#', '\u00a7\n', ' \t\u2028 ', '"s\n"'];
  const nl = breaks[Math.floor(rnd() * breaks.length)]!;
  let s = text.replace(/\n/g, () => (rnd() < 0.7 ? nl : breaks[Math.floor(rnd() * breaks.length)]!));
  for (let k = Math.floor(rnd() * 6); k > 0; k--) {
    const i = Math.floor(rnd() * (s.length + 1));
    s = s.slice(0, i) + inserts[Math.floor(rnd() * inserts.length)]! + s.slice(i);
  }
  return s;
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

  it('same token positions, lexer errors, AST and CST with every kind of line break', () => {
    const rnd = mulberry32(1105);
    const texts = ['', '\n', '\r', '\r\n', '\r\n\r\n', '#', '\n#\r\n#', '/*\r\n*/ x'];
    for (let k = 0; k < 200; k++) texts.push(withLineBreaks(examples[k % examples.length]!, rnd));
    let withErrors = 0;
    let withComments = 0;
    texts.forEach((text, i) => {
      const expected = describeLexing(stock.Scenario, text);
      assert.deepEqual(describeLexing(ours.Scenario, text), expected, `text #${i}: ${JSON.stringify(text.slice(0, 2000))}`);
      assert.deepEqual(describeParse(ours.Scenario, text), describeParse(stock.Scenario, text), `text #${i}: ${JSON.stringify(text.slice(0, 2000))}`);
      if (expected.errors.length > 0) withErrors++;
      if (expected.hidden.some((t) => /[\r\n]/.test(t[0] as string))) withComments++;
    });
    assert.ok(withErrors > 20 && withComments > 20, `${withErrors} texts with lexer errors, ${withComments} with multi-line comments`);
  });

  it('token ends as Chevrotain tracks them, for tokens that span or end in line breaks', () => {
    // The scenario grammar has no such token that is not skipped: a lexer of one, with Chevrotain's full tracking, against TokenLeaf.
    const lexer = new Lexer([
      createToken({ name: 'Chunk', pattern: /[a-z]+(?:\r\n|\r|\n)*[a-z]*/, line_breaks: true }),
      createToken({ name: 'Semi', pattern: /;(?:\r\n|\r|\n)*/, line_breaks: true }),
      createToken({ name: 'Breaks', pattern: /(?:\r\n|\r|\n)+/, line_breaks: true }),
    ], { positionTracking: 'full' });
    const rnd = mulberry32(3);
    const parts = ['a', 'bb', '\n', '\r\n', '\r', ';', 'c;'];
    for (let k = 0; k < 300; k++) {
      let text = '';
      for (let n = 1 + Math.floor(rnd() * 12); n > 0; n--) text += parts[Math.floor(rnd() * parts.length)];
      const lines = new LineStarts(text);
      for (const t of lexer.tokenize(text).tokens) {
        const leaf = new TokenLeaf(t.image, t.startOffset, t.tokenTypeIdx, t.tokenType, lines);
        const fields = (x: IToken) => [x.startOffset, x.endOffset, x.startLine, x.endLine, x.startColumn, x.endColumn];
        assert.deepEqual(fields(leaf), fields(t), `${JSON.stringify(t.image)} in ${JSON.stringify(text)}`);
      }
    }
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
