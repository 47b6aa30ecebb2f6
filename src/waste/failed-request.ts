// failed_request: an error, or an empty answer that was billed anyway.
import type { WasteDetector } from './detector.js';

export const failedRequest: WasteDetector = {
  category: 'failed_request',
  async detect(db) {
    await db.runQuery('waste/failed_request');
  },
};
