// The audit config (`--config`, YAML or JSON): every key optional, every default written here
// once, unknown keys refused with the path and a suggestion.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeIssues } from './issues.js';
import { ENCODING_NAMES } from '../tokenize/encodings.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../ingest/segments.js';

// The default `waste.retrieval.extract` is defined with the segmenter, which may run it on bytes.
export { DEFAULT_RETRIEVAL_EXTRACT };

const count = z.number().int().nonnegative();
const positiveCount = z.number().int().positive();
const usd = z.number().nonnegative();
const encodingName = z.enum(ENCODING_NAMES);

/** A string that compiles as a JavaScript regular expression. */
export const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const featureBudget = z.strictObject({
  maxCostUsd: usd.optional(),
  maxInputTokensPerRequest: positiveCount.optional(),
  maxP95LatencyMs: z.number().positive().optional(),
});

const priceOverride = z.strictObject({
  model: z.string().min(1),
  provider: z.string().min(1).optional(),
  inputPerMTok: usd,
  outputPerMTok: usd,
  cachedInputPerMTok: usd.optional(),
  cacheWritePerMTok: usd.optional(),
  cacheWrite1hPerMTok: usd.optional(),
});

/** Canonical fields an in-house export can point at with a dot path. */
export const MAPPABLE_FIELDS = [
  'request_id', 'timestamp', 'feature', 'user_id', 'session_id', 'provider', 'model', 'messages',
  'retrieval', 'output', 'finish_reason', 'status', 'latency_ms', 'ttft_ms', 'input_tokens',
  'output_tokens', 'cached_input_tokens', 'cache_write_tokens',
] as const;

const fieldPaths = z
  .record(z.string(), z.string().min(1))
  .transform((fields) => {
    // `user` and `session` are accepted as short names (DESIGN.md's example uses them).
    const aliases: Record<string, string> = { user: 'user_id', session: 'session_id' };
    return Object.fromEntries(Object.entries(fields).map(([key, path]) => [aliases[key] ?? key, path]));
  })
  .refine((fields) => Object.keys(fields).every((key) => (MAPPABLE_FIELDS as readonly string[]).includes(key)), {
    message: `field names must be among ${MAPPABLE_FIELDS.join(', ')}, user, session`,
  });

const DEFAULTABLE_FIELDS = ['feature', 'user_id', 'session_id', 'provider', 'model', 'status'] as const;

/** Values for canonical fields a log does not carry at all (a token trace with no model column). */
const fieldDefaults = z
  .record(z.string(), z.union([z.string().min(1), z.number()]))
  .refine((defaults) => Object.keys(defaults).every((key) => (DEFAULTABLE_FIELDS as readonly string[]).includes(key)), {
    message: `default field names must be among ${DEFAULTABLE_FIELDS.join(', ')}`,
  });

export const auditConfigSchema = z.strictObject({
  fields: fieldPaths.default({}),
  defaults: fieldDefaults.default({}),
  waste: z
    .strictObject({
      duplicateWindowSeconds: positiveCount.default(86_400),
      cacheWindowSeconds: positiveCount.default(3_600),
      minCacheableTokens: count.default(1_024),
      history: z
        .strictObject({ maxMessages: count.default(6), maxTokens: count.default(4_000) })
        .prefault({}),
      retrieval: z
        .strictObject({ minSharedNgrams: positiveCount.default(2), extract: regexSource.default(DEFAULT_RETRIEVAL_EXTRACT) })
        .prefault({}),
      outputBudget: z.strictObject({ features: z.record(z.string(), positiveCount).default({}) }).prefault({}),
    })
    .prefault({}),
  encodings: z.record(z.string(), encodingName).default({}),
  pricing: z.strictObject({ overrides: z.array(priceOverride).default([]) }).prefault({}),
  budgets: z
    .strictObject({
      maxCostUsd: usd.optional(),
      maxWasteRatio: z.number().min(0).max(1).optional(),
      features: z.record(z.string(), featureBudget).default({}),
    })
    .prefault({}),
  report: z.strictObject({ redact: z.boolean().default(true), excerpts: count.default(3) }).prefault({}),
});

export type AuditConfig = z.output<typeof auditConfigSchema>;

export class ConfigError extends Error {}

/** Validates a parsed config object; throws ConfigError naming every bad path and value. */
export function parseAuditConfig(raw: unknown, source = 'config'): AuditConfig {
  const result = auditConfigSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(source, auditConfigSchema, result.error.issues).join('\n'));
  return result.data;
}

/** Reads a YAML or JSON file (YAML is a superset of JSON). */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function loadAuditConfig(path: string | undefined): AuditConfig {
  if (!path) return parseAuditConfig({});
  return parseAuditConfig(readConfigFile(path), path);
}
