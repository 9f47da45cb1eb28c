import { Box } from "ink";
import { type PanelView, panelRows } from "../view/panel-view.ts";
import { StyledLine } from "./StyledLine.tsx";

export interface PanelProps {
  readonly view: PanelView;
  readonly width: number;
  readonly height: number;
  readonly offset: number;
  readonly focused: boolean;
}

/** A titled panel of exactly width × height cells; the focused one has an inverted title. */
export function Panel({ view, width, height, offset, focused }: PanelProps) {
  const rows = panelRows(view, width, height, offset, focused);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      {rows.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on screen
        <StyledLine key={i} line={line} />
      ))}
    </Box>
  );
}
