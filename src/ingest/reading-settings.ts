// The settings that decide how a log line is read (field paths, defaults, the retrieval regex,
// the encodings of message names) apply when a request is loaded; a kept database (--db) does
// not read its requests again. This keeps those of the last load on record and says when a run's
// differ.
import type { Database } from '../db.js';
import type { ParseSettings } from './parse.js';

/** The settings that decide what a line is read as (keys of READ_AT_LOAD): a request keeps what they made of it when it was loaded. */
function readingSettings(settings: ParseSettings): Record<string, unknown> {
  return { fields: settings.fieldPaths, defaults: settings.fieldDefaults ?? {}, extract: settings.extract, encodings: settings.encodings };
}

/**
 * Compares this run's reading settings with those the database's last rows were loaded under:
 * a warning when they differ and the database holds requests read the other way (they are not
 * read again). Once this run loads rows, its settings are the ones on record.
 */
export async function checkReadingSettings(db: Database, settings: ParseSettings, heldBefore: boolean, loadedNow: boolean): Promise<string | null> {
  const now = readingSettings(settings);
  const current = JSON.stringify(now);
  const [stored] = await db.readSql<{ value: string }>("select value from tokenaudit_meta where key = 'reading_settings'");
  if (loadedNow) {
    await db.run("delete from tokenaudit_meta where key = 'reading_settings'");
    await db.run("insert into tokenaudit_meta values ('reading_settings', $value)", { value: current });
  }
  if (!heldBefore || stored === undefined || stored.value === current) return null;
  const before = JSON.parse(stored.value) as Record<string, unknown>;
  const changed = Object.keys(now).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(now[key]));
  const names = changed.map((key) => READ_AT_LOAD[key]!.name).join(', ');
  const kept = changed.map((key) => READ_AT_LOAD[key]!.kept).join('; ');
  return `the config's ${names} changed since requests were last loaded into this database: requests already in it keep what they were read as then (${kept}); audit into a new --db file to read every request under the new settings`;
}

/** Each reading setting by its config name, and what a loaded request keeps of it. */
const READ_AT_LOAD: Record<string, { name: string; kept: string }> = {
  fields: { name: 'fields', kept: 'the feature, user and other fields found at the old paths' },
  defaults: { name: 'defaults', kept: 'the old default values' },
  extract: { name: 'waste.retrieval.extract', kept: 'the retrieved chunks cut out by the old regex' },
  encodings: { name: 'encodings', kept: 'the tokens of message names, counted in the old encoding' },
};
