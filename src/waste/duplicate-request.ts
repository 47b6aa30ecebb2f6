// duplicate_request: an identical call (model, messages, params) repeating an earlier ok one.
import type { WasteDetector } from './detector.js';

export const duplicateRequest: WasteDetector = {
  category: 'duplicate_request',
  async detect(db, settings) {
    await db.runQuery('waste/duplicate_request', { window_seconds: settings.duplicateWindowSeconds });
  },
};
