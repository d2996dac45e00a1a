/**
 * Cheaper validation (scenario-document-validator.ts): through Langium's
 * documented `validateSingleNodeOptions` hook the walk stops at a cluster's
 * members, because every validation of the language is registered on a type
 * at the top of the tree. It must report exactly what Langium's full walk
 * reports — on every example, the realistic file and broken variants of
 * them — and fall back to the full walk once a validation is registered on
 * a type deeper down.
 */
import assert from 'node:assert/strict';
import { EmptyFileSystem, inject, URI, VALIDATE_EACH_NODE, type AstNode, type LangiumDocument, type ValidateSingleNodeOptions } from 'langium';
import { createDefaultModule, createDefaultSharedModule } from 'langium/lsp';
import type { Diagnostic } from 'vscode-languageserver-types';
import { ScenarioDslGeneratedModule, ScenarioGeneratedSharedModule } from '../../src/dsl/generated/module.js';
import type { Timed } from '../../src/dsl/generated/ast.js';
import { ScenarioDocumentValidator } from '../../src/dsl/scenario-document-validator.js';
import { createScenarioModule, createScenarioServices, type ScenarioServices } from '../../src/dsl/scenario-module.js';
import { registerValidators } from '../../src/dsl/scenario-validator.js';
import { protocols } from '../../src/protocols/registry.js';
import { mutate, mulberry32 } from '../_mutate.js';
import { exampleTexts, realisticScenarioFile } from './fixtures/realistic.js';

/** Langium's full walk: every node, every child. */
class FullWalkValidator extends ScenarioDocumentValidator {
  protected override validateSingleNodeOptions(_node: AstNode): ValidateSingleNodeOptions {
    return VALIDATE_EACH_NODE;
  }
}

function servicesWithFullWalk(): ScenarioServices {
  const shared = inject(createDefaultSharedModule(EmptyFileSystem), ScenarioGeneratedSharedModule);
  const Scenario = inject(createDefaultModule({ shared }), ScenarioDslGeneratedModule, createScenarioModule(protocols), {
    validation: { DocumentValidator: (services: ScenarioServices) => new FullWalkValidator(services) },
  });
  shared.ServiceRegistry.register(Scenario);
  registerValidators(Scenario);
  shared.workspace.ConfigurationProvider.initialized({});
  return Scenario;
}

let counter = 0;
async function diagnostics(services: ScenarioServices, text: string): Promise<Diagnostic[]> {
  const shared = services.shared;
  const doc: LangiumDocument = shared.workspace.LangiumDocumentFactory.fromString(text, URI.parse(`file:///walk/${++counter}.scenario`));
  shared.workspace.LangiumDocuments.addDocument(doc);
  await shared.workspace.DocumentBuilder.build([doc], { validation: true });
  const out = doc.diagnostics ?? [];
  await shared.workspace.DocumentBuilder.update([], [doc.uri]);
  return out;
}

describe('dsl: validation walks only the top of the tree, with the same diagnostics', function () {
  this.timeout(120_000);

  it('reports what the full walk reports on the examples, the realistic file and 150 broken variants', async () => {
    const ours = createScenarioServices().Scenario;
    const full = servicesWithFullWalk();
    const random = mulberry32(17);
    const texts = [...exampleTexts().map((e) => e.text), realisticScenarioFile(1000).text];
    const broken = Array.from({ length: 150 }, (_, i) => mutate(texts[i % (texts.length - 1)]!, random));
    let withDiagnostics = 0;
    for (const text of [...texts, ...broken]) {
      const expected = await diagnostics(full, text);
      assert.deepEqual(await diagnostics(ours, text), expected, text);
      if (expected.length > 0) withDiagnostics++;
    }
    assert.ok(withDiagnostics > 50, `the broken variants exercise validation: ${withDiagnostics} have diagnostics`);
  });

  it('walks every node again once a validation is registered on a type deeper down', async () => {
    const services = createScenarioServices().Scenario;
    const text = 'cluster h: hash {\n  algorithm md5\n}\nscenario "s" {\n  use h\n  at 0ms client hash "a"\n  at 1ms client hash "b"\n}\n';
    assert.deepEqual((await diagnostics(services, text)).filter((d) => d.message === 'a timed line'), []);
    services.validation.ValidationRegistry.register({ Timed: (node: Timed, accept) => accept('hint', 'a timed line', { node }) });
    const seen = (await diagnostics(services, text)).filter((d) => d.message === 'a timed line');
    assert.deepEqual(seen.map((d) => d.range.start.line), [5, 6]);
  });
});
