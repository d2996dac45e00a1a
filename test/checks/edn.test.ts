import assert from 'node:assert/strict';
import { EdnMap, isKeyword, readEdn, type EdnValue } from '../../src/checks/edn.js';
import { ednToJson } from '../../src/checks/jepsen.js';

function one(text: string): EdnValue {
  const r = readEdn(text);
  assert.ok(r.ok, r.ok ? '' : `${r.line}:${r.col} ${r.error}`);
  assert.equal(r.forms.length, 1);
  return r.forms[0]!.value;
}

function error(text: string): { error: string; line: number; col: number } {
  const r = readEdn(text);
  assert.ok(!r.ok, `expected an error for ${JSON.stringify(text)}`);
  return { error: r.error, line: r.line, col: r.col };
}

describe('readEdn()', () => {
  it('reads a Jepsen operation map', () => {
    const v = one('{:process 0, :type :invoke, :f :write, :value 3}');
    assert.ok(v instanceof EdnMap);
    assert.equal(v.get('process'), 0);
    assert.ok(isKeyword(v.get('type'), 'invoke'));
    assert.deepEqual(ednToJson(v), { process: 0, type: 'invoke', f: 'write', value: 3 });
  });

  it('reads the scalar literals of the EDN spec', () => {
    assert.equal(one('nil'), null);
    assert.equal(one('true'), true);
    assert.equal(one('-42'), -42);
    assert.equal(one('+7'), 7);
    assert.equal(one('42N'), 42);
    assert.equal(one('12345678901234567890N'), '12345678901234567890', 'integers past 2^53 stay exact, as text');
    assert.equal(one('1.5M'), 1.5);
    assert.equal(one('1e3'), 1000);
    assert.equal(one('22/7'), 22 / 7);
    assert.equal(one('"a\\"b\\\\c\\n\\u00e9"'), 'a"b\\c\né');
    assert.equal(one('\\a'), 'a');
    assert.equal(one('\\newline'), '\n');
    assert.equal(one('\\u0041'), 'A');
    assert.deepEqual(one(':ns/name'), { keyword: 'ns/name' });
    assert.deepEqual(one('some-symbol'), { symbol: 'some-symbol' });
  });

  it('reads collections, sets, tags and discards; commas are whitespace; ; comments', () => {
    assert.deepEqual(ednToJson(one('[1, 2 (3 4) #{5}]')), [1, 2, [3, 4], [5]]);
    assert.deepEqual(one('#inst "2020-01-01T00:00:00Z"'), { tag: 'inst', value: '2020-01-01T00:00:00Z' });
    const op = one('#jepsen.history.Op{:index 0, :type :ok}');
    assert.ok(typeof op === 'object' && op !== null && 'tag' in op && op.tag === 'jepsen.history.Op');
    assert.deepEqual(ednToJson(one('[1 #_ 2 3] ; the rest of the line')), [1, 3]);
    assert.deepEqual(ednToJson(one('{[1 2] :a}')), { '[1,2]': 'a' }, 'non-string keys become their JSON');
  });

  it('reads many top-level forms with their lines (history.edn: one map per line)', () => {
    const r = readEdn('{:a 1}\n\n{:b 2}\n; c\n{:c\n 3}');
    assert.ok(r.ok);
    assert.deepEqual(r.forms.map((f) => f.line), [1, 3, 5]);
  });

  it('says where truncated or malformed input breaks, and never throws', () => {
    assert.deepEqual(error('{:process 0 :type'), { error: '"{" is never closed (expected "}")', line: 1, col: 1 });
    assert.match(error('{:a "unterminated}').error, /string is never closed/);
    assert.match(error('{:a 1 :b}').error, /a value for every key/);
    const mismatched = error('[1 2\n  3}');
    assert.match(mismatched.error, /expected "\]" to close the "\[" opened at line 1, found "}"/);
    assert.deepEqual([mismatched.line, mismatched.col], [2, 4]);
    assert.match(error(')').error, /nothing open/);
    assert.match(error('"\\q"').error, /unknown escape/);
    assert.match(error('\\bogus').error, /unknown character literal/);
    assert.match(error('12abc').error, /not a number/);
    assert.match(error('#').error, /not a tag/);
    assert.match(error('#_').error, /discards nothing/);
    assert.match(error(':').error, /keyword needs a name/);
    assert.match(error('['.repeat(10_000)).error, /nested more than/);
  });
});
