/** The KooDrive tables of the local cloud, in a database file of their own. */
import { DatabaseSync } from "node:sqlite";

export { inTransaction } from "../appspace/database.ts";

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password TEXT NOT NULL,
  container_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
  owner TEXT NOT NULL,
  id TEXT NOT NULL,
  parent TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('file', 'folder')),
  size INTEGER NOT NULL DEFAULT 0,
  sha256 TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  ctime INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  PRIMARY KEY (owner, id),
  UNIQUE (owner, parent, name)
);
CREATE INDEX IF NOT EXISTS files_listing ON files (owner, parent, type DESC, name);
CREATE INDEX IF NOT EXISTS files_by_sha256 ON files (sha256);
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  file_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('create', 'revision')),
  parent TEXT NOT NULL,
  name TEXT NOT NULL,
  length INTEGER NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('put', 'multipart')),
  rename_mode INTEGER NOT NULL,
  created INTEGER NOT NULL,
  UNIQUE (owner, file_id)
);
CREATE TABLE IF NOT EXISTS upload_parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  declared INTEGER NOT NULL,
  received INTEGER,
  PRIMARY KEY (upload_id, part_number)
);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  task_type INTEGER NOT NULL,
  action_type INTEGER NOT NULL,
  status INTEGER NOT NULL,
  target TEXT NOT NULL,
  items TEXT NOT NULL,
  results TEXT NOT NULL DEFAULT '[]',
  created INTEGER NOT NULL,
  started INTEGER,
  ended INTEGER
);
CREATE TABLE IF NOT EXISTS shares (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  file_ids TEXT NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  cancelled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS file_links (
  id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  name TEXT NOT NULL,
  expires INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS file_links_by_sha256 ON file_links (sha256);
CREATE TABLE IF NOT EXISTS share_tasks (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  share_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  file_ids TEXT NOT NULL,
  zip_name TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  result_code INTEGER NOT NULL DEFAULT 0,
  download_id TEXT,
  created INTEGER NOT NULL,
  started INTEGER,
  ended INTEGER
);
`;

export function openKooDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec(SCHEMA);
  return db;
}
