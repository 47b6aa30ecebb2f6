// The log format adapters, in the order --format auto tries them.
import { anthropicAdapter } from './anthropic.js';
import { canonicalAdapter } from './canonical.js';
import { openaiAdapter } from './openai.js';
import type { LogAdapter } from './types.js';

/** Specific formats first: the canonical adapter is lenient and comes last. */
export const ADAPTERS: readonly LogAdapter[] = [openaiAdapter, anthropicAdapter, canonicalAdapter];

export function adapterFor(format: string): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.format === format);
}

/** The first adapter that recognizes the record (--format auto). */
export function detectAdapter(record: Record<string, unknown>): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.detect(record));
}

export const FORMAT_NAMES = ['auto', ...ADAPTERS.map((adapter) => adapter.format)];
