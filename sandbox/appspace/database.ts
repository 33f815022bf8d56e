/** The SQLite metadata of the local cloud: files, tasks, quota counters and download links. */
import { DatabaseSync } from "node:sqlite";

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS files (
  token TEXT PRIMARY KEY,
  parent TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('file', 'folder')),
  size INTEGER NOT NULL DEFAULT 0,
  md5 TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  ctime INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  UNIQUE (parent, name)
);
CREATE INDEX IF NOT EXISTS files_listing ON files (parent, type DESC, name);
CREATE INDEX IF NOT EXISTS files_by_md5 ON files (md5);
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('move', 'upload')),
  status TEXT NOT NULL,
  current INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  request TEXT NOT NULL,
  results TEXT NOT NULL DEFAULT '[]',
  file_token TEXT,
  error_code INTEGER,
  error_msg TEXT,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS quota_usage (
  app_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  day TEXT NOT NULL,
  used INTEGER NOT NULL,
  PRIMARY KEY (app_id, endpoint, day)
);
CREATE TABLE IF NOT EXISTS download_links (
  id TEXT PRIMARY KEY,
  md5 TEXT NOT NULL,
  size INTEGER NOT NULL,
  name TEXT NOT NULL,
  expires INTEGER NOT NULL
);
`;

export function openDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec(SCHEMA);
  return db;
}

/** Runs `work` in a transaction, or inside the one already open. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  if (db.isTransaction) return work();
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
