// The price stage: resolves rates once per distinct (provider, model, day) — per minute for
// time-of-day prices — into model_rates, then defines the per-request views.
import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { querySql } from '../db.js';
import { resolveModelRates, type ModelRates, type PriceOverride } from './catalogue.js';

interface RateKey {
  provider: string;
  model: string;
  bucket: Date;
}

function appendRates(appender: DuckDBAppender, key: RateKey, rates: ModelRates): void {
  const tiers = rates.tiers.length > 0 ? rates.tiers : [{ tierStart: -1, inputPerMTok: 0, cachedInputPerMTok: 0, cacheWritePerMTok: 0, cacheWrite1hPerMTok: 0, outputPerMTok: 0 }];
  for (const tier of tiers) {
    appender.appendVarchar(key.provider);
    appender.appendVarchar(key.model);
    appender.appendVarchar(rates.bucketUnit);
    appender.appendTimestamp(new DuckDBTimestampValue(BigInt(key.bucket.getTime()) * 1000n));
    appender.appendBoolean(rates.priced);
    appender.appendVarchar(rates.source);
    if (rates.catalogueProvider === null) appender.appendNull();
    else appender.appendVarchar(rates.catalogueProvider);
    if (rates.catalogueModel === null) appender.appendNull();
    else appender.appendVarchar(rates.catalogueModel);
    appender.appendBigInt(BigInt(tier.tierStart));
    appender.appendDouble(tier.inputPerMTok);
    appender.appendDouble(tier.cachedInputPerMTok);
    appender.appendDouble(tier.cacheWritePerMTok);
    appender.appendDouble(tier.cacheWrite1hPerMTok);
    appender.appendDouble(tier.outputPerMTok);
    appender.endRow();
  }
}

async function readKeys(connection: DuckDBConnection, sql: string, params?: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
}

/** Epoch ms of a DuckDB timestamp rendered as JSON ("YYYY-MM-DD HH:MM:SS", UTC). */
function utc(timestamp: unknown): Date {
  return new Date(`${String(timestamp).replace(' ', 'T')}Z`);
}

/**
 * Resolves the rates of every request in scope under this run's price overrides, afresh: a database
 * kept with --db may hold rates resolved under other overrides, or by another catalogue.
 */
export async function loadModelRates(connection: DuckDBConnection, overrides: PriceOverride[]): Promise<void> {
  await connection.run('delete from model_rates');
  const keys = await readKeys(connection, querySql('rate_keys'));
  const appender = await connection.createAppender('model_rates');
  try {
    for (const row of keys) {
      const day: RateKey = { provider: String(row.provider), model: String(row.model), bucket: utc(row.bucket) };
      const rates = resolveModelRates({ ...day, at: day.bucket }, overrides);
      if (rates.bucketUnit === 'day') {
        appendRates(appender, day, rates);
        continue;
      }
      const minutes = await readKeys(connection, querySql('rate_minutes'), { provider: day.provider, model: day.model, day: String(row.bucket) });
      for (const minute of minutes) {
        const at = utc(minute.bucket);
        appendRates(appender, { ...day, bucket: at }, resolveModelRates({ ...day, at }, overrides));
      }
    }
  } finally {
    appender.closeSync();
  }
  await connection.run(querySql('request_rates'));
  await connection.run(querySql('request_costs'));
}
