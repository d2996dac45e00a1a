/**
 * Uniformity statistics for bucket histograms: Pearson's chi-square
 * statistic against the uniform distribution and its p-value, the upper tail
 * of the chi-square distribution with B-1 degrees of freedom,
 * Q(k/2, x/2) = Γ(k/2, x/2) / Γ(k/2). The regularised incomplete gamma uses
 * its power series for x < a+1 and Lentz's continued fraction otherwise
 * (Abramowitz & Stegun 6.5.29 and 6.5.31); ln Γ uses the Lanczos
 * approximation (g = 7, n = 9 coefficients, as tabulated by Godfrey).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularised upper incomplete gamma function Q(a, x), a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`gammaQ: need a > 0 and x >= 0, got a=${a}, x=${x}`);
  if (x === 0) return 1;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // P(a, x) by the series Σ x^n / (a (a+1) … (a+n)).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPrefix));
  }
  // Q(a, x) by the continued fraction, modified Lentz's method.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(lnPrefix) * h);
}

export interface Uniformity {
  /** Pearson's χ² against equal expected counts. */
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  /** P(χ² ≥ observed) under uniformity; small values mean "not uniform". */
  readonly pValue: number;
  readonly max: number;
  readonly min: number;
  readonly mean: number;
}

/** χ² uniformity of a histogram (at least two buckets and one item). */
export function uniformity(counts: ArrayLike<number>): Uniformity {
  const b = counts.length;
  let total = 0;
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < b; i++) {
    const c = counts[i]!;
    total += c;
    if (c > max) max = c;
    if (c < min) min = c;
  }
  if (b < 2 || total === 0) {
    return { chiSquare: 0, degreesOfFreedom: Math.max(0, b - 1), pValue: 1, max: b ? max : 0, min: b ? min : 0, mean: b ? total / b : 0 };
  }
  const expected = total / b;
  let chi = 0;
  for (let i = 0; i < b; i++) {
    const diff = counts[i]! - expected;
    chi += (diff * diff) / expected;
  }
  const df = b - 1;
  return { chiSquare: chi, degreesOfFreedom: df, pValue: gammaQ(df / 2, chi / 2), max, min, mean: expected };
}
