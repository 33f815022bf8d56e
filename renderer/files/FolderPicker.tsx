/**
 * A tree of folders only, to choose a destination. Folders that cannot be chosen stay visible,
 * greyed, with the reason beside them.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ChannelResult } from "../../shared/contract.ts";
import type { EntryView } from "../../shared/model.ts";
import { call, describeError } from "../bridge/client.ts";
import { Icon } from "../components/Icon.tsx";

interface Listing {
  folders: EntryView[];
  status: "loading" | "ready" | "error";
  error?: string;
}

/** Subfolders of a folder: listings put folders first, so paging stops at the first file. */
async function listFolders(accountId: string, folderId: string): Promise<EntryView[]> {
  const folders: EntryView[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: ChannelResult<"tree.list"> = await call("tree.list", { accountId, folderId, cursor });
    folders.push(...page.entries.filter((e) => e.kind === "folder"));
    if (page.next === null || page.entries.some((e) => e.kind === "file")) return folders;
    cursor = page.next;
  }
}

interface PickerRow {
  id: string;
  name: string;
  depth: number;
}

export function FolderPicker(props: {
  accountId: string;
  /** The account's top folder. */
  rootId: string;
  rootName: string;
  /** Folder ids that cannot be chosen, with the reason shown. */
  blocked: ReadonlyMap<string, string>;
  /** Folders whose whole content is out of bounds (a folder cannot move below itself). */
  sealed: ReadonlySet<string>;
  value: string | null;
  onChange(folderId: string, name: string): void;
  /** Folders shown open at first (the path to the current folder). */
  initiallyExpanded: string[];
}) {
  const { accountId, rootId, blocked, sealed, value, onChange } = props;
  const { t } = useTranslation();
  const [listings, setListings] = useState<Record<string, Listing>>({});
  const [expanded, setExpanded] = useState<Record<string, boolean>>(() =>
    Object.fromEntries([rootId, ...props.initiallyExpanded].map((id) => [id, true])),
  );
  const [active, setActive] = useState<string>(value ?? rootId);
  const requested = useRef(new Set<string>());

  const load = useCallback(
    (folderId: string) => {
      if (requested.current.has(folderId)) return;
      requested.current.add(folderId);
      setListings((l) => ({ ...l, [folderId]: { folders: [], status: "loading" } }));
      listFolders(accountId, folderId).then(
        (folders) => setListings((l) => ({ ...l, [folderId]: { folders, status: "ready" } })),
        (error: unknown) => {
          requested.current.delete(folderId);
          setListings((l) => ({
            ...l,
            [folderId]: { folders: [], status: "error", error: describeError(error) },
          }));
        },
      );
    },
    [accountId],
  );

  useEffect(() => {
    for (const [id, open] of Object.entries(expanded)) if (open) load(id);
  }, [expanded, load]);

  const rows = useMemo(() => {
    const out: PickerRow[] = [{ id: rootId, name: props.rootName, depth: 0 }];
    const visit = (folderId: string, depth: number) => {
      if (!expanded[folderId]) return;
      for (const folder of listings[folderId]?.folders ?? []) {
        out.push({ id: folder.id, name: folder.name, depth });
        if (!sealed.has(folder.id)) visit(folder.id, depth + 1);
      }
    };
    visit(rootId, 1);
    return out;
  }, [listings, expanded, sealed, rootId, props.rootName]);

  const choose = (row: PickerRow) => {
    setActive(row.id);
    if (!blocked.has(row.id)) onChange(row.id, row.name);
  };
  const toggle = (id: string, open?: boolean) => setExpanded((e) => ({ ...e, [id]: open ?? !e[id] }));

  const onKeyDown = (event: React.KeyboardEvent) => {
    const index = rows.findIndex((r) => r.id === active);
    const row = rows[index];
    const go = (i: number) => {
      const next = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (next) choose(next);
    };
    switch (event.key) {
      case "ArrowDown":
        go(index + 1);
        break;
      case "ArrowUp":
        go(index - 1);
        break;
      case "ArrowRight":
        if (row) toggle(row.id, true);
        break;
      case "ArrowLeft":
        if (row) toggle(row.id, false);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div
      role="tree"
      aria-label={t("tree.destination")}
      tabIndex={0}
      className="picker"
      aria-activedescendant={`pick-${active}`}
      onKeyDown={onKeyDown}
    >
      {rows.map((row) => {
        const reason = blocked.get(row.id);
        const listing = listings[row.id];
        const open = expanded[row.id] === true;
        const leaf = listing?.status === "ready" && listing.folders.length === 0;
        return (
          <div key={row.id}>
            <div
              id={`pick-${row.id}`}
              role="treeitem"
              aria-label={row.name}
              aria-level={row.depth + 1}
              aria-selected={value === row.id}
              aria-disabled={reason ? true : undefined}
              aria-expanded={leaf ? undefined : open}
              className={[
                "picker-row",
                value === row.id && "is-selected",
                active === row.id && "is-active",
                reason && "is-blocked",
              ]
                .filter(Boolean)
                .join(" ")}
              style={{ paddingLeft: 8 + row.depth * 18 }}
              onClick={() => choose(row)}
              onDoubleClick={() => toggle(row.id)}
            >
              <button
                type="button"
                tabIndex={-1}
                className={open ? "twisty is-open" : "twisty"}
                aria-label={t(open ? "tree.collapse" : "tree.expand", { name: row.name })}
                style={{ visibility: leaf ? "hidden" : "visible" }}
                onClick={(event) => {
                  event.stopPropagation();
                  toggle(row.id);
                }}
              >
                <Icon name="chevron" size={14} />
              </button>
              <Icon name={row.id === rootId ? "cloud" : "folder"} className="kind-folder" />
              <span className="picker-name">{row.name}</span>
              {reason && <span className="picker-reason">{reason}</span>}
            </div>
            {open && listing?.status === "loading" && (
              <div className="picker-note" style={{ paddingLeft: 34 + (row.depth + 1) * 18 }}>
                {t("common.loading")}
              </div>
            )}
            {open && listing?.status === "error" && (
              <div
                className="picker-note picker-note-error"
                style={{ paddingLeft: 34 + (row.depth + 1) * 18 }}
              >
                {listing.error}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
