// The log format adapters, in the order --format auto tries them.
import { canonicalAdapter } from './canonical.js';
import { langfuseAdapter } from './langfuse.js';
import { otelAdapter } from './otel.js';
import type { LogAdapter } from './types.js';

export const ADAPTERS: readonly LogAdapter[] = [langfuseAdapter, otelAdapter, canonicalAdapter];

export function adapterFor(format: string): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.format === format);
}

/** The first adapter that recognizes the record (--format auto). */
export function detectAdapter(record: Record<string, unknown>): LogAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.detect(record));
}

export const FORMAT_NAMES = ['auto', ...ADAPTERS.map((adapter) => adapter.format)];
