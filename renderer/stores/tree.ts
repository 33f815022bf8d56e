/**
 * The folder tree of the open account: listings loaded lazily page by page, expanded folders,
 * the open folder (breadcrumb), and a selection that always stays within one folder.
 */
import { create } from "zustand";
import type { EntryView } from "../../shared/model.ts";
import { call, describeError } from "../bridge/client.ts";
import { i18n } from "../i18n.ts";

export interface FolderListing {
  entries: EntryView[];
  next: string | null;
  status: "loading" | "ready" | "error";
  error?: string;
  loadingMore: boolean;
}

export interface Crumb {
  id: string;
  name: string;
}

export type SelectMode = "only" | "toggle" | "range";

interface Selection {
  parentId: string | null;
  ids: ReadonlySet<string>;
  anchorId: string | null;
}

interface TreeState {
  accountId: string | null;
  /** From the account's root to the open folder. */
  path: Crumb[];
  folders: Readonly<Record<string, FolderListing>>;
  expanded: Readonly<Record<string, boolean>>;
  selection: Selection;
  activeId: string | null;
  /** Opens an account at its top folder (`rootId`, which each service names its own way). */
  openAccount(accountId: string, rootName: string, rootId: string): void;
  openFolder(folder: Crumb): void;
  openCrumb(index: number): void;
  ensureLoaded(folderId: string): Promise<void>;
  loadMore(folderId: string): Promise<void>;
  refresh(folderIds: string[]): Promise<void>;
  setExpanded(folderId: string, expanded: boolean): void;
  /** `siblings` (in display order) is needed for a range. */
  select(entry: EntryView, mode: SelectMode, siblings?: EntryView[]): void;
  selectAll(parentId: string): void;
  clearSelection(): void;
  setActive(id: string | null): void;
  /** The open folder and the expanded folders that are loaded. */
  visibleFolderIds(): string[];
}

const emptySelection: Selection = { parentId: null, ids: new Set(), anchorId: null };

export const useTree = create<TreeState>()((set, get) => {
  // Answers for an account that is no longer open are dropped.
  let generation = 0;
  const inFlight = new Map<string, Promise<void>>();

  const patchFolder = (folderId: string, patch: Partial<FolderListing>) =>
    set((state) => {
      const before = state.folders[folderId] ?? {
        entries: [],
        next: null,
        status: "loading",
        loadingMore: false,
      };
      return { folders: { ...state.folders, [folderId]: { ...before, ...patch } } };
    });

  const fetchPage = (accountId: string, folderId: string, cursor: string | null) =>
    call("tree.list", { accountId, folderId, cursor });

  const once = (key: string, work: () => Promise<void>): Promise<void> => {
    const running = inFlight.get(key);
    if (running) return running;
    const promise = work().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  };

  const load = (folderId: string) =>
    once(`load:${folderId}`, async () => {
      const { accountId } = get();
      if (!accountId) return;
      const mine = generation;
      patchFolder(folderId, { status: "loading", error: undefined });
      try {
        const page = await fetchPage(accountId, folderId, null);
        if (mine !== generation) return;
        patchFolder(folderId, {
          entries: page.entries,
          next: page.next,
          status: "ready",
          loadingMore: false,
        });
      } catch (error) {
        if (mine !== generation) return;
        patchFolder(folderId, { status: "error", error: describeError(error) });
      }
    });

  return {
    accountId: null,
    path: [],
    folders: {},
    expanded: {},
    selection: emptySelection,
    activeId: null,

    openAccount(accountId, rootName, rootId) {
      if (get().accountId === accountId) return;
      generation += 1;
      inFlight.clear();
      set({
        accountId,
        path: [{ id: rootId, name: rootName }],
        folders: {},
        expanded: {},
        selection: emptySelection,
        activeId: null,
      });
      void load(rootId);
    },
    openFolder(folder) {
      set((state) => ({ path: [...state.path, folder], selection: emptySelection, activeId: null }));
      void get().ensureLoaded(folder.id);
    },
    openCrumb(index) {
      const path = get().path.slice(0, index + 1);
      if (path.length === 0) return;
      set({ path, selection: emptySelection, activeId: null });
      void get().ensureLoaded(path[path.length - 1]!.id);
    },
    async ensureLoaded(folderId) {
      const listing = get().folders[folderId];
      if (listing && listing.status !== "error") return;
      await load(folderId);
    },
    loadMore: (folderId) =>
      once(`more:${folderId}`, async () => {
        const { accountId, folders } = get();
        const listing = folders[folderId];
        if (!accountId || !listing || listing.next === null || listing.status !== "ready") return;
        const mine = generation;
        patchFolder(folderId, { loadingMore: true });
        try {
          const page = await fetchPage(accountId, folderId, listing.next);
          if (mine !== generation) return;
          const current = get().folders[folderId] ?? listing;
          patchFolder(folderId, {
            entries: current.entries.concat(page.entries),
            next: page.next,
            loadingMore: false,
          });
        } catch (error) {
          if (mine !== generation) return;
          patchFolder(folderId, { loadingMore: false, status: "error", error: describeError(error) });
        }
      }),
    async refresh(folderIds) {
      const { accountId } = get();
      if (!accountId) return;
      const mine = generation;
      await Promise.all(
        folderIds
          .filter((id) => get().folders[id] !== undefined)
          .map((folderId) =>
            once(`refresh:${folderId}`, async () => {
              const wanted = get().folders[folderId]?.entries.length ?? 0;
              try {
                // Reload at least as much as was shown, then swap in one step (no flicker).
                let page = await fetchPage(accountId, folderId, null);
                let entries = page.entries;
                while (page.next !== null && entries.length < wanted) {
                  page = await fetchPage(accountId, folderId, page.next);
                  entries = entries.concat(page.entries);
                }
                if (mine !== generation) return;
                patchFolder(folderId, { entries, next: page.next, status: "ready", error: undefined });
                const selection = get().selection;
                if (selection.parentId === folderId) {
                  const present = new Set(entries.map((e) => e.id));
                  const ids = new Set([...selection.ids].filter((id) => present.has(id)));
                  if (ids.size !== selection.ids.size) set({ selection: { ...selection, ids } });
                }
              } catch (error) {
                if (mine !== generation) return;
                patchFolder(folderId, { status: "error", error: describeError(error) });
              }
            }),
          ),
      );
    },
    setExpanded(folderId, expanded) {
      set((state) => ({ expanded: { ...state.expanded, [folderId]: expanded } }));
      if (expanded) void get().ensureLoaded(folderId);
    },
    select(entry, mode, siblings) {
      const { selection } = get();
      const sameFolder = selection.parentId === entry.parentId;
      if (mode === "toggle" && sameFolder) {
        const ids = new Set(selection.ids);
        if (ids.has(entry.id)) ids.delete(entry.id);
        else ids.add(entry.id);
        set({ selection: { parentId: entry.parentId, ids, anchorId: entry.id }, activeId: entry.id });
        return;
      }
      if (mode === "range" && sameFolder && selection.anchorId && siblings) {
        const from = siblings.findIndex((e) => e.id === selection.anchorId);
        const to = siblings.findIndex((e) => e.id === entry.id);
        if (from >= 0 && to >= 0) {
          const [lo, hi] = from < to ? [from, to] : [to, from];
          const ids = new Set(siblings.slice(lo, hi + 1).map((e) => e.id));
          set({ selection: { ...selection, ids }, activeId: entry.id });
          return;
        }
      }
      set({
        selection: { parentId: entry.parentId, ids: new Set([entry.id]), anchorId: entry.id },
        activeId: entry.id,
      });
    },
    selectAll(parentId) {
      const entries = get().folders[parentId]?.entries ?? [];
      set({
        selection: { parentId, ids: new Set(entries.map((e) => e.id)), anchorId: entries[0]?.id ?? null },
      });
    },
    clearSelection: () => set({ selection: emptySelection }),
    setActive: (activeId) => set({ activeId }),
    visibleFolderIds() {
      const { path, expanded, folders } = get();
      const open = path[path.length - 1]?.id;
      const ids = Object.keys(expanded).filter((id) => expanded[id] && folders[id] !== undefined);
      return open === undefined ? ids : [open, ...ids.filter((id) => id !== open)];
    },
  };
});

/** The name of an entry in any loaded listing (undefined when none lists it). */
export function loadedName(folders: Readonly<Record<string, FolderListing>>, id: string): string | undefined {
  for (const listing of Object.values(folders)) {
    const found = listing.entries.find((e) => e.id === id);
    if (found) return found.name;
  }
  return undefined;
}

/** One visible line of the tree. */
export type TreeRow =
  | {
      kind: "entry";
      key: string;
      entry: EntryView;
      depth: number;
      expanded: boolean;
      posInSet: number;
      setSize: number;
    }
  | { kind: "more"; key: string; folderId: string; depth: number }
  | { kind: "note"; key: string; folderId: string; depth: number; text: string; error: boolean };

/** The rows to show under `rootId`: its entries, with the content of expanded folders below each. */
export function flattenTree(
  rootId: string,
  folders: Readonly<Record<string, FolderListing>>,
  expanded: Readonly<Record<string, boolean>>,
): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (folderId: string, depth: number) => {
    const listing = folders[folderId];
    if (!listing || (listing.status === "loading" && listing.entries.length === 0)) {
      if (depth > 0)
        rows.push({
          kind: "note",
          key: `note:${folderId}`,
          folderId,
          depth,
          text: i18n.t("common.loading"),
          error: false,
        });
      return;
    }
    if (listing.status === "error" && listing.entries.length === 0) {
      rows.push({
        kind: "note",
        key: `note:${folderId}`,
        folderId,
        depth,
        text: listing.error ?? i18n.t("tree.couldNotLoad"),
        error: true,
      });
      return;
    }
    if (listing.entries.length === 0 && depth > 0) {
      rows.push({
        kind: "note",
        key: `note:${folderId}`,
        folderId,
        depth,
        text: i18n.t("tree.emptyFolder"),
        error: false,
      });
      return;
    }
    const setSize = listing.next === null ? listing.entries.length : listing.entries.length + 1;
    listing.entries.forEach((entry, index) => {
      const open = entry.kind === "folder" && expanded[entry.id] === true;
      rows.push({ kind: "entry", key: entry.id, entry, depth, expanded: open, posInSet: index + 1, setSize });
      if (open) visit(entry.id, depth + 1);
    });
    if (listing.next !== null) rows.push({ kind: "more", key: `more:${folderId}`, folderId, depth });
  };
  visit(rootId, 0);
  return rows;
}
