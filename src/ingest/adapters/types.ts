// The contract every log format adapter implements: recognize a record, map it to a
// canonical request or say precisely why not.
import type { CanonicalRequest } from '../canonical.js';
import type { LineBatch } from '../line-batch.js';

export interface AdapterContext {
  /** Canonical field → dot path in the source record (the config's `fields:`). */
  fieldPaths: Record<string, string>;
  /** The config's `defaults:`: values for canonical fields the log does not carry. */
  fieldDefaults?: Record<string, string | number>;
  /** Stable hash of the raw row, used as request_id when the log has none. */
  rowHash: string;
  /** Absolute path of the file the record came from (Claude Code: the project folder is the feature). */
  file: string;
  /**
   * Set when the record's strings are byte strings (ingest/byte-strings.ts, canonical records
   * only): the text of a value the adapter reads as characters (a timestamp, a role, a model name).
   */
  readText?: (value: string) => string;
}

/** What one source record holds when it carries several calls (an OTLP export of many spans). */
export interface ExpandedRecords {
  /** One record per model call, each then mapped by toCanonical. */
  records: Array<Record<string, unknown>>;
  /** Records that are not model calls (e.g. spans without GenAI attributes): counted, not loaded. */
  skipped: number;
}

export type AdapterResult =
  | { ok: true; request: CanonicalRequest }
  | { ok: false; reason: QuarantineReason; detail: string };

export interface LogAdapter {
  readonly format: string;
  /** True when a parsed record looks like this format (used by --format auto). */
  detect(record: Record<string, unknown>, fieldPaths?: Record<string, string>): boolean;
  /** Splits a record holding several calls into one record per call; absent when a record is one call. */
  expand?(record: Record<string, unknown>): ExpandedRecords;
  toCanonical(record: Record<string, unknown>, context: AdapterContext): AdapterResult;
  /**
   * For formats whose one call spans several records (Claude Code repeats a call on every
   * content-block line): rewrites a file's batches in the main thread before the workers parse.
   */
  regroup?(batches: AsyncIterable<LineBatch>, context: RegroupContext): AsyncIterable<LineBatch>;
  /**
   * For records that complete another file's records (a batch's input lines, joined to its
   * output lines): their key, or null. Files of such records are read first, into
   * `RegroupContext.companions`, and load no rows of their own.
   */
  companionKey?(record: Record<string, unknown>, file: string): string | null;
}

/** What regrouping shares across one run's files, and what it counts. */
export interface RegroupContext {
  file: string;
  /** Companion records (raw JSON) by key; a regroup that uses one deletes it. */
  companions: Map<string, string>;
  /** Records folded into another record's row (repeated lines of one call, joined inputs). */
  merged: number;
  /** Records that are not model calls (a user turn in a session log): counted, not loaded. */
  skipped: number;
}

/** Stable quarantine reasons: the keys of summary.json `input.quarantineByReason`. */
export type QuarantineReason =
  | 'invalid json'
  | 'not an object'
  | 'record too large'
  | 'missing field'
  | 'invalid field'
  | 'negative token count'
  | 'invalid timestamp'
  | 'unrecognized format'
  | 'invalid csv';
