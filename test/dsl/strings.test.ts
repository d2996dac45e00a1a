/**
 * Strings in the scenario language: escapes (_strings.ts) — their values,
 * a diagnostic on each bad one, where it stands — and repetition
 * (`"a" * 1000000`), bounded, down to the published SHA-1 vector of a million
 * "a" (FIPS 180-2, Appendix A.3; RFC 3174 §7.3 test 3) hashed by the `hash`
 * protocol.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { decodeString, MAX_REPEATED_LENGTH, quoteString, repetitionProblem } from '../../src/dsl/_strings.js';
import { runScenario, traceOf } from '../../src/runner/run.js';
import { CLUSTER, expectOnly } from './_helpers.js';

const scenario = (body: string) => `${CLUSTER}scenario "s" {\n  use five\n${body}\n}\n`;

/** The `value` argument of the first client action of the first scenario. */
async function firstValue(text: string): Promise<unknown> {
  const r = await parseAndCompile(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const action = r.file.scenarios[0]!.actions[0]!.action;
  assert.equal(action.kind, 'client');
  return action.kind === 'client' ? action.args['value'] : undefined;
}

const hashing = (literal: string) => `cluster h: hash {\n  algorithm sha1\n}\nscenario "s" {\n  use h\n  at 0ms client hash ${literal}\n  run until 1ms\n}\n`;

describe('dsl: string escapes', () => {
  const cases: [string, string][] = [
    ['"a\\"b"', 'a"b'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"line\\nfeed"', 'line\nfeed'],
    ['"cr\\r\\n"', 'cr\r\n'],
    ['"tab\\there"', 'tab\there'],
    ['"nul\\0byte"', 'nul\0byte'],
    ['"\\x41\\x7f\\x00"', 'A\x7f\x00'],
    ['"\\u{41}\\u{e9}\\u{1F600}\\u{10FFFF}"', 'Aé😀\u{10FFFF}'],
    ['"no escapes"', 'no escapes'],
  ];
  for (const [literal, value] of cases) {
    it(`${literal} is ${JSON.stringify(value)}`, () => {
      assert.deepEqual(decodeString(literal), { value, problems: [] });
    });
  }

  it('gives the value to the protocol: `client hash "\\x00\\n"` hashes a NUL and a line feed', async () => {
    assert.equal(await firstValue(hashing('"\\x00\\n\\u{e9}"')), '\x00\né');
  });

  it('writes any value back as a literal that reads as the same value (quoteString)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
      for (const v of [a, b.replace(/[\uD800-\uDFFF]/g, '')]) {
        const literal = quoteString(v);
        assert.deepEqual(decodeString(literal), { value: v, problems: [] }, literal);
        assert.match(literal, /^"(\\.|[^"\\\r\n])*"$/, 'a literal the STRING terminal accepts');
      }
    }));
  });

  const bad: [string, RegExp][] = [
    ['«\\q»', /^unknown escape \\q in a string; the escapes are \\n, \\r, \\t, \\0, \\xNN \(up to \\x7F\), \\u\{…\}, \\" or \\\\$/],
    ['«\\x»Z1', /^\\x needs two hex digits, like \\x0A$/],
    ['«\\x4»g', /^\\x needs two hex digits/],
    ['«\\xFF»', /^\\xFF is not ASCII: write \\u\{FF\} for the character U\+00FF/],
    ['«\\u»41', /^\\u needs its code point in braces, like \\u\{41\}/],
    ['«\\u{}»', /^\\u\{\} needs 1 to 6 hex digits/],
    ['«\\u{1234567}»', /^\\u\{1234567\} needs 1 to 6 hex digits/],
    ['«\\u{110000}»', /^\\u\{110000\} is beyond the last code point, U\+10FFFF$/],
    ['«\\u{DFFF}»', /^\\u\{DFFF\} is a surrogate, not a character/],
    ['«\\u{41 ok»', /^\\u\{ is not closed: write \\u\{41\} or \\u\{1F600\}$/],
  ];
  for (const [escape, message] of bad) {
    it(`reports ${escape.replace(/[«»]/g, '')} on the escape itself, and the file still parses`, async () => {
      const d = await expectOnly(scenario(`  at 0ms note "ok ${escape}"\n  at 1s crash n1`), 'lexing-error', message);
      assert.equal(d.severity, 'error');
    });
  }

  it('reports every bad escape of a string, and none in a valid one next to it', async () => {
    const r = await parseAndCompile(hashing('"\\q\\w" at 1ms note "\\t"'));
    assert.deepEqual(r.diagnostics.map((d) => [d.col, d.endCol, d.message.slice(0, 18)]), [[23, 25, 'unknown escape \\q '], [25, 27, 'unknown escape \\w ']]);
  });
});

describe('dsl: repeated strings ("a" * N)', () => {
  it('repeats a string wherever a value goes: operation and query arguments, comparisons, parameters', async () => {
    const r = await parseAndCompile(`cluster h: hash {\n  algorithm sha1\n}\ncluster k: raft {\n  nodes n1..n3\n}\nscenario "s" {\n  use h\n  at 0ms client hash "ab" * 3\n  run until 1ms\n  expect at end digest "x" * 2 = "\\x41" * 2\n}\nscenario "t" {\n  use k\n  at 0ms client put k = "-" * 4\n}\n`);
    assert.deepEqual(r.diagnostics, []);
    const [s, t] = r.file.scenarios;
    assert.deepEqual(s!.actions[0]!.action, { kind: 'client', op: 'hash', args: { value: 'ababab' } });
    assert.deepEqual(s!.expectations[0], { kind: 'atEnd', condition: { query: 'digest', args: { value: 'xx' }, compare: { op: '=', value: 'AA' } }, source: s!.expectations[0]!.source });
    assert.deepEqual(t!.actions[0]!.action, { kind: 'client', op: 'put', args: { key: 'k', value: '----' } });
  });

  it('repeats zero times to the empty string', async () => {
    assert.equal(await firstValue(hashing('"abc" * 0')), '');
  });

  it('bounds the result to 2^24 characters, with a message saying why', async () => {
    assert.equal(MAX_REPEATED_LENGTH, 16_777_216);
    assert.equal(repetitionProblem('a', MAX_REPEATED_LENGTH), undefined);
    await expectOnly(scenario('  at 0ms client put k = "ab" * «8388609»'), 'out-of-range',
      '"ab" * 8388609 would be 16777218 characters long; a repeated string may have at most 16777216 (2^24)');
  });

  it('takes a whole number of times', async () => {
    await expectOnly(scenario('  at 0ms client put k = "ab" * «1.5»'), 'out-of-range', 'a string is repeated a whole number of times, like "a" * 1000, got * 1.5');
    await expectOnly(scenario('  at 0ms client put k = "ab" * «-2»'), 'out-of-range', /got \* -2$/);
  });

  it('shows a repeated string as written in messages', async () => {
    await expectOnly(scenario('  at 0ms client place «"k" * 2» keys'), 'bad-arguments', 'place expects `place <count:int> keys`: <count> expects an integer, got "k" * 2');
  });

  it('hashes "a" × 10^6 to the published SHA-1 digest 34aa973c d4c4daa4 f61eeb2b dbad2731 6534016f', async () => {
    const text = `cluster h: hash {\n  algorithm sha1\n}\nscenario "a million a" {\n  use h\n  at 0ms client hash "a" * 1000000\n  run until 1ms\n  expect at end digest "a" * 1000000 = "34aa973cd4c4daa4f61eeb2bdbad27316534016f"\n  expect at end digest "a" * 999999 != "34aa973cd4c4daa4f61eeb2bdbad27316534016f"\n}\n`;
    const r = await parseAndCompile(text);
    assert.deepEqual(r.diagnostics, []);
    const outcome = runScenario(r.file.scenarios[0]!);
    assert.deepEqual(outcome.result.checks.map((c) => c.status), ['held', 'held']);
    const replies = traceOf(outcome).events.filter((e) => e.kind === 'reply');
    assert.equal(replies.length, 1);
    assert.match(JSON.stringify(replies[0]), /"digest":"34aa973cd4c4daa4f61eeb2bdbad27316534016f"/);
  });
});
