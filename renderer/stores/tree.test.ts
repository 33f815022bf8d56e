import { beforeEach, expect, test } from "vitest";
import type { EntryView } from "../../shared/model.ts";
import { installBridge } from "../bridge/client.ts";
import type { ShellBridge } from "../bridge/types.ts";
import { flattenTree, useTree, type FolderListing } from "./tree.ts";

const entry = (id: string, parentId: string, kind: "file" | "folder" = "file"): EntryView => ({
  id,
  name: id,
  kind,
  parentId,
  size: 1,
  mtime: 0,
  version: 1,
});
const ready = (entries: EntryView[], next: string | null = null): FolderListing => ({
  entries,
  next,
  status: "ready",
  loadingMore: false,
});

test("the tree shows expanded folders below their row, a loading line for unloaded ones, and a 'more' line", () => {
  const folders = {
    "0": ready([entry("docs", "0", "folder"), entry("pics", "0", "folder"), entry("a", "0")], "c1"),
    docs: ready([entry("d1", "docs")]),
  };
  const rows = flattenTree("0", folders, { docs: true, pics: true });
  expect(rows.map((r) => (r.kind === "entry" ? `${r.depth}:${r.entry.id}` : `${r.depth}:${r.kind}`))).toEqual(
    ["0:docs", "1:d1", "0:pics", "1:note", "0:a", "0:more"],
  );
});

const folder = "0";
const files = ["a", "b", "c", "d"].map((id) => entry(id, folder));

beforeEach(() => {
  const bridge = {
    call: async () => ({ ok: true, result: { entries: files, next: null } }),
  } as unknown as ShellBridge;
  installBridge(bridge);
  useTree.setState({ accountId: null });
  useTree.getState().openAccount("acc", "Root", "0");
});

test("selection: click, ctrl-click and shift-click stay within one folder", () => {
  const tree = useTree.getState();
  tree.select(files[0]!, "only");
  tree.select(files[2]!, "range", files);
  expect([...useTree.getState().selection.ids]).toEqual(["a", "b", "c"]);
  useTree.getState().select(files[1]!, "toggle");
  expect([...useTree.getState().selection.ids].sort()).toEqual(["a", "c"]);
  // An item of another folder starts a new selection there.
  useTree.getState().select(entry("x", "other"), "toggle");
  expect(useTree.getState().selection).toMatchObject({ parentId: "other" });
  expect([...useTree.getState().selection.ids]).toEqual(["x"]);
});

test("a refresh drops vanished items from the selection", async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  useTree.getState().select(files[0]!, "only");
  useTree.getState().select(files[3]!, "range", files);
  installBridge({
    call: async () => ({ ok: true, result: { entries: files.slice(0, 2), next: null } }),
  } as unknown as ShellBridge);
  await useTree.getState().refresh([folder]);
  expect([...useTree.getState().selection.ids]).toEqual(["a", "b"]);
  expect(useTree.getState().folders[folder]?.entries.map((e) => e.id)).toEqual(["a", "b"]);
});
