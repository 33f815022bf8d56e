/**
 * The journal's schema, as an ordered list of migrations. A migration never changes once released:
 * a new need is a new entry at the end. Each runs in its own transaction with its version bump.
 */
export const migrations: readonly string[] = [
  `
  create table pairs (
    id text primary key,
    account_id text not null,
    local_path text not null,
    remote_path text not null,
    delete_policy text not null,
    paused integer not null default 0,
    remote_root_id text,
    created_at integer not null
  );
  create table files (
    pair_id text not null,
    path text not null,
    size integer not null,
    mtime_ms real not null,
    ino integer not null,
    md5 text,
    remote_id text,
    remote_version integer,
    primary key (pair_id, path)
  ) without rowid;
  create index files_by_ino on files (pair_id, ino);
  create table folders (
    pair_id text not null,
    path text not null,
    remote_id text not null,
    primary key (pair_id, path)
  ) without rowid;
  create table uploads (
    key text primary key,
    pair_id text,
    path text not null,
    resume_json text,
    updated_at integer not null
  );
  create table server_tasks (
    id text primary key,
    kind text not null,
    account_id text not null,
    task_id text,
    context_json text,
    started_at integer not null
  );
  create table tasks (
    id text primary key,
    view_json text not null,
    resume_json text,
    final integer not null,
    updated_at integer not null
  );
  create table failures (
    pair_id text not null,
    path text not null,
    reason text not null,
    attempts integer not null,
    next_retry_at integer,
    primary key (pair_id, path)
  ) without rowid;
  create table events (
    seq integer primary key autoincrement,
    time integer not null,
    level text not null,
    text text not null,
    pair_id text,
    account_id text
  );
  `,
  // Files by their folder ("a/b/" for "a/b/c.txt", "" at the root), so a pass reads one folder at a
  // time; and the files still waiting for their first upload, so a pass streams them from here.
  `
  create index files_by_dir on files (pair_id, rtrim(path, replace(path, '/', '')));
  create index files_unsynced on files (pair_id, path) where remote_id is null;
  `,
  // A pair's script rule; uploads whose "uploaded" hook has not run yet (written with the upload, so a
  // crash in between replays the hook); and the script runs already started per uploaded version.
  `
  alter table pairs add column script_rule text;
  create table upload_hooks (
    pair_id text not null,
    path text not null,
    remote_id text not null,
    version integer not null,
    upload_task_id text,
    created_at integer not null,
    primary key (pair_id, path, remote_id, version)
  ) without rowid;
  create table script_runs (
    pair_id text not null,
    path text not null,
    remote_id text not null,
    version integer not null,
    task_id text,
    upload_task_id text,
    started_at integer not null,
    primary key (pair_id, path, remote_id, version)
  ) without rowid;
  `,
  // Identities: a file's device and birth time next to its inode (an inode a deleted file freed is
  // soon given to a new one), and a folder's likewise, so a rename is
  // recognised by what moved rather than by its path; the cloud ids, to find a record by its cloud
  // item; and what a pass is about to create in the cloud (written before the request goes), so a
  // create whose answer a crash lost is found again and adopted or removed.
  `
  alter table files add column dev integer not null default 0;
  alter table files add column btime real not null default 0;
  alter table folders add column dev integer not null default 0;
  alter table folders add column ino integer not null default 0;
  alter table folders add column btime real not null default 0;
  create index files_by_remote on files (pair_id, remote_id) where remote_id is not null;
  create index folders_by_remote on folders (pair_id, remote_id);
  create table remote_creates (
    pair_id text not null,
    path text not null,
    kind text not null,
    parent_id text not null,
    name text not null,
    size integer,
    md5 text,
    started_at integer not null,
    primary key (pair_id, path)
  ) without rowid;
  `,
  // An activity line's phrase (its catalog key and values, as JSON), so each shell can show it in
  // its user's language; the English text stays in \`text\`.
  `
  alter table events add column phrase_json text;
  `,
  // The cloud as last listed, per pair: every entry under the pair's cloud folder, so the next listing
  // of a folder tells what was added, edited, renamed, moved or deleted there since.
  `
  create table remote_entries (
    pair_id text not null,
    id text not null,
    parent_id text not null,
    name text not null,
    kind text not null,
    size integer not null,
    md5 text,
    version integer not null,
    mtime real not null,
    primary key (pair_id, id)
  ) without rowid;
  create index remote_entries_by_parent on remote_entries (pair_id, parent_id);
  `,
  // A failed path's reason as a phrase too, so it is shown in the language of whoever reads it.
  `
  alter table failures add column reason_phrase_json text;
  `,
  // Whether a file's record was written so soon after the file's last write that its size and mtime
  // do not vouch for its content (see RACY_MS).
  `
  alter table files add column racy integer not null default 0;
  `,
];
