// history_overflow: history older than the window of messages and tokens.
import type { WasteDetector } from './detector.js';

export const historyOverflow: WasteDetector = {
  category: 'history_overflow',
  async detect(db, settings) {
    await db.runQuery('waste/history_overflow', { max_messages: settings.history.maxMessages, max_tokens: settings.history.maxTokens });
  },
};
