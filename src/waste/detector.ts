// The interface every waste category implements: append its rows to request_waste.
import type { AuditConfig } from '../config/audit.js';
import type { Database } from '../db.js';
import type { WasteCategory } from '../report/summary.js';

export type WasteSettings = AuditConfig['waste'];

export interface WasteDetector {
  readonly category: WasteCategory;
  /** Appends this category's waste; requests already wasted whole are left alone. */
  detect(db: Database, settings: WasteSettings, threads: number): Promise<void>;
}
