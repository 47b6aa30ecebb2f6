// The log format adapters, in the order --format auto tries them: specific shapes first.
import { anthropicAdapter } from './anthropic.js';
import { canonicalAdapter } from './canonical.js';
import { claudeCodeAdapter } from './claude-code.js';
import { heliconeAdapter } from './helicone.js';
import { langfuseAdapter } from './langfuse.js';
import { litellmAdapter } from './litellm.js';
import { openaiBatchAdapter } from './openai-batch.js';
import { openaiAdapter } from './openai.js';
import { otelAdapter } from './otel.js';
import type { LogAdapter } from './types.js';

export const ADAPTERS: readonly LogAdapter[] = [
  openaiBatchAdapter,
  claudeCodeAdapter,
  openaiAdapter,
  anthropicAdapter,
  litellmAdapter,
  heliconeAdapter,
  langfuseAdapter,
  otelAdapter,
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
