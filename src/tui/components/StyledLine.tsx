import { Text } from "ink";
import type { Line, Tone } from "../view/line.ts";

const COLORS: Readonly<Record<Tone, string | undefined>> = {
  normal: undefined,
  dim: undefined,
  good: "green",
  warn: "yellow",
  bad: "red",
  accent: "cyan",
};

/** One pre-fitted line; segments keep their own colour. Never wraps: lines are already cut to width. */
export function StyledLine({ line }: { readonly line: Line }) {
  return (
    <Text wrap="truncate-end">
      {line.length === 0
        ? " "
        : line.map((s, i) => (
            <Text
              // Segments have no identity beyond their position in a line that is rebuilt each render.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={i}
              color={COLORS[s.tone ?? "normal"]}
              dimColor={s.tone === "dim"}
              bold={s.bold}
              inverse={s.inverse}
            >
              {s.text}
            </Text>
          ))}
    </Text>
  );
}
