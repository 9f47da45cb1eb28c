/**
 * A panel as data: a title, pinned lines that never scroll (e.g. per-group totals) and a
 * scrolling body. `panelRows` turns it into exactly `height` rows of exactly `width` cells.
 */
import { type Line, type Segment, type Tone, lineWidth, padLine, seg, wrapText } from "./line.ts";

export interface PanelView {
  readonly title: string;
  /** Shown after the title, e.g. a total. */
  readonly summary?: Segment;
  readonly pinned: readonly Line[];
  readonly lines: readonly Line[];
}

/** Rows of the scrolling body that fit under the title and the pinned lines. */
export function bodyRows(view: PanelView, height: number): number {
  return Math.max(0, height - 1 - view.pinned.length);
}

/** The largest useful scroll offset: the last body line sits on the last row. */
export function maxOffset(view: PanelView, height: number): number {
  return Math.max(0, view.lines.length - bodyRows(view, height));
}

export function clampOffset(view: PanelView, height: number, offset: number): number {
  return Math.min(maxOffset(view, height), Math.max(0, Math.floor(offset)));
}

function titleRow(view: PanelView, width: number, focused: boolean, position: string): Line {
  const marker = focused ? "▶ " : "  ";
  const left: Segment[] = [
    seg(`${marker}${view.title}`, focused ? "accent" : "normal", { bold: true, inverse: focused }),
  ];
  if (view.summary)
    left.push(seg("  ", focused ? "accent" : "normal", { inverse: focused }), {
      ...view.summary,
      inverse: focused,
    });
  const tail = position ? ` ${position}` : "";
  const room = width - lineWidth(left) - tail.length - 1;
  const filler = seg(` ${"─".repeat(Math.max(0, room))}${tail}`, focused ? "accent" : "dim", {
    inverse: focused,
  });
  return padLine([...left, filler], width);
}

/** Exactly `height` rows, each exactly `width` cells: title, pinned lines, the visible body window. */
export function panelRows(
  view: PanelView,
  width: number,
  height: number,
  offset: number,
  focused: boolean,
): Line[] {
  const rows = bodyRows(view, height);
  const start = clampOffset(view, height, offset);
  const visible = view.lines.slice(start, start + rows);
  const overflow = view.lines.length > rows;
  const position = overflow ? `${start + 1}-${start + visible.length}/${view.lines.length}` : "";
  const out: Line[] = [titleRow(view, width, focused, position)];
  for (const line of [...view.pinned, ...visible].slice(0, Math.max(0, height - 1)))
    out.push(padLine(line, width));
  while (out.length < height) out.push(padLine([], width));
  return out.slice(0, height);
}

/** An error as panel lines, wrapped to the width. */
export function errorLines(error: string, width: number, tone: Tone = "bad"): Line[] {
  return wrapText(error, Math.max(1, width - 1), 4).map((text) => [seg(` ${text}`, tone)]);
}

/** A panel that shows only why its source is unreachable. */
export function downPanel(title: string, error: string, width: number): PanelView {
  return { title, summary: seg("down", "bad", { bold: true }), pinned: errorLines(error, width), lines: [] };
}
