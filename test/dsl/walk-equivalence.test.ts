/**
 * The typed AST walks (src/dsl/_typed-walk.ts) behind local-symbol
 * collection, linking, reference indexing and validation, against the same
 * services walking every node the way Langium's stock ones do: on the
 * examples, a large file, seeded mutations (broken input, partial ASTs) and a
 * pair of files importing each other, both must give the same local symbols,
 * the same references in the same order (with their targets and errors), the
 * same reference-index entries and the same diagnostics. The grammar-derived
 * containment table is also checked against every parent/child pair the
 * parser actually builds.
 */
import assert from 'node:assert/strict';
import {
  AstUtils, DefaultDocumentValidator, DefaultLinker, DefaultReferenceDescriptionProvider, DefaultScopeComputation, URI,
  type AstNode, type LangiumDocument,
} from 'langium';
import { grammarContainment } from '../../src/dsl/_typed-walk.js';
import { ScenarioDocumentValidator } from '../../src/dsl/scenario-document-validator.js';
import { ScenarioLinker } from '../../src/dsl/scenario-linker.js';
import { createScenarioServices, type ScenarioServices } from '../../src/dsl/scenario-module.js';
import { TOY_EXAMPLES } from './fixtures/examples.js';
import { scenarioFiles } from './fixtures/files.js';
import { largeScenario } from './fixtures/large.js';
import { toyProtocols } from './fixtures/toy.js';
import { mutate, servicesWith } from './fixtures/variants.js';
import { mulberry32 } from '../_random.js';

/** Our validator's messages, with Langium's per-node walk. */
class FullWalkValidator extends ScenarioDocumentValidator {
  protected override validateAstNodes(...args: Parameters<DefaultDocumentValidator['validateAstNodes']>): Promise<void> {
    return DefaultDocumentValidator.prototype['validateAstNodes'].apply(this, args);
  }
}

/** Our services with Langium's stock walks: every node visited. */
function fullWalkServices() {
  return servicesWith({
    references: {
      Linker: (services) => new DefaultLinker(services),
      ScopeComputation: (services) => new DefaultScopeComputation(services),
    },
    workspace: { ReferenceDescriptionProvider: (services) => new DefaultReferenceDescriptionProvider(services) },
    validation: { DocumentValidator: (services) => new FullWalkValidator(services as ScenarioServices) },
  });
}

type Services = ReturnType<typeof fullWalkServices>;

/** Everything the four walks produce for the built documents, in order. */
async function buildAndDescribe(services: Services, texts: readonly string[], tag: number): Promise<unknown[]> {
  const ws = services.shared.workspace;
  const locator = services.Scenario.workspace.AstNodeLocator;
  const path = (node: AstNode | undefined) => (node ? `${AstUtils.getDocument(node).uri.path}#${locator.getAstNodePath(node)}` : null);
  const docs: LangiumDocument[] = texts.map((text, i) => ws.LangiumDocumentFactory.fromString(text, URI.parse(`file:///walks/${tag}/f${i}.scenario`)));
  for (const doc of docs) ws.LangiumDocuments.addDocument(doc);
  await ws.DocumentBuilder.build(docs, { validation: true });
  const out: unknown[] = [];
  for (const doc of docs) {
    const locals: unknown[] = [];
    const symbols = doc.localSymbols!;
    for (const [container, d] of (symbols as unknown as { entries(): Iterable<[AstNode, { name: string; path: string; type: string }]> }).entries()) {
      locals.push([path(container), d.name, d.path, d.type]);
    }
    const references = doc.references.map((r) => {
      const ref = 'ref' in r ? r.ref : undefined;
      return [r.$refText, r.$refNode?.offset ?? null, path(ref), r.error?.message ?? null, r.error ? path(r.error.info.container) : null, r.error?.info.property ?? null];
    });
    const index = (await services.Scenario.workspace.ReferenceDescriptionProvider.createDescriptions(doc)).map((d) => [
      d.sourceUri.toString(), d.sourcePath, d.targetUri.toString(), d.targetPath, d.local, d.segment.offset, d.segment.end,
    ]);
    const diagnostics = (doc.diagnostics ?? []).map((d) => [d.severity, d.code, d.message, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);
    out.push({ locals, references, index, diagnostics });
  }
  await ws.DocumentBuilder.update([], docs.map((d) => d.uri));
  return out;
}

describe('dsl: typed AST walks against full walks', function () {
  this.timeout(600_000);
  const ours = createScenarioServices({}, toyProtocols);
  const full = fullWalkServices();
  const examples = [...TOY_EXAMPLES, ...scenarioFiles('examples'), ...scenarioFiles('test/grammar')];
  const rnd = mulberry32(20260406);
  const mutated = Array.from({ length: 150 }, (_, k) => mutate(examples[k % examples.length]!, rnd));

  it('the grammar-derived containment table covers every parent/child pair the parser builds', () => {
    const table = grammarContainment(ours.Scenario.Grammar);
    assert.ok(table, 'the grammar could not be analysed');
    let pairs = 0;
    for (const text of [...examples, largeScenario(300), ...mutated]) {
      for (const node of AstUtils.streamAst(ours.Scenario.parser.LangiumParser.parse(text).value)) {
        if (!node.$container) continue;
        const held = table.get(node.$container.$type)?.get(node.$containerProperty!);
        assert.ok(held?.has(node.$type), `${node.$container.$type}.${node.$containerProperty} holds a ${node.$type}`);
        pairs++;
      }
    }
    assert.ok(pairs > 1000);
  });

  it('uses the typed walks (the comparison is not vacuous)', () => {
    assert.ok(ours.Scenario.references.Linker instanceof ScenarioLinker);
    assert.ok(!(full.Scenario.references.Linker instanceof ScenarioLinker));
  });

  it('same local symbols, references, index entries and diagnostics on examples, a large file and mutations', async () => {
    const texts = [...examples, largeScenario(1500), ...mutated];
    let withErrors = 0;
    for (const [i, text] of texts.entries()) {
      const expected = await buildAndDescribe(full, [text], i);
      assert.deepEqual(await buildAndDescribe(ours, [text], i), expected, `text #${i}:\n${text.slice(0, 2000)}`);
      if ((expected[0] as { diagnostics: unknown[] }).diagnostics.length > 0) withErrors++;
    }
    assert.ok(withErrors > 10, `only ${withErrors} texts had diagnostics`);
  });

  it('same results across files that import each other', async () => {
    const a = 'import "f1.scenario"\ncluster c: toy { nodes n1..n3 }\ncompare "c" { left "s" right "t" }\n';
    const b = 'import "f0.scenario"\nscenario "s" {\n  use c\n  at 1s crash n2\n  at 2s partition {n1} | {n3 n9}\n  run until 3s\n}\nsweep "w" of "s" { seed 1..3 }\nsweep "x" of "nope" { seed 1..2 }\n';
    const expected = await buildAndDescribe(full, [a, b], 9999);
    assert.deepEqual(await buildAndDescribe(ours, [a, b], 9999), expected);
    const refs = expected.flatMap((d) => (d as { references: unknown[][] }).references);
    assert.ok(refs.some((r) => r[2] !== null) && refs.some((r) => r[3] !== null), 'resolved and unresolved references both exercised');
  });
});
