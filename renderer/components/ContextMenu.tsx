/**
 * A context menu at a point: arrow keys move between its items, Enter picks one, and Escape, a click
 * elsewhere or scrolling away closes it. Focus goes back to where it was.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { Icon, type IconName } from "./Icon.tsx";

export interface MenuItem {
  label: string;
  icon?: IconName;
  disabled?: boolean;
  onSelect(): void;
}

export interface MenuAt {
  x: number;
  y: number;
  /** Names the menu for assistive technology, e.g. "Actions for report.xlsx". */
  label: string;
  items: MenuItem[];
}

/** Keeps the menu inside the window. */
const MARGIN = 8;

export function ContextMenu({ menu, onClose }: { menu: MenuAt; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: menu.x, top: menu.y });

  useLayoutEffect(() => {
    const box = ref.current?.getBoundingClientRect();
    if (!box) return;
    setPosition({
      left: Math.max(MARGIN, Math.min(menu.x, window.innerWidth - box.width - MARGIN)),
      top: Math.max(MARGIN, Math.min(menu.y, window.innerHeight - box.height - MARGIN)),
    });
  }, [menu.x, menu.y]);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([disabled])')?.focus();
    const away = (event: Event) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("mousedown", away, true);
    document.addEventListener("scroll", away, true);
    window.addEventListener("blur", onClose);
    window.addEventListener("resize", onClose);
    return () => {
      document.removeEventListener("mousedown", away, true);
      document.removeEventListener("scroll", away, true);
      window.removeEventListener("blur", onClose);
      window.removeEventListener("resize", onClose);
      opener?.focus?.({ preventScroll: true });
    };
  }, [onClose]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const items = Array.from(
      ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? [],
    );
    const at = items.indexOf(document.activeElement as HTMLElement);
    const focus = (index: number) => items[(index + items.length) % items.length]?.focus();
    switch (event.key) {
      case "Escape":
      case "Tab":
        onClose();
        break;
      case "ArrowDown":
        focus(at + 1);
        break;
      case "ArrowUp":
        focus(at - 1);
        break;
      case "Home":
        focus(0);
        break;
      case "End":
        focus(items.length - 1);
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={menu.label}
      style={position}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => event.preventDefault()}
    >
      {menu.items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          className="menu-item"
          disabled={item.disabled}
          tabIndex={-1}
          onClick={() => {
            onClose();
            item.onSelect();
          }}
        >
          {item.icon ? <Icon name={item.icon} size={16} /> : <span className="menu-icon-space" />}
          {item.label}
        </button>
      ))}
    </div>
  );
}
