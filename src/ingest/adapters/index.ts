// The log format adapters, in the order --format auto tries them.
import { canonicalAdapter } from './canonical.js';
import { heliconeAdapter } from './helicone.js';
import { litellmAdapter } from './litellm.js';
import type { LogAdapter } from './types.js';

export const ADAPTERS: readonly LogAdapter[] = [litellmAdapter, heliconeAdapter, canonicalAdapter];

export function adapterFor(format: string): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.format === format);
}

/** The first adapter that recognizes the record (--format auto). */
export function detectAdapter(record: Record<string, unknown>): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.detect(record));
}

export const FORMAT_NAMES = ['auto', ...ADAPTERS.map((adapter) => adapter.format)];
