// Exit codes (a contract, DESIGN.md "Command line and outputs") and the errors that map to them.
import { ConfigError } from '../config/audit.js';
import { InputError } from '../ingest/read.js';
import { DatabaseError } from '../db.js';

export const EXIT = {
  ok: 0,
  usage: 1,
  input: 2,
  budget: 3,
  quarantined: 4,
} as const;

/** A bad flag or argument. */
export class UsageError extends Error {}

/** The exit code and message for an error that reached the top. */
export function exitFor(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError || error instanceof ConfigError) return { code: EXIT.usage, message: error.message };
  if (error instanceof InputError || error instanceof DatabaseError) return { code: EXIT.input, message: error.message };
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: EXIT.input, message: `error: ${message}` };
}
