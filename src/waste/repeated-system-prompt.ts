// repeated_system_prompt: a cacheable system prompt re-sent within the cache window, billed uncached.
import type { WasteDetector } from './detector.js';

export const repeatedSystemPrompt: WasteDetector = {
  category: 'repeated_system_prompt',
  async detect(db, settings) {
    await db.runQuery('waste/repeated_system_prompt', {
      cache_window_seconds: settings.cacheWindowSeconds,
      min_cacheable_tokens: settings.minCacheableTokens,
    });
  },
};
