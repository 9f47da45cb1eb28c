import { useApp, useInput } from "ink";
import { useState } from "react";
import { type Layout, PANEL_IDS, type PanelId, nextPanel } from "./view/layout.ts";
import { type PanelView, clampOffset } from "./view/panel-view.ts";

export type Offsets = Readonly<Record<PanelId, number>>;

const NO_OFFSETS = Object.fromEntries(PANEL_IDS.map((id) => [id, 0])) as Record<PanelId, number>;

/** How far one key press scrolls, in lines (page keys move a panel's body height). */
export function scrollStep(
  key: { upArrow: boolean; downArrow: boolean; pageUp: boolean; pageDown: boolean },
  page: number,
): number {
  if (key.upArrow) return -1;
  if (key.downArrow) return 1;
  if (key.pageUp) return -Math.max(1, page);
  if (key.pageDown) return Math.max(1, page);
  return 0;
}

/**
 * Tab presses in one read: keys typed faster than the app reads them (or sent by a script,
 * e.g. tmux send-keys) arrive as one chunk of plain text, which Ink does not split.
 */
export function tabPresses(input: string, key: { tab: boolean; shift: boolean }): number {
  if (key.tab) return key.shift ? -1 : 1;
  return /^\t+$/.test(input) ? input.length : 0;
}

/** Keys: q quits, tab / shift-tab move focus between panels, ↑/↓ and PgUp/PgDn scroll the focused one. */
export function useNavigation(panels: Readonly<Record<PanelId, PanelView>> | null, layout: Layout) {
  const { exit } = useApp();
  const [focus, setFocus] = useState<PanelId>("funnel");
  const [offsets, setOffsets] = useState<Offsets>(NO_OFFSETS);
  useInput((input, key) => {
    if (/^q+$/.test(input) || (key.ctrl && input === "c")) {
      exit();
      return;
    }
    const tabs = tabPresses(input, key);
    if (tabs !== 0) {
      setFocus((f) => nextPanel(f, tabs));
      return;
    }
    const height = layout.panels[focus].height;
    const step = scrollStep(key, height - 2);
    const view = panels?.[focus];
    if (step === 0 || !view) return;
    setOffsets((o) => ({
      ...o,
      [focus]: clampOffset(view, height, clampOffset(view, height, o[focus]) + step),
    }));
  });
  return { focus, offsets };
}
