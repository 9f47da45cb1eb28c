/**
 * A screen line as styled segments. Panels build lines with pure functions and fit them to
 * their width here, so a line never wraps (wrapping would push every panel below it down)
 * and the 80-column layout can be checked without a terminal.
 */
export type Tone = "normal" | "dim" | "good" | "warn" | "bad" | "accent";

export interface Segment {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

export type Line = readonly Segment[];

export function seg(
  text: string,
  tone: Tone = "normal",
  style: { bold?: boolean; inverse?: boolean } = {},
): Segment {
  return { text, tone, ...style };
}

/** Terminal cells of a string. Everything we print (ASCII, box and block elements) is one cell per code point. */
export function cells(text: string): number {
  return [...text].length;
}

export function lineWidth(line: Line): number {
  return line.reduce((sum, s) => sum + cells(s.text), 0);
}

export function plainText(line: Line): string {
  return line.map((s) => s.text).join("");
}

/** Cuts a line to `width` cells, ending in "…" when something was cut. */
export function fitLine(line: Line, width: number): Line {
  if (width <= 0) return [];
  if (lineWidth(line) <= width) return line;
  const out: Segment[] = [];
  let left = width - 1;
  for (const s of line) {
    if (left <= 0) break;
    const chars = [...s.text];
    const text = chars.slice(0, left).join("");
    out.push({ ...s, text });
    left -= cells(text);
  }
  const last = out[out.length - 1];
  out.push({ ...(last ?? {}), text: "…" });
  return out;
}

/** Fits to `width` and pads with spaces (in the last segment's style) to exactly `width`. */
export function padLine(line: Line, width: number): Line {
  const fitted = fitLine(line, width);
  const gap = width - lineWidth(fitted);
  if (gap <= 0) return fitted;
  const last = fitted[fitted.length - 1];
  return [...fitted, { ...(last?.inverse ? last : {}), text: " ".repeat(gap) }];
}

/** Word-wraps text to lines of at most `width` cells (long words are cut). */
export function wrapText(text: string, width: number, maxLines = Number.POSITIVE_INFINITY): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (cells(candidate) <= width) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = cells(word) <= width ? word : [...word].slice(0, width).join("");
  }
  if (current) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const lastKept = kept[maxLines - 1] ?? "";
  kept[maxLines - 1] = `${[...lastKept].slice(0, Math.max(0, width - 1)).join("")}…`;
  return kept;
}

export function padEnd(text: string, width: number): string {
  const n = cells(text);
  return n >= width ? [...text].slice(0, width).join("") : text + " ".repeat(width - n);
}

export function padStart(text: string, width: number): string {
  const n = cells(text);
  return n >= width ? [...text].slice(0, width).join("") : " ".repeat(width - n) + text;
}
