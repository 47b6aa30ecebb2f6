import { describe, expect, it } from 'vitest';
import { mulberry32 as random } from '../random.js';
import { fitLatency, huberFit, nthSmallest, solve, type LatencySample } from '../../src/simulate/latency-model.js';

/**
 * The Huber fit as first written, arrays and callbacks (with the same `solve`): the fast one must
 * give the very same doubles (the same sums in the same order), so no scenario latency moves by a
 * bit.
 */
function referenceHuberFit(xs: number[][], ys: number[]): { beta: number[]; meanAbsoluteError: number } | null {
  const leastSquares = (weights: number[]) => {
    const k = xs[0]!.length;
    const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const b = new Array<number>(k).fill(0);
    xs.forEach((x, i) => {
      for (let r = 0; r < k; r++) {
        b[r]! += weights[i]! * x[r]! * ys[i]!;
        for (let c = 0; c < k; c++) a[r]![c]! += weights[i]! * x[r]! * x[c]!;
      }
    });
    return solve(a, b);
  };
  const predict = (beta: number[], x: number[]) => x.reduce((sum, xi, i) => sum + xi * beta[i]!, 0);
  let weights = ys.map(() => 1);
  let beta = leastSquares(weights);
  for (let iteration = 0; beta && iteration < 20; iteration++) {
    const residuals = ys.map((y, i) => y - predict(beta!, xs[i]!));
    const sorted = Float64Array.from(residuals, (r) => Math.abs(r)).sort();
    const k = 1.345 * Math.max(1e-6, 1.4826 * sorted[Math.floor(sorted.length / 2)]!);
    weights = residuals.map((r) => (Math.abs(r) <= k ? 1 : k / Math.abs(r)));
    beta = leastSquares(weights);
  }
  if (!beta) return null;
  return { beta, meanAbsoluteError: ys.reduce((sum, y, i) => sum + Math.abs(y - predict(beta!, xs[i]!)), 0) / ys.length };
}

/** Latencies of a model with a known line, noise, and slow outliers (one in ten). */
function samples(seed: number, count: number): LatencySample[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const inputTokens = Math.floor(next() * 20_000);
    const outputTokens = Math.floor(next() * 800);
    const noise = (next() - 0.5) * 40;
    const outlier = next() < 0.1 ? next() * 20_000 : 0;
    return { inputTokens, outputTokens, latencyMs: 300 + 0.02 * inputTokens + 15 * outputTokens + noise + outlier, ttftMs: next() < 0.2 ? null : 200 + 0.01 * inputTokens + noise };
  });
}

describe('nthSmallest', () => {
  it('finds what a sort puts at each place, with repeats, ties and any length', () => {
    const next = random(9);
    for (let length = 1; length <= 60; length++) {
      for (const spread of [1, 3, 1000]) {
        // spread 1: all equal; 3: few distinct values, many ties
        const values = Float64Array.from({ length }, () => Math.floor(next() * spread) - spread / 2 + (spread === 1000 ? next() : 0));
        const sorted = values.slice().sort();
        for (let nth = 0; nth < length; nth++) expect(nthSmallest(values.slice(), nth)).toBe(sorted[nth]);
      }
    }
    const large = Float64Array.from({ length: 20_001 }, () => Math.abs(next() - 0.5) * 1e4);
    expect(nthSmallest(large.slice(), 10_000)).toBe(large.slice().sort()[10_000]);
    // already sorted, and in reverse
    const ascending = Float64Array.from({ length: 1001 }, (_, i) => i);
    expect(nthSmallest(ascending.slice(), 500)).toBe(500);
    expect(nthSmallest(ascending.slice().reverse(), 17)).toBe(17);
  });
});

describe('the latency fit', () => {
  it('gives the same doubles as the fit first written, on noisy logs with outliers', () => {
    for (const [seed, count] of [
      [1, 30],
      [2, 500],
      [3, 20_000],
    ] as const) {
      const logged = samples(seed, count);
      const xs = logged.map((s) => [1, s.inputTokens, s.outputTokens]);
      const ys = logged.map((s) => s.latencyMs);
      expect(huberFit(xs, ys)).toEqual(referenceHuberFit(xs, ys));
      const timed = logged.filter((s) => s.ttftMs !== null);
      expect(huberFit(timed.map((s) => [1, s.inputTokens]), timed.map((s) => s.ttftMs!))).toEqual(referenceHuberFit(timed.map((s) => [1, s.inputTokens]), timed.map((s) => s.ttftMs!)));
    }
  });

  it('finds the line under the outliers', () => {
    const fit = fitLatency('gpt-4o', samples(4, 5000));
    expect(fit.source).toBe('fit');
    expect(fit.interceptMs).toBeGreaterThan(250);
    expect(fit.interceptMs).toBeLessThan(350);
    expect(fit.perInputTokenMs).toBeCloseTo(0.02, 2);
    expect(fit.perOutputTokenMs).toBeCloseTo(15, 0);
    expect(fit.ttft.source).toBe('fit');
    expect(fit.ttft.perInputTokenMs).toBeCloseTo(0.01, 2);
  });

  it('takes the defaults with fewer than 30 latencies', () => {
    expect(fitLatency('gpt-4o', samples(5, 29)).source).toBe('defaults');
  });

  it('has no fit when the samples cannot tell the coefficients apart', () => {
    // every request the same size: input and output tokens are collinear with the intercept
    const xs = Array.from({ length: 40 }, () => [1, 1000, 100]);
    expect(huberFit(xs, xs.map(() => 500))).toBeNull();
  });
});
