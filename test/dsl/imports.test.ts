import assert from 'node:assert/strict';
import { URI } from 'langium';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { createScenarioServices } from '../../src/dsl/scenario-module.js';
import type { Model, Scenario } from '../../src/dsl/generated/ast.js';
import { isScenario, isFaultAction, isNodeItem, isTimed } from '../../src/dsl/generated/ast.js';
import { toyProtocols } from './fixtures/toy.js';

const SHARED = 'cluster five: toy {\n  nodes n1..n5\n  heartbeat 20ms\n}\nscenario "base" { use five seed 3 }\n';

describe('dsl: imports and scoping', () => {
  it('a cluster from an imported file (relative path) resolves, with its nodes and params', async () => {
    const r = await parseAndCompile('import "../shared/clusters.scenario"\nscenario "s" {\n  use five\n  at 1s crash n3\n}', {
      protocols: toyProtocols,
      uri: 'file:///ws/examples/main.scenario',
      documents: { '../shared/clusters.scenario': SHARED },
    });
    assert.deepEqual(r.diagnostics, []);
    const s = r.file.scenarios[0]!;
    assert.deepEqual(s.nodes, ['n1', 'n2', 'n3', 'n4', 'n5']);
    assert.equal(s.params.heartbeat, 20_000);
    assert.deepEqual(s.actions[0]!.action, { kind: 'crash', target: { kind: 'nodes', nodes: ['n3'] } });
  });

  it('imports are transitive; compare and sweep reach scenarios of imported files', async () => {
    const r = await parseAndCompile('import "mid.scenario"\nscenario "mine" { use five }\ncompare "c" { left "base" right "mine" }\nsweep "w" of "base" { trials 2 }', {
      protocols: toyProtocols,
      documents: { 'mid.scenario': 'import "shared.scenario"\n', 'shared.scenario': SHARED },
    });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.file.compares.map((c) => [c.left, c.right]), [['base', 'mine']]);
    assert.deepEqual(r.file.sweeps[0]!.variants.map((v) => v.spec.seed), [3, 4]);
  });

  it('a cluster of a file that is loaded but not imported is not visible', async () => {
    const r = await parseAndCompile('scenario "s" { use five }', { protocols: toyProtocols, documents: { 'other.scenario': SHARED } });
    assert.equal(r.ok, false);
    assert.equal(r.diagnostics[0]!.code, 'unknown-cluster');
  });

  it('readFile follows imports (the CLI passes a file reader)', async () => {
    const read: string[] = [];
    const r = await parseAndCompile('import "lib/a.scenario"\nscenario "s" { use five at 1s crash n1 }', {
      protocols: toyProtocols,
      uri: 'file:///ws/main.scenario',
      readFile: async (uri) => {
        read.push(uri);
        return uri === 'file:///ws/lib/a.scenario' ? 'import "b.scenario"\n' : uri === 'file:///ws/lib/b.scenario' ? SHARED : undefined;
      },
    });
    assert.deepEqual(read, ['file:///ws/lib/a.scenario', 'file:///ws/lib/b.scenario']);
    assert.deepEqual(r.diagnostics, []);
  });

  it('an import that cannot be read is an error on the import line', async () => {
    const r = await parseAndCompile('import "nope.scenario"\n', { protocols: toyProtocols, readFile: async () => undefined });
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.col, d.endCol]), [['unresolved-import', 1, 8, 23]]);
  });

  it('node references resolve to their declaration, also inside a range (go-to-definition works)', async () => {
    const { shared, Scenario: services } = createScenarioServices({}, toyProtocols);
    const doc = shared.workspace.LangiumDocumentFactory.fromString<Model>(
      'cluster c: toy {\n  nodes a, n1..n4\n}\nscenario "s" { use c at 1s crash n3 }',
      URI.parse('file:///t/scope.scenario'),
    );
    shared.workspace.LangiumDocuments.addDocument(doc);
    await shared.workspace.DocumentBuilder.build([doc], { validation: true });
    assert.deepEqual(doc.diagnostics, []);
    const sc = doc.parseResult.value.elements.find(isScenario) as Scenario;
    const timed = sc.statements.find(isTimed)!;
    assert.ok(isFaultAction(timed.action));
    const item = timed.action.target.items[0]!;
    assert.ok(isNodeItem(item));
    const decl = item.node?.ref;
    assert.equal(decl?.name, 'n1', 'n3 points at the range n1..n4');
    assert.equal(decl?.last, 'n4');
    const refs = services.references.References.findReferences(decl!, { includeDeclaration: false }).toArray();
    assert.equal(refs.length, 1);
  });
});

describe('dsl: services passed to parseAndCompile', () => {
  it('compile uses the services\' protocols when none are given', async () => {
    const services = createScenarioServices({}, toyProtocols).Scenario;
    const r = await parseAndCompile('cluster c: toy { nodes a }\nscenario "s" { use c }', { services });
    assert.equal(r.ok, true);
    assert.deepEqual(r.file.scenarios.map((s) => s.protocol), ['toy']);
  });

  it('concurrent calls on one services instance do not see each other\'s documents', async () => {
    const services = createScenarioServices({}, toyProtocols).Scenario;
    const [a, b] = await Promise.all([
      parseAndCompile('cluster c: toy { nodes a }\nscenario "s" { use c }', { services }),
      parseAndCompile('scenario "t" { use c }', { services }),
    ]);
    assert.equal(a.ok, true);
    assert.equal(b.ok, false);
    assert.equal(b.diagnostics[0]!.code, 'unknown-cluster');
  });
});
