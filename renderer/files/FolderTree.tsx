/**
 * The open folder as a tree: virtualised rows (a folder of 100,000 entries scrolls smoothly), lazy
 * expansion, keyboard navigation, selection within one folder, and drop targets on every folder.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountView, EntryView } from "../../shared/model.ts";
import { ContextMenu, type MenuAt, type MenuItem } from "../components/ContextMenu.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { Icon } from "../components/Icon.tsx";
import { formatBytes, formatDate } from "../format.ts";
import { flattenTree, loadedName, useTree, type TreeRow } from "../stores/tree.ts";
import { hasFiles, uploadDropped } from "./drop-upload.ts";

const ROW_HEIGHT = 36;

interface RowProps {
  row: TreeRow;
  top: number;
  selected: boolean;
  active: boolean;
  dropHere: boolean;
  onRowClick(event: React.MouseEvent, entry: EntryView): void;
  onRowMenu(event: React.MouseEvent, entry: EntryView): void;
  onOpen(entry: EntryView): void;
  onToggle(entry: EntryView): void;
  onLoadMore(folderId: string): void;
}

const Row = memo(function Row(props: RowProps) {
  const { row, top, selected, active, dropHere } = props;
  const { t } = useTranslation();
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  if (row.kind === "more")
    return <MoreRow folderId={row.folderId} depth={row.depth} top={top} onLoadMore={props.onLoadMore} />;
  if (row.kind === "note") {
    return (
      <div
        className={row.error ? "tree-note tree-note-error" : "tree-note"}
        style={{ ...style, paddingLeft: indent(row.depth) + 28 }}
      >
        {row.text}
      </div>
    );
  }
  const { entry } = row;
  const isFolder = entry.kind === "folder";
  const className = [
    "tree-row",
    selected && "is-selected",
    active && "is-active",
    dropHere && "is-drop-target",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <div
      id={`treeitem-${entry.id}`}
      role="treeitem"
      aria-label={entry.name}
      aria-describedby={`treemeta-${entry.id}`}
      aria-level={row.depth + 1}
      aria-posinset={row.posInSet}
      aria-setsize={row.setSize}
      aria-selected={selected}
      aria-expanded={isFolder ? row.expanded : undefined}
      data-entry-id={entry.id}
      data-folder-id={isFolder ? entry.id : entry.parentId}
      className={className}
      style={style}
      onClick={(event) => props.onRowClick(event, entry)}
      onContextMenu={(event) => props.onRowMenu(event, entry)}
      onDoubleClick={() => isFolder && props.onOpen(entry)}
    >
      <span className="tree-name" style={{ paddingLeft: indent(row.depth) }}>
        {isFolder ? (
          <button
            type="button"
            tabIndex={-1}
            className={row.expanded ? "twisty is-open" : "twisty"}
            aria-label={t(row.expanded ? "tree.collapse" : "tree.expand", { name: entry.name })}
            onClick={(event) => {
              event.stopPropagation();
              props.onToggle(entry);
            }}
          >
            <Icon name="chevron" size={14} />
          </button>
        ) : (
          <span className="twisty-space" />
        )}
        <Icon name={isFolder ? "folder" : "file"} className={isFolder ? "kind-folder" : "kind-file"} />
        <span className="tree-label">{entry.name}</span>
      </span>
      <span id={`treemeta-${entry.id}`} className="tree-meta">
        <span className="tree-size" title={isFolder ? undefined : t("format.bytes", { count: entry.size })}>
          {isFolder ? t("common.noValue") : formatBytes(entry.size)}
        </span>
        <span className="tree-date">{formatDate(entry.mtime)}</span>
      </span>
    </div>
  );
});

function MoreRow(props: {
  folderId: string;
  depth: number;
  top: number;
  onLoadMore(folderId: string): void;
}) {
  const { folderId, onLoadMore } = props;
  const { t } = useTranslation();
  // Shown means scrolled near: the next page is fetched.
  useEffect(() => onLoadMore(folderId), [folderId, onLoadMore]);
  return (
    <div
      className="tree-note"
      style={{
        transform: `translateY(${props.top}px)`,
        height: ROW_HEIGHT,
        paddingLeft: indent(props.depth) + 28,
      }}
    >
      {t("common.loadingMore")}
    </div>
  );
}

function indent(depth: number): number {
  return 8 + depth * 20;
}

export function FolderTree(props: {
  account: AccountView;
  onMove(): void;
  /** The actions of an entry's context menu (right click, the Menu key or Shift+F10). */
  menuFor?: (entry: EntryView) => MenuItem[];
}) {
  const { account, menuFor } = props;
  const { t } = useTranslation();
  const path = useTree((s) => s.path);
  const folders = useTree((s) => s.folders);
  const expanded = useTree((s) => s.expanded);
  const selection = useTree((s) => s.selection);
  const activeId = useTree((s) => s.activeId);
  const open = path[path.length - 1];
  const openId = open?.id ?? account.rootId;
  const openName = open?.name ?? account.name;
  // The notes in the rows ("Loading…") are in the current language: `t` changes with it.
  const rows = useMemo(() => flattenTree(openId, folders, expanded), [openId, folders, expanded, t]);
  const indexOf = useMemo(() => {
    const map = new Map<string, number>();
    rows.forEach((row, index) => row.kind === "entry" && map.set(row.entry.id, index));
    return map;
  }, [rows]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);
  const [dropFolderId, setDropFolderId] = useState<string | null>(null);
  const [menu, setMenu] = useState<MenuAt | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => rows[index]?.key ?? index,
  });

  const siblingsOf = useCallback((entry: EntryView) => folders[entry.parentId]?.entries ?? [], [folders]);

  const onRowClick = useCallback(
    (event: React.MouseEvent, entry: EntryView) => {
      const mode = event.shiftKey ? "range" : event.ctrlKey || event.metaKey ? "toggle" : "only";
      useTree.getState().select(entry, mode, siblingsOf(entry));
      treeRef.current?.focus({ preventScroll: true });
    },
    [siblingsOf],
  );
  const openMenu = useCallback(
    (entry: EntryView, x: number, y: number) => {
      const items = menuFor?.(entry) ?? [];
      if (items.length > 0) setMenu({ x, y, label: t("tree.actionsFor", { name: entry.name }), items });
    },
    [menuFor, t],
  );
  const onRowMenu = useCallback(
    (event: React.MouseEvent, entry: EntryView) => {
      if (!menuFor) return;
      event.preventDefault();
      // The menu acts on what is selected, so a click outside the selection selects the entry first.
      const tree = useTree.getState();
      if (!tree.selection.ids.has(entry.id)) tree.select(entry, "only", siblingsOf(entry));
      else tree.setActive(entry.id);
      openMenu(entry, event.clientX, event.clientY);
    },
    [menuFor, openMenu, siblingsOf],
  );
  const onOpen = useCallback(
    (entry: EntryView) => useTree.getState().openFolder({ id: entry.id, name: entry.name }),
    [],
  );
  const onToggle = useCallback((entry: EntryView) => {
    const state = useTree.getState();
    state.setExpanded(entry.id, !state.expanded[entry.id]);
  }, []);
  const onLoadMore = useCallback((folderId: string) => void useTree.getState().loadMore(folderId), []);

  const moveTo = (index: number, extend: boolean, keepSelection: boolean) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row || row.kind !== "entry") {
      // Skip notes and "loading more" lines.
      const step = index > (activeId ? (indexOf.get(activeId) ?? 0) : 0) ? 1 : -1;
      const next = index + step;
      if (next >= 0 && next < rows.length && next !== index) moveTo(next, extend, keepSelection);
      return;
    }
    const tree = useTree.getState();
    if (keepSelection) tree.setActive(row.entry.id);
    else tree.select(row.entry, extend ? "range" : "only", siblingsOf(row.entry));
    virtualizer.scrollToIndex(index, { align: "auto" });
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const tree = useTree.getState();
    const current = activeId !== null ? indexOf.get(activeId) : undefined;
    const row = current !== undefined ? rows[current] : undefined;
    const entry = row?.kind === "entry" ? row.entry : undefined;
    const keep = event.ctrlKey || event.metaKey;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    switch (event.key) {
      case "ArrowDown":
        moveTo(current === undefined ? 0 : current + 1, event.shiftKey, keep);
        break;
      case "ArrowUp":
        moveTo(current === undefined ? 0 : current - 1, event.shiftKey, keep);
        break;
      case "PageDown":
        moveTo((current ?? 0) + page, event.shiftKey, keep);
        break;
      case "PageUp":
        moveTo((current ?? 0) - page, event.shiftKey, keep);
        break;
      case "Home":
        moveTo(0, event.shiftKey, keep);
        break;
      case "End":
        moveTo(rows.length - 1, event.shiftKey, keep);
        break;
      case "ArrowRight":
        if (entry?.kind === "folder") {
          if (!tree.expanded[entry.id]) tree.setExpanded(entry.id, true);
          else if (current !== undefined) moveTo(current + 1, false, false);
        }
        break;
      case "ArrowLeft":
        if (entry?.kind === "folder" && tree.expanded[entry.id]) tree.setExpanded(entry.id, false);
        else if (entry) {
          const parent = indexOf.get(entry.parentId);
          if (parent !== undefined) moveTo(parent, false, false);
        }
        break;
      case "Enter":
        if (entry?.kind === "folder") onOpen(entry);
        break;
      case " ":
        if (entry) tree.select(entry, keep ? "toggle" : "only", siblingsOf(entry));
        break;
      case "Backspace":
        if (path.length > 1) tree.openCrumb(path.length - 2);
        break;
      case "a":
        if (!keep || !entry) return;
        tree.selectAll(entry.parentId);
        break;
      case "Escape":
        tree.clearSelection();
        break;
      case "ContextMenu":
      case "F10":
        if (event.key === "F10" && !event.shiftKey) return;
        if (entry) {
          const box = document.getElementById(`treeitem-${entry.id}`)?.getBoundingClientRect();
          openMenu(entry, (box?.left ?? 0) + 40, (box?.bottom ?? 0) - 4);
        }
        break;
      case "F2":
      case "m":
        if (event.key === "m" && !keep) return;
        if (selection.ids.size > 0) props.onMove();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const folderUnder = (target: EventTarget | null): string => {
    const element = (target as HTMLElement | null)?.closest?.("[data-folder-id]");
    return element?.getAttribute("data-folder-id") ?? openId;
  };
  const folderName = (folderId: string): string =>
    folderId === openId ? openName : (loadedName(folders, folderId) ?? t("tree.thisFolder"));
  const onDragOver = (event: React.DragEvent) => {
    if (!hasFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    const folderId = folderUnder(event.target);
    if (folderId !== dropFolderId) setDropFolderId(folderId);
  };
  const onDragLeave = (event: React.DragEvent) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropFolderId(null);
  };
  const onDrop = (event: React.DragEvent) => {
    if (!hasFiles(event.dataTransfer)) return;
    event.preventDefault();
    const folderId = folderUnder(event.target);
    setDropFolderId(null);
    uploadDropped(event.dataTransfer, { accountId: account.id, folderId }, folderName(folderId));
  };

  const listing = folders[openId];
  const items = virtualizer.getVirtualItems();
  const empty = listing?.status === "ready" && listing.entries.length === 0;
  const treeClass = dropFolderId === openId ? "tree-scroll is-drop-target" : "tree-scroll";

  return (
    <div
      className="tree-wrap"
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <div className="tree-columns" aria-hidden="true">
        <span>{t("tree.columnName")}</span>
        <span className="tree-size">{t("tree.columnSize")}</span>
        <span className="tree-date">{t("tree.columnModified")}</span>
      </div>
      <div ref={scrollRef} className={treeClass} data-folder-id={openId}>
        {listing?.status === "error" && listing.entries.length === 0 ? (
          <EmptyState icon="alert" title={t("tree.cannotOpen")}>
            {listing.error}{" "}
            <button
              type="button"
              className="link"
              onClick={() => void useTree.getState().ensureLoaded(openId)}
            >
              {t("common.tryAgain")}
            </button>
          </EmptyState>
        ) : empty ? (
          <EmptyState icon="upload" title={t("tree.empty")}>
            {t("tree.emptyHint")}
          </EmptyState>
        ) : null}
        <div
          ref={treeRef}
          role="tree"
          aria-label={t("tree.filesIn", { name: openName })}
          aria-multiselectable="true"
          aria-busy={listing?.status === "loading"}
          aria-activedescendant={activeId ? `treeitem-${activeId}` : undefined}
          tabIndex={0}
          className="tree"
          style={{ height: virtualizer.getTotalSize() }}
          onKeyDown={onKeyDown}
        >
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const id = row.kind === "entry" ? row.entry.id : "";
            return (
              <Row
                key={item.key}
                row={row}
                top={item.start}
                selected={selection.ids.has(id)}
                active={id !== "" && id === activeId}
                dropHere={
                  row.kind === "entry" && row.entry.kind === "folder" && row.entry.id === dropFolderId
                }
                onRowClick={onRowClick}
                onRowMenu={onRowMenu}
                onOpen={onOpen}
                onToggle={onToggle}
                onLoadMore={onLoadMore}
              />
            );
          })}
        </div>
        {listing?.status === "loading" && listing.entries.length === 0 && (
          <div className="tree-loading">{t("common.loading")}</div>
        )}
      </div>
      {menu && <ContextMenu menu={menu} onClose={closeMenu} />}
    </div>
  );
}
