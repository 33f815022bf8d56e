import { expect, test } from "vitest";
import type { RemoteEntry } from "../../cloud/provider.ts";
import { diffListings, resolveMissing, type KnownRemote } from "./diff.ts";

const file = (id: string, parentId: string, name: string, extra: Partial<RemoteEntry> = {}): RemoteEntry => ({
  id,
  name,
  kind: "file",
  parentId,
  size: 3,
  md5: "aaa",
  version: 1,
  mtime: 1000,
  ...extra,
});
const folder = (id: string, parentId: string, name: string, mtime = 1000): RemoteEntry => ({
  id,
  name,
  kind: "folder",
  parentId,
  size: 0,
  version: 1,
  mtime,
});

function known(entries: RemoteEntry[]): KnownRemote {
  return {
    entry: (id) => entries.find((e) => e.id === id),
    children: (folderId) => entries.filter((e) => e.parentId === folderId),
  };
}

test("an unchanged listing has no changes", () => {
  const entries = [file("f1", "root", "a.txt"), folder("d1", "root", "docs")];
  expect(diffListings(known(entries), [{ folderId: "root", entries }])).toEqual({
    changes: [],
    missing: [],
    touchedFolders: [],
  });
});

test("new entries are added, a new version or MD5 is an edit, a folder's new stamp marks it touched", () => {
  const before = [file("f1", "root", "a.txt"), file("f2", "root", "b.txt"), folder("d1", "root", "docs")];
  const now = [
    file("f1", "root", "a.txt", { version: 2, size: 5, mtime: 2000 }),
    file("f2", "root", "b.txt", { md5: "bbb" }),
    folder("d1", "root", "docs", 3000),
    file("f3", "root", "new.txt"),
  ];
  const diff = diffListings(known(before), [{ folderId: "root", entries: now }]);
  expect(diff.changes).toEqual([
    { type: "edited", entry: now[0], before: before[0] },
    { type: "edited", entry: now[1], before: before[1] },
    { type: "added", entry: now[3] },
  ]);
  expect(diff.touchedFolders).toEqual(["d1"]);
  expect(diff.missing).toEqual([]);
});

test("the same id under a new name or in another listed folder is a rename or a move, not a delete", () => {
  const before = [file("f1", "root", "a.txt"), file("f2", "root", "b.txt"), folder("d1", "root", "docs")];
  const root = [file("f1", "root", "renamed.txt"), folder("d1", "root", "docs")];
  const docs = [file("f2", "d1", "b.txt", { version: 2 })];
  const diff = diffListings(known(before), [
    { folderId: "root", entries: root },
    { folderId: "d1", entries: docs },
  ]);
  expect(diff.changes).toEqual([
    { type: "moved", entry: root[0], before: before[0], edited: false },
    { type: "moved", entry: docs[0], before: before[1], edited: true },
  ]);
  expect(diff.missing).toEqual([]);
});

test("an entry gone from its folder is missing until a look-up tells a move from a delete", async () => {
  const before = [
    file("f1", "root", "gone.txt"),
    file("f2", "root", "moved.txt"),
    file("f3", "root", "out.txt"),
    folder("d1", "root", "docs"),
  ];
  const diff = diffListings(known(before), [{ folderId: "root", entries: [before[3]!] }]);
  expect(diff.changes).toEqual([]);
  expect(diff.missing.map((e) => e.id)).toEqual(["f1", "f2", "f3"]);
  const cloud = new Map([
    ["f2", file("f2", "d1", "moved.txt")],
    ["f3", file("f3", "elsewhere", "out.txt")],
  ]);
  const settled = await resolveMissing(
    diff.missing,
    async (id) => cloud.get(id),
    (folderId) => folderId === "root" || folderId === "d1",
  );
  expect(settled).toEqual([
    { type: "deleted", before: before[0] },
    { type: "moved", entry: cloud.get("f2"), before: before[1], edited: false },
    { type: "deleted", before: before[2] },
  ]);
});
