// Numbers for people: USD with cents (more digits below a cent), tokens with separators,
// percentages with one decimal, durations in ms or s.

export function formatUsd(value: number): string {
  if (value === 0) return '$0.00';
  const abs = Math.abs(value);
  // Two significant digits below a cent, never in exponent notation.
  if (abs < 0.01) return `${value < 0 ? '-' : ''}$${abs.toFixed(Math.min(20, 1 - Math.floor(Math.log10(abs))))}`;
  return `${value < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatTokens(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function formatMs(value: number | null): string {
  if (value === null) return 'n/a';
  return value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : `${Math.round(value).toLocaleString('en-US')} ms`;
}
