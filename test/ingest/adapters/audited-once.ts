// One audit of a fixture per describe block (default config, --format auto), closed after it.
import { afterAll, beforeAll } from 'vitest';
import { runAudit, type AuditRun } from '../../../src/audit.js';
import { parseAuditConfig } from '../../../src/config/audit.js';
import { findLogFiles } from '../../../src/ingest/read.js';

export function auditedOnce(path: string): { run: AuditRun } {
  const audited = {} as { run: AuditRun };
  beforeAll(async () => {
    audited.run = await runAudit({ files: findLogFiles([path]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
  });
  afterAll(() => audited.run.db.close());
  return audited;
}
