// Latency per model, fitted from the logs themselves: latency ≈ a + b·input + c·output and
// ttft ≈ a′ + b′·input, by Huber-weighted least squares (robust to the slow outliers every
// log has). Models with too few logged latencies take latency-defaults.json.
import defaults from './latency-defaults.json' with { type: 'json' };

export interface LatencyFit {
  model: string;
  source: 'fit' | 'defaults';
  samples: number;
  interceptMs: number;
  perInputTokenMs: number;
  perOutputTokenMs: number;
  /** Mean absolute error of the fit on its own samples (ms); null for defaults. */
  meanAbsoluteErrorMs: number | null;
  ttft: { source: 'fit' | 'defaults'; samples: number; interceptMs: number; perInputTokenMs: number };
}

export interface LatencySample {
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  ttftMs: number | null;
}

/** Fewer logged latencies than this and the defaults are used instead of a fit. */
export const MIN_SAMPLES = 30;

interface DefaultsEntry {
  prefix: string;
  interceptMs: number;
  perInputTokenMs: number;
  perOutputTokenMs: number;
  ttftInterceptMs: number;
  ttftPerInputTokenMs: number;
}

const DEFAULTS: DefaultsEntry[] = defaults.models;

function defaultsFor(model: string): DefaultsEntry {
  return DEFAULTS.find((d) => d.prefix === '*' || model.toLowerCase().startsWith(d.prefix))!;
}

export function defaultLatency(model: string): LatencyFit {
  const entry = defaultsFor(model);
  return {
    model,
    source: 'defaults',
    samples: 0,
    interceptMs: entry.interceptMs,
    perInputTokenMs: entry.perInputTokenMs,
    perOutputTokenMs: entry.perOutputTokenMs,
    meanAbsoluteErrorMs: null,
    ttft: { source: 'defaults', samples: 0, interceptMs: entry.ttftInterceptMs, perInputTokenMs: entry.ttftPerInputTokenMs },
  };
}

/** Solves the normal equations A·β = b (k × k) by Gaussian elimination with pivoting. */
export function solve(a: number[][], b: number[]): number[] | null {
  const k = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let row = col + 1; row < k; row++) if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    if (Math.abs(m[pivot]![col]!) < 1e-9) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let row = 0; row < k; row++) {
      if (row === col) continue;
      const factor = m[row]![col]! / m[col]![col]!;
      for (let c = col; c <= k; c++) m[row]![c]! -= factor * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[k]! / row[i]!);
}

/**
 * The normal equations of weighted least squares over `x` (n rows of k, flat), summed in the
 * rows' order. Typed arrays and plain loops, not arrays of arrays and callbacks: the fit runs
 * 21 of these over up to 20,000 samples per model, and took 2.4 s of a million-request replay.
 */
function weightedLeastSquares(x: Float64Array, k: number, y: Float64Array, weights: Float64Array): number[] | null {
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let i = 0, row = 0; i < y.length; i++, row += k) {
    const weight = weights[i]!;
    for (let r = 0; r < k; r++) {
      const xr = x[row + r]!;
      b[r]! += weight * xr * y[i]!;
      for (let c = 0; c < k; c++) a[r * k + c]! += weight * xr * x[row + c]!;
    }
  }
  return solve(
    Array.from({ length: k }, (_, r) => Array.from(a.subarray(r * k, r * k + k))),
    Array.from(b),
  );
}

/** The fit's value for row `row` of `x` (k values from `row * k`), summed in order from 0. */
function predict(beta: number[], x: Float64Array, row: number, k: number): number {
  let sum = 0;
  for (let i = 0; i < k; i++) sum += x[row * k + i]! * beta[i]!;
  return sum;
}

/**
 * The value at index `nth` of `values` sorted ascending (values must hold no NaN), found by
 * quickselect, which reorders `values`: the same number a sort gives, in linear time. Sorting the
 * residuals in each of the fit's 20 rounds was most of its time (0.4 s before a replay at 200k
 * requests, whatever the log's size).
 */
export function nthSmallest(values: Float64Array, nth: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    // the median of three as pivot, then Hoare's partition
    const middle = (low + high) >>> 1;
    const pivot = medianOfThree(values[low]!, values[middle]!, values[high]!);
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    // [low, j] ≤ pivot ≤ [i, high], and what lies between equals the pivot
    if (nth <= j) high = j;
    else if (nth >= i) low = i;
    else return values[nth]!;
  }
  return values[nth]!;
}

function medianOfThree(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

/** Huber IRLS: residuals beyond 1.345 robust standard deviations are down-weighted. */
export function huberFit(xs: number[][], ys: number[]): { beta: number[]; meanAbsoluteError: number } | null {
  const n = ys.length;
  const k = xs[0]!.length;
  const x = new Float64Array(n * k);
  xs.forEach((row, i) => x.set(row, i * k));
  const y = Float64Array.from(ys);
  const weights = new Float64Array(n).fill(1);
  const residuals = new Float64Array(n);
  const absolute = new Float64Array(n);
  let beta = weightedLeastSquares(x, k, y, weights);
  for (let iteration = 0; beta && iteration < 20; iteration++) {
    for (let i = 0; i < n; i++) {
      residuals[i] = y[i]! - predict(beta, x, i, k);
      absolute[i] = Math.abs(residuals[i]!);
    }
    const median = nthSmallest(absolute.slice(), Math.floor(n / 2));
    const cutoff = 1.345 * Math.max(1e-6, 1.4826 * median);
    for (let i = 0; i < n; i++) weights[i] = absolute[i]! <= cutoff ? 1 : cutoff / absolute[i]!;
    beta = weightedLeastSquares(x, k, y, weights);
  }
  if (!beta) return null;
  let absoluteErrors = 0;
  for (let i = 0; i < n; i++) absoluteErrors += Math.abs(y[i]! - predict(beta, x, i, k));
  return { beta, meanAbsoluteError: absoluteErrors / n };
}

export function fitLatency(model: string, samples: LatencySample[]): LatencyFit {
  const fallback = defaultLatency(model);
  const total = samples.length >= MIN_SAMPLES ? huberFit(samples.map((s) => [1, s.inputTokens, s.outputTokens]), samples.map((s) => s.latencyMs)) : null;
  const withTtft = samples.filter((s) => s.ttftMs !== null);
  const ttft = withTtft.length >= MIN_SAMPLES ? huberFit(withTtft.map((s) => [1, s.inputTokens]), withTtft.map((s) => s.ttftMs!)) : null;
  return {
    ...(total
      ? { model, source: 'fit' as const, samples: samples.length, interceptMs: total.beta[0]!, perInputTokenMs: total.beta[1]!, perOutputTokenMs: total.beta[2]!, meanAbsoluteErrorMs: total.meanAbsoluteError }
      : fallback),
    ttft: ttft ? { source: 'fit', samples: withTtft.length, interceptMs: ttft.beta[0]!, perInputTokenMs: ttft.beta[1]! } : fallback.ttft,
  };
}

export function estimateLatencyMs(fit: LatencyFit, inputTokens: number, outputTokens: number): number {
  return Math.max(0, fit.interceptMs + fit.perInputTokenMs * inputTokens + fit.perOutputTokenMs * outputTokens);
}
