// The waste detectors, in the order they claim tokens: whole-request categories first, then
// the ones that fall on disjoint segments (system, history, retrieval, output).
import type { AuditConfig } from '../config/audit.js';
import type { Database } from '../db.js';
import type { WasteDetector } from './detector.js';
import { duplicateRequest } from './duplicate-request.js';
import { failedRequest } from './failed-request.js';
import { historyOverflow } from './history-overflow.js';
import { repeatedSystemPrompt } from './repeated-system-prompt.js';
import { unusedRetrieval } from './unused-retrieval.js';
import { verboseOutput } from './verbose-output.js';

export const DETECTORS: readonly WasteDetector[] = [
  duplicateRequest,
  failedRequest,
  repeatedSystemPrompt,
  historyOverflow,
  unusedRetrieval,
  verboseOutput,
];

/** Recomputes request_waste from scratch over every request in the database. */
export async function runWasteStage(db: Database, config: AuditConfig, threads: number, onRule: (rules: number) => void = () => {}): Promise<void> {
  await db.run('delete from request_waste');
  await db.withJoinsAsWritten(() => db.runQuery('segment_billing'));
  await db.runQuery('wasted_whole');
  for (const detector of DETECTORS) {
    await detector.detect(db, config.waste, threads);
    onRule(1);
  }
}
