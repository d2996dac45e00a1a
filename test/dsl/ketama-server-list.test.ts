/**
 * examples/ring/memcached-servers.scenario writes a ketama server list as
 * memcached users write it ("host:port" names with weights). Through the
 * language and the ring protocol it maps keys exactly as the `hashring` npm
 * package (an independent libketama implementation) does for the same list:
 * every server's load over key-0 … key-19999 and the owner of sampled keys,
 * checked as `expect` lines of a generated scenario on the example's cluster.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { runScenario } from '../../src/runner/run.js';
import { ROOT } from '../_cli.js';

const HashRing = createRequire(import.meta.url)('hashring') as new (servers: Record<string, number>, algorithm?: string, options?: Record<string, unknown>) => { get(key: string): string };

const EXAMPLE = readFileSync(join(ROOT, 'examples/ring/memcached-servers.scenario'), 'utf8');
const KEYS = 20_000;

describe('examples/ring/memcached-servers.scenario: a ketama server list = hashring', function () {
  this.timeout(60_000);

  it('compiles the server list as written: names with colons and dots, weights', async () => {
    const r = await parseAndCompile(EXAMPLE);
    assert.deepEqual(r.diagnostics, []);
    const spec = r.file.scenarios[0]!;
    assert.deepEqual(spec.nodes, ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211', 'cache-a.example:11211']);
    assert.deepEqual(spec.nodes.map((n) => spec.nodeParams[n]?.['weight']), [1, 1, 2, 2]);
    assert.deepEqual([spec.params['mode'], spec.params['hash'], spec.params['vnodes']], ['ketama', 'md5', 40]);
  });

  it('places every key where hashring does, with the same server list', async () => {
    const spec = (await parseAndCompile(EXAMPLE)).file.scenarios[0]!;
    const servers = Object.fromEntries(spec.nodes.map((n) => [n, Number(spec.nodeParams[n]?.['weight'])]));
    const theirs = new HashRing(servers, 'md5', { 'vnode count': 40 });
    const load = new Map<string, number>();
    for (let i = 0; i < KEYS; i++) {
      const owner = theirs.get(`key-${i}`);
      load.set(owner, (load.get(owner) ?? 0) + 1);
    }
    const quoted = (s: string) => JSON.stringify(s);
    const sampled = Array.from({ length: 200 }, (_, i) => `key-${i * 97}`).concat(['user:42', 'session:7']);
    const cluster = EXAMPLE.slice(0, EXAMPLE.indexOf('scenario "'));
    const text = `${cluster}scenario "as hashring places them" {
  use memcached
  at 0ms client place ${KEYS} keys
  run until 10ms
${spec.nodes.map((n) => `  expect at end load ${quoted(n)} = ${load.get(n) ?? 0}`).join('\n')}
${sampled.map((k) => `  expect at end owner ${quoted(k)} = ${quoted(theirs.get(k))}`).join('\n')}
}
`;
    const r = await parseAndCompile(text);
    assert.deepEqual(r.diagnostics, []);
    const checks = runScenario(r.file.scenarios[0]!).result.checks;
    assert.equal(checks.length, spec.nodes.length + sampled.length);
    assert.deepEqual(checks.filter((c) => c.status !== 'held').map((c) => `${c.name}: ${c.message}`), []);
    assert.ok([...load.values()].every((n) => n > 2000), `every server holds keys: ${JSON.stringify([...load])}`);
  });
});
