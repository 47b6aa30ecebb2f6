// A logged API call as `{request, response, metadata?, timestamp?, latency_ms?}`: the envelope
// the provider-body adapters (openai, anthropic) share. The bodies inside are each API's own.
import { z } from 'zod';
import { showValue } from '../../config/issues.js';
import { parseTimestampMs, readPath } from '../fields.js';
import { isRecord, jsonValue } from './chat-messages.js';
import type { AdapterContext, AdapterResult } from './types.js';

export type JsonObject = Record<string, unknown>;
export type Rejection = AdapterResult & { ok: false };


/** The request and response bodies of a record (JSON text from CSV or Parquet cells parsed), or null. */
export function exchangeOf(record: JsonObject): { request: JsonObject; response: JsonObject } | null {
  const request = jsonValue(record.request);
  const response = jsonValue(record.response);
  return isRecord(request) && isRecord(response) ? { request, response } : null;
}

const digitString = (value: unknown): unknown => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value);
const NOT_A_COUNT = 'expected a non-negative integer';

/** A token count: a non-negative integer (or its digit string) that fits a DuckDB BIGINT. */
export const tokenCount = z
  .preprocess(
    digitString,
    z.number({ error: NOT_A_COUNT }).int({ error: NOT_A_COUNT }).nonnegative({ error: NOT_A_COUNT }).max(Number.MAX_SAFE_INTEGER, { error: NOT_A_COUNT }),
  )
  .nullish();

/** A JSON object, also when it arrives as JSON text. */
export function jsonObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.preprocess(jsonValue, z.looseObject(shape));
}

const milliseconds = z.preprocess(digitString, z.number().nonnegative()).nullish();

/** The envelope's own fields; each adapter adds its `request` and `response` schemas. */
export const envelopeShape = {
  metadata: z.preprocess(jsonValue, z.record(z.string(), z.unknown())).nullish(),
  timestamp: z.union([z.string(), z.number()]).nullish(),
  latency_ms: milliseconds,
  ttft_ms: milliseconds,
  batch: z.boolean().nullish(),
};

/** The first value found among dot paths (undefined ones skipped), as non-empty text; else null. */
export function firstText(record: JsonObject, paths: Array<string | undefined>): string | null {
  for (const path of paths) {
    if (!path) continue;
    const value = readPath(record, path);
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

/** Where the attribution fields live in a format, best place first. */
export interface AttributionPaths {
  feature: string[];
  user_id: string[];
  session_id: string[];
}

/**
 * feature, user and session of a parsed record (its bodies already parsed from JSON text):
 * a path the config's `fields:` gives wins, then the format's natural places.
 */
export function attribution(line: JsonObject, natural: AttributionPaths, context: AdapterContext) {
  const { fieldPaths } = context;
  return {
    feature: firstText(line, [fieldPaths.feature, ...natural.feature]) ?? 'unknown',
    userId: firstText(line, [fieldPaths.user_id, ...natural.user_id]),
    sessionId: firstText(line, [fieldPaths.session_id, ...natural.session_id]),
  };
}

/**
 * The call's time from the first of `paths` that holds a value (the config's `fields.timestamp`
 * first), or the rejection naming the path; `missing` explains when none has one.
 */
export function timestampOf(line: JsonObject, paths: string[], context: AdapterContext, missing: string): { ok: true; timestampMs: number } | Rejection {
  const candidates = context.fieldPaths.timestamp ? [context.fieldPaths.timestamp, ...paths] : paths;
  for (const path of candidates) {
    const value = readPath(line, path);
    if (value === undefined || value === null) continue;
    const timestampMs = parseTimestampMs(value);
    if (timestampMs === null) {
      return { ok: false, reason: 'invalid timestamp', detail: `${path}: cannot read ${showValue(value)} as ISO 8601 or epoch seconds/ms` };
    }
    return { ok: true, timestampMs };
  }
  return { ok: false, reason: 'missing field', detail: missing };
}

/** A number at the config's path for `field` when one is given, else the envelope's own value. */
export function mappedMs(line: JsonObject, field: 'latency_ms' | 'ttft_ms', context: AdapterContext): number | null {
  const path = context.fieldPaths[field];
  const value = path ? digitString(readPath(line, path)) : line[field];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** The request's parameters other than those the canonical request names, as logged. */
export function otherParams(request: JsonObject, named: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(request).filter(([key]) => !named.includes(key)));
}
