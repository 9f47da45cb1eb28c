import { Box, Text } from "ink";
import type { Snapshot } from "../snapshot/types.ts";
import { healthLine, helpLine, rolesLine } from "../view/header-view.ts";
import { type Layout, MIN_COLUMNS, MIN_ROWS, PANEL_IDS, type PanelId } from "../view/layout.ts";
import type { PanelView } from "../view/panel-view.ts";
import { Panel } from "./Panel.tsx";
import { StyledLine } from "./StyledLine.tsx";

export interface DashboardProps {
  readonly snapshot: Snapshot | null;
  readonly panels: Readonly<Record<PanelId, PanelView>> | null;
  readonly layout: Layout;
  readonly focus: PanelId;
  readonly offsets: Readonly<Record<PanelId, number>>;
  /** The real terminal size (the layout never goes below its minimum). */
  readonly terminal: { readonly columns: number; readonly rows: number };
}

function Column({ ids, props }: { readonly ids: readonly PanelId[]; readonly props: DashboardProps }) {
  const { panels, layout, focus, offsets } = props;
  if (!panels) return null;
  return (
    <Box flexDirection="column" flexShrink={0}>
      {ids.map((id) => (
        <Panel
          key={id}
          view={panels[id]}
          width={layout.panels[id].width}
          height={layout.panels[id].height}
          offset={offsets[id]}
          focused={focus === id}
        />
      ))}
    </Box>
  );
}

/** Below 80×24 the panels would be cut mid-line or pushed off screen: say so instead. */
function TooSmall({ columns, rows }: { readonly columns: number; readonly rows: number }) {
  return (
    <Box flexDirection="column">
      <Text color="yellow">
        saga-cli dashboard needs a terminal of at least {MIN_COLUMNS}×{MIN_ROWS}; this one is {columns}×{rows}
        .
      </Text>
      <Text dimColor>Enlarge it (or use `saga-cli dashboard --once`). q quits.</Text>
    </Box>
  );
}

/** The whole screen for one snapshot: header, two columns of panels, key help. */
export function Dashboard(props: DashboardProps) {
  const { snapshot, panels, layout, focus } = props;
  if (props.terminal.columns < MIN_COLUMNS || props.terminal.rows < MIN_ROWS)
    return <TooSmall {...props.terminal} />;
  const left = PANEL_IDS.filter((id) => layout.panels[id].column === 0);
  const right = PANEL_IDS.filter((id) => layout.panels[id].column === 1);
  const focusTitle = panels?.[focus].title ?? focus;
  return (
    <Box flexDirection="column" width={layout.columns} height={layout.rows}>
      {snapshot ? (
        <>
          <StyledLine line={healthLine(snapshot, layout.columns)} />
          <StyledLine line={rolesLine(snapshot, layout.columns)} />
        </>
      ) : (
        <>
          <Text> saga-cli dashboard</Text>
          <Text dimColor> collecting the first snapshot…</Text>
        </>
      )}
      <Box flexDirection="row" height={layout.bodyRows}>
        <Column ids={left} props={props} />
        <Box width={layout.dividerWidth} flexShrink={0}>
          <Text dimColor>{Array.from({ length: layout.bodyRows }, () => "│").join("\n")}</Text>
        </Box>
        <Column ids={right} props={props} />
      </Box>
      <StyledLine line={helpLine(layout.columns, focusTitle)} />
    </Box>
  );
}
