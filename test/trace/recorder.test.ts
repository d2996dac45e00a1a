import assert from 'node:assert/strict';
import { K, TraceRecorder } from '../../src/trace/recorder.js';

describe('TraceRecorder columns', () => {
  it('keeps every row and message body across the first chunk\'s growth and later chunks', () => {
    // 150 000 sends cross both growth steps of the first chunk (1k → 8k → 64k rows) and two
    // chunk boundaries. Bodies appear only from some point on, first inside a chunk that has
    // had none (its body array is created lazily), and then on every 8th message (the last row of each chunk among them).
    const rec = new TraceRecorder(['a', 'b', 'c']);
    const n = 150_000;
    const bodyOf = (k: number): { k: number } | undefined => (k >= 3000 && k % 8 === 7 ? { k } : undefined);
    for (let k = 0; k < n; k++) {
      const id = rec.send(k * 10, k % 3, k - 1, (k + 1) % 3, k % 2 === 0 ? 'Ping' : 'Pong', bodyOf(k));
      assert.equal(id, k + 1);
    }
    assert.equal(rec.length, n);
    assert.equal(rec.messageCount, n);
    for (const k of [0, 1023, 1024, 2999, 3006, 3007, 8190, 8191, 8192, 65_535, 65_536, 70_000, 131_071, 131_072, n - 1]) {
      const e = rec.event(k);
      assert.equal(e.kind, 'send');
      if (e.kind !== 'send') continue;
      assert.equal(e.t, k * 10);
      assert.equal(e.cause, k === 0 ? null : k - 1);
      assert.deepEqual(e.msg, { id: k + 1, type: k % 2 === 0 ? 'Ping' : 'Pong', from: ['a', 'b', 'c'][k % 3], to: ['a', 'b', 'c'][(k + 1) % 3], ...(bodyOf(k) === undefined ? {} : { body: bodyOf(k) }) });
      assert.equal(rec.sendEventOf(k + 1), k);
      assert.equal(rec.timeOf(k), k * 10);
    }
  });

  it('reads back each row\'s kind and node, node -1 (none) included', () => {
    const rec = new TraceRecorder(['a', 'b', 'c']);
    const id = rec.send(5, 2, -1, 0, 'Ping', undefined);
    rec.drop(6, 2, 0, id, 'persist-lost');
    rec.note(7, -1, 1, 'hello');
    rec.note(8, 1, 1, 'at b');
    assert.deepEqual([0, 1, 2, 3].map((i) => rec.kindCode(i)), [K.send, K.dropPersistLost, K.note, K.note]);
    assert.deepEqual(rec.event(1), { i: 1, t: 6, cause: 0, kind: 'drop', node: 'c', msg: id, reason: 'persist-lost' });
    assert.deepEqual(rec.event(2), { i: 2, t: 7, cause: 1, kind: 'note', text: 'hello' });
    assert.deepEqual(rec.event(3), { i: 3, t: 8, cause: 1, kind: 'note', node: 'b', text: 'at b' });
  });

  it('node states: stateAt, state events and initial roles, also when states are recorded after the first stateAt', () => {
    const rec = new TraceRecorder(['a', 'b']);
    rec.initialState(0, { n: 0 }, 'follower');
    rec.initialState(1, { n: 0 }, 'follower');
    rec.state(1, 0, -1, { n: 1 }, 'follower'); // event 0
    rec.note(2, -1, -1, 'between'); // event 1
    rec.state(3, 1, -1, { n: 1 }, 'leader'); // event 2
    assert.deepEqual(rec.stateAt(-1), { a: { n: 0 }, b: { n: 0 } });
    assert.deepEqual(rec.stateAt(1), { a: { n: 1 }, b: { n: 0 } });
    // Recorded after the per-node lists were built by stateAt.
    rec.state(4, 0, 2, { n: 2 }, 'candidate'); // event 3
    assert.deepEqual(rec.stateAt(2), { a: { n: 1 }, b: { n: 1 } });
    assert.deepEqual(rec.stateAt(3), { a: { n: 2 }, b: { n: 1 } });
    assert.deepEqual(rec.initialRoles(), ['follower', 'follower']);
    assert.deepEqual(rec.event(2), { i: 2, t: 3, cause: null, kind: 'state', node: 'b', changes: [[['n'], 1]], role: 'leader' });
    assert.deepEqual(rec.event(3), { i: 3, t: 4, cause: 2, kind: 'state', node: 'a', changes: [[['n'], 2]], role: 'candidate' });
    assert.deepEqual(rec.event(0), { i: 0, t: 1, cause: null, kind: 'state', node: 'a', changes: [[['n'], 1]] }, 'the same role is not repeated');
  });
});
