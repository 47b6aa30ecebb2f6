// The database file: one run at a time, and never a layout this version does not know.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { Database, DatabaseError, STORAGE_VERSION } from '../src/db.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('the --db file', () => {
  it('refuses a database written with another schema version', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tokenaudit-db-')), 'audit.duckdb');
    const db = await Database.open({ path });
    await db.run("update tokenaudit_meta set value = '99' where key = 'schema_version'");
    db.close();
    await expect(Database.open({ path })).rejects.toThrow(DatabaseError);
    await expect(Database.open({ path })).rejects.toThrow(/schema version 99, this tokenaudit reads version 1/);
  });

  it('refuses a database that has tables but no version', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tokenaudit-db-')), 'audit.duckdb');
    const db = await Database.open({ path });
    await db.run('drop table tokenaudit_meta');
    db.close();
    await expect(Database.open({ path })).rejects.toThrow(/written by an older tokenaudit/);
  });

  it('writes a new file in the storage format that compresses long strings', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tokenaudit-db-')), 'audit.duckdb');
    const db = await Database.open({ path });
    // a thousand distinct 5 KB texts of words: raw, over 5 MB
    await db.run("insert into texts select md5_number(i::varchar), repeat('lorem ipsum dolor ' || i || ' sit amet, ', 180), 5000 from range(1000) t(i)");
    await db.run('checkpoint');
    const [format] = await db.readSql<{ version: string }>("select tags['storage_version'] as version from duckdb_databases() where path = $path", { path });
    const compressions = (await db.readSql<{ compression: string }>("select distinct compression from pragma_storage_info('texts') where column_name = 'text'")).map((r) => r.compression);
    db.close();
    expect(format?.version).toBe(`${STORAGE_VERSION}+`);
    expect(compressions.some((c) => c.includes('FSST') || c.includes('ZSTD'))).toBe(true);
  });

  it('keeps the storage format of a file written before', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tokenaudit-db-')), 'audit.duckdb');
    // a file in DuckDB's default (1.0-compatible) format, as an earlier tokenaudit wrote them
    const instance = await DuckDBInstance.create(path);
    instance.closeSync();
    const db = await Database.open({ path });
    await db.run("insert into texts values (1, 'a text', 6)");
    await db.run('checkpoint');
    const [format] = await db.readSql<{ version: string }>("select tags['storage_version'] as version from duckdb_databases() where path = $path", { path });
    db.close();
    expect(format?.version).toBe('v1.0.0+');
  });

  it("writes a file's rows in row groups of 32,768, and every connection reads the file's tables", async () => {
    // (row groups that a transaction fills go to the file compressed, not through the write-ahead log)
    const path = join(mkdtempSync(join(tmpdir(), 'tokenaudit-db-')), 'audit.duckdb');
    const db = await Database.open({ path });
    await db.run("insert into texts select md5_number(i::varchar), 'text ' || i, 8 from range(40000) t(i)");
    const [groups] = await db.readSql<{ n: string }>("select count(distinct row_group_id) as n from pragma_storage_info('texts')");
    const second = await db.connect();
    const [row] = (await second.runAndReadAll('select count(*) as n from texts')).getRowObjectsJson();
    second.closeSync();
    db.close();
    expect(Number(groups?.n)).toBe(2);
    expect(Number(row?.n)).toBe(40000);
  });

  it('fails at once, saying so, while another process has the database open', async () => {
    // (the holder keeps its Database referenced: a collected one would release the file's lock)
    const path = join(mkdtempSync(join(tmpdir(), 'tokenaudit-db-')), 'audit.duckdb');
    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `import('${ROOT}src/db.ts').then(async ({ Database }) => { globalThis.held = await Database.open({ path: '${path}' }); console.log('open'); setTimeout(() => process.exit(0), 20000); })`], { cwd: ROOT });
    await new Promise<void>((resolve) => holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('open') && resolve()));
    try {
      const second = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('${ROOT}src/db.ts').then(({ Database }) => Database.open({ path: '${path}' })).then(() => console.log('opened'), (e) => console.log(e.message))`], { cwd: ROOT, encoding: 'utf8' });
      expect(second.stdout).toContain('in use by another tokenaudit run');
    } finally {
      holder.kill();
    }
  });
});
