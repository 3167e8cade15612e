// Which SQLite serve's history uses, chosen by measurement (docs/serve.md
// "History": the binding): Node's own node:sqlite where this Node has it (22.13+,
// 24: nothing to install, opens in ~60 ms), else node-sqlite3-wasm (SQLite
// compiled to WebAssembly, 1.3 MB, installs offline on any Node, opens in ~1 s).
// better-sqlite3 was measured and left out: on Node 20 it compiles from source
// at install (2+ minutes, 30 MB, a C++ toolchain and matching Node headers).
// Both are loaded here, lazily, and only when serve runs with --state-dir: the
// CLI's start-up never pays for them. When every supported Node has node:sqlite
// (engines >= 22.13), the WebAssembly fallback goes.

/** The little of SQLite the history store uses, the same over both bindings. */
export interface SqliteDatabase {
  readonly binding: SqliteBindingName;
  exec(sql: string): void;
  run(sql: string, params?: SqliteValue[]): { changes: number; lastInsertRowid: number };
  all(sql: string, params?: SqliteValue[]): Record<string, SqliteValue>[];
  close(): void;
}

export type SqliteValue = string | number | null;
export type SqliteBindingName = 'node:sqlite' | 'node-sqlite3-wasm';

interface NodeSqliteStatement {
  run(...params: SqliteValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  all(...params: SqliteValue[]): Record<string, SqliteValue>[];
}
interface NodeSqliteModule {
  DatabaseSync: new (file: string) => { exec(sql: string): void; prepare(sql: string): NodeSqliteStatement; close(): void };
}

/** node:sqlite, or undefined where this Node lacks it (Node 20; 22 before 22.13 without --experimental-sqlite). */
async function nodeSqlite(): Promise<NodeSqliteModule | undefined> {
  const specifier = 'node:sqlite'; // not a literal: @types/node 20 does not know the module
  try {
    return (await import(specifier)) as NodeSqliteModule;
  } catch {
    return undefined;
  }
}

/** The binding this Node would use: node:sqlite where present. */
export async function availableBindings(): Promise<SqliteBindingName[]> {
  return (await nodeSqlite()) ? ['node:sqlite', 'node-sqlite3-wasm'] : ['node-sqlite3-wasm'];
}

/** Opens (creating) `file`; `binding` forces one (the tests run both), else node:sqlite where present. Throws what SQLite throws. */
export async function openSqlite(file: string, binding?: SqliteBindingName): Promise<SqliteDatabase> {
  const native = binding === 'node-sqlite3-wasm' ? undefined : await nodeSqlite();
  if (native) {
    const db = new native.DatabaseSync(file);
    const statements = new Map<string, NodeSqliteStatement>();
    const prepared = (sql: string) => statements.get(sql) ?? statements.set(sql, db.prepare(sql)).get(sql)!;
    return {
      binding: 'node:sqlite',
      exec: (sql) => db.exec(sql),
      run: (sql, params = []) => {
        const { changes, lastInsertRowid } = prepared(sql).run(...params);
        return { changes: Number(changes), lastInsertRowid: Number(lastInsertRowid) };
      },
      all: (sql, params = []) => prepared(sql).all(...params),
      close: () => db.close(),
    };
  }
  if (binding === 'node:sqlite') throw new Error('node:sqlite is not available on this Node.js');
  const { default: wasm } = await import('node-sqlite3-wasm');
  const db = new wasm.Database(file);
  return {
    binding: 'node-sqlite3-wasm',
    exec: (sql) => db.exec(sql),
    run: (sql, params = []) => {
      const { changes, lastInsertRowid } = db.run(sql, params);
      return { changes: Number(changes), lastInsertRowid: Number(lastInsertRowid) };
    },
    all: (sql, params = []) => db.all(sql, params) as Record<string, SqliteValue>[],
    close: () => db.close(),
  };
}
