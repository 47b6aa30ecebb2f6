// The log format adapters, in the order --format auto tries them.
import { canonicalAdapter } from './canonical.js';
import { claudeCodeAdapter } from './claude-code.js';
import type { LogAdapter } from './types.js';

export const ADAPTERS: readonly LogAdapter[] = [
  claudeCodeAdapter,
  // Lenient (a canonical row missing its model is quarantined as such): tried last.
  canonicalAdapter,
];

export function adapterFor(format: string): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.format === format);
}

/** The first adapter that recognizes the record (--format auto). */
export function detectAdapter(record: Record<string, unknown>, fieldPaths: Record<string, string> = {}): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.detect(record, fieldPaths));
}

export const FORMAT_NAMES = ['auto', ...ADAPTERS.map((adapter) => adapter.format)];
