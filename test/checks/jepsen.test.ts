import assert from 'node:assert/strict';
import { loadHistory, guessFormat } from '../../src/checks/history-file.js';
import { checkLinearizable } from '../../src/checks/linearizability.js';
import { modelNamed } from '../../src/checks/models.js';
import { registerHistory, toJepsenEdn } from '../_histories.js';

function load(text: string, model: 'register' | 'kv') {
  const r = loadHistory(text, { model });
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.history;
}

describe('Jepsen histories', () => {
  it('pairs invocations and completions per process: :ok known, :fail dropped, :info and no completion unknown', () => {
    const h = load(`{:process 0, :type :invoke, :f :write, :value 1}
{:process 1, :type :invoke, :f :cas, :value [1 2]}
{:process 0, :type :ok, :f :write, :value 1}
{:process :nemesis, :type :info, :f :start, :value nil}
{:process 1, :type :fail, :f :cas, :value [1 2]}
{:process 2, :type :invoke, :f :write, :value 5}
{:process 2, :type :info, :f :write, :value 5}
{:process 3, :type :invoke, :f :read, :value nil}
{:process 3, :type :ok, :f :read, :value 1}
{:process 4, :type :invoke, :f :read, :value nil}`, 'register');
    assert.equal(h.events, 10);
    assert.deepEqual(h.ops.map((o) => [o.line, o.client, o.input.op, o.call, o.ret, o.output]), [
      [1, '0', 'write', 0, 2, null],
      [6, '2', 'write', 5, null, undefined],
      [8, '3', 'read', 7, 8, 1],
      [10, '4', 'read', 9, null, undefined],
    ]);
    assert.equal(checkLinearizable(h.ops, modelNamed('register')).ok, true);
  });

  it('reads Knossos files (one vector of operations) and keyed [k v] values for the kv model', () => {
    const h = load(`[{:process 0 :type :invoke :f :write :value [:x 1]}
 {:process 0 :type :ok :f :write :value [:x 1]}
 {:process 1 :type :invoke :f :cas :value [:x [1 2]]}
 {:process 1 :type :ok :f :cas :value [:x [1 2]]}
 {:process 2 :type :invoke :f :append :value ["y" "a"]}
 {:process 2 :type :ok :f :append :value ["y" "a"]}
 {:process 0 :type :invoke :f :read :value [:x nil]}
 {:process 0 :type :ok :f :read :value [:x 2]}]`, 'kv');
    assert.deepEqual(h.ops.map((o) => [o.line, o.input]), [
      [1, { op: 'put', key: 'x', value: 1 }],
      [3, { op: 'cas', key: 'x', expected: 1, value: 2 }],
      [5, { op: 'append', key: 'y', value: 'a' }],
      [7, { op: 'get', key: 'x' }],
    ]);
    assert.equal(h.ops[3]!.output, 2);
    assert.equal(checkLinearizable(h.ops, modelNamed('kv')).ok, true);
  });

  it('reads JSON lines and a JSON array, with a "key" field or [k v] values', () => {
    const lines = '{"process":0,"type":"invoke","f":"put","key":"x","value":1}\n{"process":0,"type":"ok","f":"put","key":"x","value":1}\n{"process":1,"type":"invoke","f":"get","key":"x","value":null}\n{"process":1,"type":"ok","f":"get","key":"x","value":2}\n';
    assert.equal(guessFormat(lines), 'json');
    const h = load(lines, 'kv');
    assert.deepEqual(h.ops.map((o) => o.input), [{ op: 'put', key: 'x', value: 1 }, { op: 'get', key: 'x' }]);
    assert.equal(checkLinearizable(h.ops, modelNamed('kv')).ok, false);
    const array = JSON.stringify([{ process: 0, type: ':invoke', f: ':read', value: null }, { process: 0, type: ':ok', f: ':read', value: null }]);
    assert.equal(load(array, 'register').ops.length, 1);
  });

  it('turns every kind of broken history into a message with its line, never an exception', () => {
    const bad = (text: string, model: 'register' | 'kv' = 'register') => {
      const r = loadHistory(text, { model });
      assert.ok(!r.ok, text);
      return r.error;
    };
    assert.match(bad('{:process 0 :type :ok :f :read :value 1}'), /^line 1: process 0 completes \(:ok\) an operation it never invoked/);
    assert.match(bad('{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :write :value 1}'), /^line 2: process 0 completes :write but invoked :read/);
    assert.match(bad('{:process 0 :type :invoke :f :frobnicate}'), /:frobnicate is not an operation of the register model/);
    assert.match(bad('{:process 0 :type :invoke :f :cas :value 3}'), /a cas value is \[old new\]/);
    assert.match(bad('{:process 0 :type :invoke :f :write :value 3}', 'kv'), /\[key value\] tuple/);
    assert.match(bad('{:process 0 :type :invoke :f :txn :value [[:r 1 nil]]}', 'kv'), /transactions .* are not supported/);
    assert.match(bad('{:process 0 :type :begin :f :read}'), /:type :begin is not one of/);
    assert.match(bad('[1 2 3]'), /^line 1: expected an operation map/);
    assert.match(bad('{:process 0 :type'), /^line 1, column 1: "\{" is never closed/);
    assert.match(bad('{"process": 0, "type": "invoke"}\nnot json'), /^line 1: "f" must name the operation|^line 2: not JSON/);
    const noModel = loadHistory('{:process 0 :type :invoke :f :read}');
    assert.ok(!noModel.ok && /needs --model/.test(noModel.error));
  });

  it('a process that invokes again with an operation open: the open one becomes unknown, with a warning', () => {
    const h = load('{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :read :value 1}', 'register');
    assert.deepEqual(h.ops.map((o) => o.ret), [null, 2]);
    assert.match(h.warnings[0]!, /line 2: process 0 invokes again/);
  });

  it('round-trips generated etcd-like histories through EDN with the same verdict', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const ops = registerHistory({ clients: 5, ops: 60, unknown: 0.15, seed, corrupt: seed % 2 === 0 });
      const h = load(toJepsenEdn(ops), 'register');
      assert.equal(checkLinearizable(h.ops, modelNamed('register')).ok, seed % 2 === 1, `seed ${seed}`);
    }
  });
});
