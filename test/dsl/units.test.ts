/**
 * The hand-written duration and percentage scanners of src/dsl/_units.ts
 * against the regular expressions of the grammar's DURATION and PERCENT
 * terminals, on every concatenation of four pieces from a list of digits,
 * signs, points, units and near-misses (about 330 000 strings).
 */
import assert from 'node:assert/strict';
import { parseDuration, parsePercent } from '../../src/dsl/_units.js';

const UNIT_US: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, min: 60_000_000 };

function referenceDuration(text: string): number | undefined {
  const m = /^(-?[0-9]+(?:\.[0-9]+)?)(us|ms|min|s)$/.exec(text);
  return m ? Math.round(Number(m[1]) * UNIT_US[m[2]!]!) : undefined;
}

function referencePercent(text: string): number | undefined {
  const m = /^(-?[0-9]+(?:\.[0-9]+)?)%$/.exec(text);
  return m ? Number(m[1]) / 100 : undefined;
}

describe('dsl: duration and percentage scanning', () => {
  it('agrees with the regular expressions, -0 and rounding included', () => {
    const pieces = ['', '-', '0', '1', '9', '.', '5', '12', '.25', 'us', 'ms', 'min', 's', '%', 'm', 'u', 'mi', 'x', '123456789012345', '1234567890123456789', '-0', 'sm', ' ', '.0'];
    let durations = 0;
    for (const a of pieces) for (const b of pieces) for (const c of pieces) for (const d of pieces) {
      const text = a + b + c + d;
      const expected = referenceDuration(text);
      assert.ok(Object.is(parseDuration(text), expected), `parseDuration(${JSON.stringify(text)})`);
      assert.ok(Object.is(parsePercent(text), referencePercent(text)), `parsePercent(${JSON.stringify(text)})`);
      if (expected !== undefined) durations++;
    }
    assert.ok(durations > 1000, `only ${durations} valid durations generated`);
  });
});
