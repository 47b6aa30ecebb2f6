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
function solve(a: number[][], b: number[]): number[] | null {
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

function weightedLeastSquares(xs: number[][], ys: number[], weights: number[]): number[] | null {
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
}

const predict = (beta: number[], x: number[]) => x.reduce((sum, xi, i) => sum + xi * beta[i]!, 0);

/** Huber IRLS: residuals beyond 1.345 robust standard deviations are down-weighted. */
export function huberFit(xs: number[][], ys: number[]): { beta: number[]; meanAbsoluteError: number } | null {
  let weights = ys.map(() => 1);
  let beta = weightedLeastSquares(xs, ys, weights);
  for (let iteration = 0; beta && iteration < 20; iteration++) {
    const residuals = ys.map((y, i) => y - predict(beta!, xs[i]!));
    // a typed array sorts numbers without a comparator call per comparison (same order)
    const sorted = Float64Array.from(residuals, (r) => Math.abs(r)).sort();
    const k = 1.345 * Math.max(1e-6, 1.4826 * sorted[Math.floor(sorted.length / 2)]!);
    weights = residuals.map((r) => (Math.abs(r) <= k ? 1 : k / Math.abs(r)));
    beta = weightedLeastSquares(xs, ys, weights);
  }
  if (!beta) return null;
  const meanAbsoluteError = ys.reduce((sum, y, i) => sum + Math.abs(y - predict(beta!, xs[i]!)), 0) / ys.length;
  return { beta, meanAbsoluteError };
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
