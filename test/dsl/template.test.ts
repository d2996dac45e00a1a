import assert from 'node:assert/strict';
import { matchTemplate, parseTemplate, type ArgToken } from '../../src/dsl/_template.js';
import { expandRange, suggest } from '../../src/dsl/_names.js';
import { parseDuration, parsePercent } from '../../src/dsl/_units.js';

const id = (text: string): ArgToken => ({ kind: 'id', text, value: text });
const num = (n: number): ArgToken => ({ kind: 'number', text: String(n), value: n });
const str = (s: string): ArgToken => ({ kind: 'string', text: JSON.stringify(s), value: s });
const eq: ArgToken = { kind: 'eq', text: '=', value: '=' };
const env = { isNode: (n: string) => ['n1', 'n2', 'n3'].includes(n) };

describe('dsl: op/query templates (matchTemplate)', () => {
  it('parses words, typed slots and optional groups, dropping the name word', () => {
    assert.deepEqual(parseTemplate('add <node:node> [weight <weight:int>]'), [
      { kind: 'slot', name: 'node', type: 'node' },
      { kind: 'opt', parts: [{ kind: 'word', text: 'weight' }, { kind: 'slot', name: 'weight', type: 'int' }] },
    ]);
  });

  it('matches the hash and ring templates', () => {
    assert.deepEqual(matchTemplate('hash <value:string>', [], [str('apple')], env), { ok: true, args: { value: 'apple' } });
    assert.deepEqual(matchTemplate('place <count:int> keys', [], [num(1000), id('keys')], env), { ok: true, args: { count: 1000 } });
    assert.deepEqual(matchTemplate('add <node:node> [weight <weight:int>]', [], [id('n2')], env), { ok: true, args: { node: 'n2' } });
    assert.deepEqual(matchTemplate('add <node:node> [weight <weight:int>]', [], [id('n2'), id('weight'), num(3)], env), { ok: true, args: { node: 'n2', weight: 3 } });
    assert.deepEqual(matchTemplate('remove <node:node>', [], [id('n1')], env), { ok: true, args: { node: 'n1' } });
    assert.deepEqual(matchTemplate('owner <key:key>', [], [str('user:1')], env), { ok: true, args: { key: 'user:1' } });
    assert.deepEqual(matchTemplate('unique', [], [], env), { ok: true, args: {} });
    assert.deepEqual(matchTemplate('put <key:key> = <value:value>', [], [id('x'), eq, num(1)], env), { ok: true, args: { key: 'x', value: 1 } });
  });

  it('reports the furthest failure with its token index', () => {
    assert.deepEqual(matchTemplate('add <node:node> [weight <weight:int>]', [], [id('n2'), id('weight'), str('x')], env), { ok: false, at: 2, message: '<weight> expects an integer, got "x"' });
    assert.deepEqual(matchTemplate('place <count:int> keys', [], [num(3)], env), { ok: false, at: 1, message: "expected 'keys'" });
    assert.deepEqual(matchTemplate('unique', [], [num(3)], env), { ok: false, at: 0, message: 'unexpected 3' });
    assert.deepEqual(matchTemplate('remove <node:node>', [], [id('zz')], env), { ok: false, at: 0, message: "<node>: unknown node 'zz'" });
  });

  it('a `nodes` slot takes one or more node names in a row, the longest run that lets the rest match', () => {
    const t = 'begin <tx:name> [with <parts:nodes>] [put <key:key> = <value:value>]';
    assert.deepEqual(matchTemplate(t, [], [id('t1'), id('with'), id('n1'), id('n2'), id('n3'), id('put'), id('x'), eq, num(1)], env),
      { ok: true, args: { tx: 't1', parts: ['n1', 'n2', 'n3'], key: 'x', value: 1 } });
    assert.deepEqual(matchTemplate(t, [], [id('t1'), id('with'), id('n2')], env), { ok: true, args: { tx: 't1', parts: ['n2'] } });
    assert.deepEqual(matchTemplate(t, [], [id('t1')], env), { ok: true, args: { tx: 't1' } });
    // A node name after the run is left for what follows when the template needs it.
    assert.deepEqual(matchTemplate('move <from:nodes> to <to:node>', [], [id('n1'), id('n2'), id('to'), id('n3')], env), { ok: true, args: { from: ['n1', 'n2'], to: 'n3' } });
    assert.deepEqual(matchTemplate('pair <a:nodes> <b:node>', [], [id('n1'), id('n2'), id('n3')], env), { ok: true, args: { a: ['n1', 'n2'], b: 'n3' } });
  });

  it('a `nodes` slot reports an unknown or missing node', () => {
    const t = 'begin <tx:name> with <parts:nodes>';
    assert.deepEqual(matchTemplate(t, [], [id('t1'), id('with'), id('zz')], env), { ok: false, at: 2, message: "<parts>: unknown node 'zz'" });
    assert.deepEqual(matchTemplate(t, [], [id('t1'), id('with')], env), { ok: false, at: 2, message: 'missing <parts>' });
    assert.deepEqual(matchTemplate(t, [], [id('t1'), id('with'), id('n1'), num(3)], env), { ok: false, at: 3, message: 'unexpected 3' });
  });

  it('applies ArgSpec bounds and choices', () => {
    const r = matchTemplate('place <count:int> keys', [{ name: 'count', type: 'int', min: 1 }], [num(0), id('keys')], env);
    assert.deepEqual(r, { ok: false, at: 0, message: '<count> must be at least 1, got 0' });
    const c = matchTemplate('digest <a:algorithm>', [{ name: 'a', type: 'algorithm', choices: ['md5'] }], [id('sha1')], env);
    assert.deepEqual(c, { ok: false, at: 0, message: "<a>: unknown choice 'sha1', expected one of md5" });
  });
});

describe('dsl: literals and names', () => {
  it('durations to µs, percentages to fractions', () => {
    assert.equal(parseDuration('150ms'), 150_000);
    assert.equal(parseDuration('1.5s'), 1_500_000);
    assert.equal(parseDuration('200us'), 200);
    assert.equal(parseDuration('2min'), 120_000_000);
    assert.equal(parseDuration('5'), undefined);
    assert.equal(parsePercent('0.5%'), 0.005);
  });

  it('node ranges expand with the same prefix, keeping zero padding', () => {
    assert.deepEqual(expandRange('n1', 'n3'), { ok: true, value: ['n1', 'n2', 'n3'] });
    assert.deepEqual(expandRange('n08', 'n10'), { ok: true, value: ['n08', 'n09', 'n10'] });
    assert.equal(expandRange('a1', 'b2').ok, false);
    assert.equal(expandRange('n5', 'n1').ok, false);
    assert.equal(expandRange('n1', 'n1000000').ok, false);
  });

  it('suggests close names only', () => {
    assert.equal(suggest('hearbeat', ['heartbeat', 'vnodes']), 'heartbeat');
    assert.equal(suggest('z', ['a', 'b']), undefined);
    assert.equal(suggest('completely', ['heartbeat']), undefined);
  });
});
