// The one place that opens DuckDB and runs the SQL in queries/*.sql.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/** The layout of the tables in queries/tables; bump it (and migrate) when they change. */
export const DB_SCHEMA_VERSION = 1;

export class DatabaseError extends Error {}

/** The DuckDB storage format new database files are written in (readable by DuckDB 1.5 and later). */
export const STORAGE_VERSION = 'v1.5.0';

export interface DbOptions {
  /** Database file; in memory when absent. */
  path?: string;
  threads?: number;
  /** DuckDB memory limit, e.g. "4GB". */
  memoryLimit?: string;
  /** Where DuckDB spills when the memory limit is reached. */
  tempDirectory?: string;
}

/** The repository root (the folder holding package.json), from src/ or from dist/src/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the tokenaudit package root');
    dir = parent;
  }
  return dir;
}

const queryCache = new Map<string, string>();

/**
 * Checks that a streamed query gave all its rows. A streaming result that fails part way (out
 * of memory or of spill space in a sort, say) ends just as one that is done: DuckDB's C API
 * returns no chunk either way, and node-api has no error to read then. Whoever streams a query
 * counts the rows it read; fewer than the query has is an error, not a smaller audit.
 */
export async function assertStreamedAll(connection: DuckDBConnection, name: string, sql: string, params: Record<string, DuckDBValue> | undefined, rowsRead: number): Promise<void> {
  assertRowsRead(name, await countRows(connection, sql, params), rowsRead);
}

/** The rows a query gives (for assertRowsRead: it can be counted while the stream is read). */
export async function countRows(connection: DuckDBConnection, sql: string, params?: Record<string, DuckDBValue>): Promise<number> {
  const [row] = (await connection.runAndReadAll(`select count(*) as rows from (${sql})`, params)).getRowObjectsJson();
  return Number(row?.rows ?? 0);
}

/** assertStreamedAll with the query's rows counted already. */
export function assertRowsRead(name: string, rows: number, rowsRead: number): void {
  if (rows !== rowsRead) throw new Error(`${name}: DuckDB ended the result after ${rowsRead} of its ${rows} rows (a query that fails part way ends as if it were done)`);
}

/** The text of queries/<name>.sql. */
export function querySql(name: string): string {
  let sql = queryCache.get(name);
  if (sql === undefined) {
    sql = readFileSync(join(repoRoot(), 'queries', `${name}.sql`), 'utf8');
    queryCache.set(name, sql);
  }
  return sql;
}

const CHECKPOINT_THRESHOLD = '1GB';

/** What a database file is attached as, and each connection's default catalog. */
const FILE_CATALOG = 'tokenaudit';

/**
 * Rows per row group in a database file (DuckDB's default is 122,880). DuckDB writes a
 * transaction's new rows straight to the file, compressed, once they fill a row group; rows short
 * of one go through the write-ahead log uncompressed and are compressed again at the next
 * checkpoint. A log file's few tens of thousands of distinct texts rarely filled 122,880 rows, so
 * the texts were written twice: a 200k-request load wrote 454 MB of log and left a 3.2-3.7 s
 * checkpoint for the close. At 32,768 rows they go to the file once: DuckDB's part of that load,
 * the close included, took 6.8-7.7 s instead of 9.7-11.9 (the close itself 0.1 s), and the file
 * is smaller, with the same rows. DuckDB takes the size only as an ATTACH option.
 */
const ROW_GROUP_SIZE = 32_768;

export class Database {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** A database file, attached as FILE_CATALOG, rather than DuckDB's in-memory one. */
    private readonly attached: boolean,
  ) {}

  static async open(options: DbOptions = {}): Promise<Database> {
    // Below the machine's RAM by default, with somewhere to spill: a day of logs larger than
    // memory still runs.
    const config: Record<string, string> = {
      memory_limit: options.memoryLimit ?? `${Math.max(1, Math.floor((totalmem() * 0.5) / 2 ** 30))}GB`,
      temp_directory: options.tempDirectory ?? (options.path ? `${options.path}.spill` : join(tmpdir(), 'tokenaudit-spill')),
      // A new file in DuckDB 1.5's storage format: it compresses long strings (FSST), which the
      // default (1.0-compatible) format keeps raw; the texts table then takes about half the
      // disk. An existing file keeps the format it was written in.
      storage_compatibility_version: STORAGE_VERSION,
      // Checkpoint when the WAL holds this much, not after every load commit: at DuckDB's 16 MB,
      // each file's commit checkpointed (compressing its texts) while the next file was parsed, and
      // that took a quarter of a 200k-request load. What is not checkpointed by then is at close.
      checkpoint_threshold: CHECKPOINT_THRESHOLD,
      // Hand freed memory back to the system sooner: at DuckDB's defaults (a 128 MiB threshold,
      // no background purging) the process held up to 650 MB more than the same stage needed on
      // another run (unused_retrieval at 1M: 3.1-3.8 GB peak RSS; 2.9-3.0 GB with these).
      allocator_flush_threshold: '16MiB',
      allocator_background_threads: 'true',
    };
    if (options.threads) config.threads = String(options.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
    } catch (error) {
      throw new DatabaseError(`${options.path ?? 'database'}: cannot open (${(error as Error).message.split('\n')[0]})`);
    }
    const connection = await instance.connect();
    if (options.path) {
      try {
        await connection.run(
          // (a new file takes its storage format from storage_compatibility_version above; an
          // existing one keeps its own, which the ATTACH option would upgrade)
          `attach '${options.path.replaceAll("'", "''")}' as ${FILE_CATALOG} (row_group_size ${ROW_GROUP_SIZE})`,
        );
        await connection.run(`use ${FILE_CATALOG}`);
      } catch (error) {
        connection.closeSync();
        instance.closeSync();
        const message = (error as Error).message;
        if (/lock/i.test(message)) {
          throw new DatabaseError(`${options.path}: in use by another tokenaudit run (${message.split('\n')[0]}); wait for it to finish`);
        }
        throw new DatabaseError(`${options.path}: cannot open (${message.split('\n')[0]})`);
      }
    }
    const db = new Database(instance, connection, options.path !== undefined);
    try {
      await db.checkSchemaVersion(options.path);
      await db.createTables();
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  }

  /** A database from another tokenaudit version is refused, never misread. */
  private async checkSchemaVersion(path: string | undefined): Promise<void> {
    const tables = await this.readSql<{ name: string }>("select table_name as name from information_schema.tables where table_catalog = current_database() and table_schema = 'main'");
    const names = new Set(tables.map((t) => t.name));
    if (names.has('requests') && !names.has('tokenaudit_meta')) {
      throw new DatabaseError(`${path}: written by an older tokenaudit (no schema version); audit into a new --db file`);
    }
    if (names.has('tokenaudit_meta')) {
      const [row] = await this.readSql<{ value: string }>("select value from tokenaudit_meta where key = 'schema_version'");
      const version = Number(row?.value);
      if (version !== DB_SCHEMA_VERSION) {
        throw new DatabaseError(`${path}: database schema version ${row?.value ?? 'unknown'}, this tokenaudit reads version ${DB_SCHEMA_VERSION}; audit into a new --db file`);
      }
      return;
    }
    await this.run(readFileSync(join(repoRoot(), 'queries', 'tables', '_meta.sql'), 'utf8'));
    await this.run("insert into tokenaudit_meta values ('schema_version', $version)", { version: String(DB_SCHEMA_VERSION) });
  }

  /** A second connection, e.g. for an Appender while a result streams on the first. */
  async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    if (this.attached) await connection.run(`use ${FILE_CATALOG}`);
    return connection;
  }

  async createTables(): Promise<void> {
    const dir = join(repoRoot(), 'queries', 'tables');
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.sql')) await this.connection.run(readFileSync(join(dir, file), 'utf8'));
    }
    await this.scopeRequests({});
  }

  /**
   * Narrows every rollup to requests from `since` (inclusive) to `until` (exclusive), both
   * optional: the `requests` view over `stored_requests`. Views take no parameters, so the
   * bounds go in as timestamp literals of validated dates.
   */
  async scopeRequests(range: { since?: Date; until?: Date }): Promise<void> {
    const literal = (date: Date | undefined, open: string) =>
      date ? `timestamp '${date.toISOString().replace('T', ' ').replace('Z', '')}'` : `timestamp '${open}'`;
    const sql = querySql('requests').replace('$since', literal(range.since, '-infinity')).replace('$until', literal(range.until, 'infinity'));
    await this.connection.run(sql);
  }

  /** Runs queries/<name>.sql with named parameters ($name in the SQL). */
  async runQuery(name: string, params?: Record<string, DuckDBValue>): Promise<void> {
    await this.connection.run(querySql(name), params);
  }

  /**
   * Runs `work` with every join in the order the SQL writes it: DuckDB's join-order optimizer is
   * off meanwhile. For a query that joins a table on keys from two others (text_tokens on a
   * segment's text_hash and its request's encoding): going by its estimates, the optimizer may
   * join that table to one of the two on that one's key alone, a near cross product. It did so in
   * segment_billing on a 200k-request database that differed from another only in the order its
   * rows had been inserted: past 50 GB of spill when the disk ran out, where the written order
   * takes 2 s. The setting is global in DuckDB, so this is for the pipeline's stages, which run
   * one statement at a time.
   */
  async withJoinsAsWritten<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run("set disabled_optimizers = 'join_order'");
    try {
      return await work();
    } finally {
      await this.connection.run('reset disabled_optimizers');
    }
  }

  /** Runs queries/<name>.sql and returns its rows as JSON-safe objects. */
  async readQuery<Row = Record<string, unknown>>(name: string, params?: Record<string, DuckDBValue>): Promise<Row[]> {
    return this.readSql<Row>(querySql(name), params);
  }

  /** Runs one short SQL statement (a line at most) and returns its rows as JSON-safe objects. */
  async readSql<Row = Record<string, unknown>>(sql: string, params?: Record<string, DuckDBValue>): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as Row[];
  }

  /** assertStreamedAll for queries/<name>.sql (or `sql`) on this database's connection. */
  async assertStreamedAll(name: string, params: Record<string, DuckDBValue> | undefined, rowsRead: number, sql = querySql(name)): Promise<void> {
    await assertStreamedAll(this.connection, name, sql, params, rowsRead);
  }

  async run(sql: string, params?: Record<string, DuckDBValue>): Promise<void> {
    await this.connection.run(sql, params);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
