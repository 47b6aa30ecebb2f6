// verbose_output: output tokens over the feature's budget (configured, else 2 × median).
import type { WasteDetector } from './detector.js';

export const verboseOutput: WasteDetector = {
  category: 'verbose_output',
  async detect(db, settings) {
    await db.run('delete from output_budgets');
    const appender = await db.connection.createAppender('output_budgets');
    for (const [feature, budget] of Object.entries(settings.outputBudget.features)) {
      appender.appendVarchar(feature);
      appender.appendDouble(budget);
      appender.endRow();
    }
    appender.closeSync();
    await db.runQuery('waste/verbose_output');
  },
};
