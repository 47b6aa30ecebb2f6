// The one place that opens DuckDB and runs the SQL in queries/*.sql.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

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

/** The text of queries/<name>.sql. */
export function querySql(name: string): string {
  let sql = queryCache.get(name);
  if (sql === undefined) {
    sql = readFileSync(join(repoRoot(), 'queries', `${name}.sql`), 'utf8');
    queryCache.set(name, sql);
  }
  return sql;
}

export class Database {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(options: DbOptions = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    const instance = await DuckDBInstance.create(options.path ?? ':memory:', config);
    const connection = await instance.connect();
    const db = new Database(instance, connection);
    await db.createTables();
    return db;
  }

  /** A second connection, e.g. for an Appender while a result streams on the first. */
  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  async createTables(): Promise<void> {
    const dir = join(repoRoot(), 'queries', 'tables');
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.sql')) await this.connection.run(readFileSync(join(dir, file), 'utf8'));
    }
  }

  /** Runs queries/<name>.sql with named parameters ($name in the SQL). */
  async runQuery(name: string, params?: Record<string, DuckDBValue>): Promise<void> {
    await this.connection.run(querySql(name), params);
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

  async run(sql: string, params?: Record<string, DuckDBValue>): Promise<void> {
    await this.connection.run(sql, params);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
