import { describe, expect, test } from "bun:test";
import { formatSnapshotText } from "../../src/tui/snapshot/format-text.ts";
import type { Snapshot } from "../../src/tui/snapshot/types.ts";
import { scrollStep, tabPresses } from "../../src/tui/use-navigation.ts";
import {
  formatCount,
  formatMs,
  formatRate,
  formatWindow,
  gauge,
  sparkline,
} from "../../src/tui/view/format.ts";
import { healthLine, helpLine, rolesLine } from "../../src/tui/view/header-view.ts";
import { PANEL_IDS, computeLayout, nextPanel } from "../../src/tui/view/layout.ts";
import { cells, fitLine, lineWidth, padLine, plainText, seg, wrapText } from "../../src/tui/view/line.ts";
import { clampOffset, maxOffset, panelRows } from "../../src/tui/view/panel-view.ts";
import { buildPanels } from "../../src/tui/view/panels.ts";
import {
  emptyDlqSnapshot,
  everythingDownSnapshot,
  healthySnapshot,
  postgresDownSnapshot,
} from "./tui-fixture.ts";

describe("sparkline", () => {
  test("scales to the largest value shown, newest last", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([0, 7], 2)).toBe("▁█");
  });

  test("idle is a baseline, not blank; short series are right-aligned", () => {
    expect(sparkline([0, 0, 0], 3)).toBe("▁▁▁");
    expect(sparkline([5], 4)).toBe("   █");
    expect(sparkline([], 3)).toBe("   ");
  });

  test("only the last `width` samples, a fixed max, junk values as zero", () => {
    expect(sparkline([100, 0, 7], 2)).toBe("▁█");
    expect(sparkline([7, 14], 2, 14)).toBe("▅█");
    expect(sparkline([Number.NaN, -1, 2], 3)).toBe("▁▁█");
    expect(sparkline([1, 2], 0)).toBe("");
  });
});

describe("number formats fit their columns", () => {
  test("counts", () => {
    expect([0, 999, 1234, 12_345, 999_999, 1_234_567, 98_765_432].map(formatCount)).toEqual([
      "0",
      "999",
      "1.2k",
      "12k",
      "1.0M",
      "1.2M",
      "99M",
    ]);
  });

  test("durations", () => {
    expect([0, 38.2, 999, 1250, 12_345, 65_000, 3_725_000, null].map(formatMs)).toEqual([
      "0ms",
      "38ms",
      "999ms",
      "1.25s",
      "12.3s",
      "1m05s",
      "1h02m",
      "–",
    ]);
    expect(formatWindow(300_000)).toBe("5m");
    expect(formatWindow(7_200_000)).toBe("2h");
  });

  test("rates and gauges", () => {
    expect([null, 0, 12.345, 1500].map(formatRate)).toEqual(["–/s", "0.0/s", "12.3/s", "1.5k/s"]);
    expect(gauge(0.5, 8)).toBe("████░░░░");
    expect(gauge(2, 4)).toBe("████");
    expect(gauge(Number.NaN, 3)).toBe("░░░");
  });
});

describe("lines never exceed their width", () => {
  test("fit cuts with an ellipsis; pad fills to the exact width", () => {
    const line = [seg("hello "), seg("world", "bad")];
    expect(plainText(fitLine(line, 8))).toBe("hello w…");
    expect(plainText(fitLine(line, 20))).toBe("hello world");
    expect(lineWidth(padLine(line, 20))).toBe(20);
    expect(lineWidth(padLine(line, 4))).toBe(4);
  });

  test("word wrap, capped", () => {
    expect(wrapText("Postgres unreachable: connect ECONNREFUSED 127.0.0.1:5432", 20)).toEqual([
      "Postgres",
      "unreachable: connect",
      "ECONNREFUSED",
      "127.0.0.1:5432",
    ]);
    expect(wrapText("a b c d e f", 3, 2)).toEqual(["a b", "c …"]);
  });
});

const FIXTURES: Record<string, () => Snapshot> = {
  healthy: healthySnapshot,
  "postgres down": postgresDownSnapshot,
  "empty dlq": emptyDlqSnapshot,
  "everything down": everythingDownSnapshot,
};

describe("layout", () => {
  test("80×24: two columns and every panel fit exactly", () => {
    const l = computeLayout(80, 24);
    expect(l.leftWidth + l.dividerWidth + l.rightWidth).toBe(80);
    expect(l.rows).toBe(24);
    for (const column of [0, 1] as const) {
      const heights = PANEL_IDS.filter((id) => l.panels[id].column === column).map(
        (id) => l.panels[id].height,
      );
      expect(heights.reduce((a, b) => a + b, 0)).toBe(l.bodyRows);
    }
  });

  test("a bigger terminal gives the lists more rows", () => {
    const small = computeLayout(80, 24);
    const big = computeLayout(160, 50);
    expect(big.panels.dlq.height).toBeGreaterThan(small.panels.dlq.height);
    expect(big.panels.lag.height).toBeGreaterThan(small.panels.lag.height);
    expect(big.panels.funnel.width).toBeGreaterThan(small.panels.funnel.width);
  });

  for (const [name, make] of Object.entries(FIXTURES)) {
    for (const [cols, rows] of [
      [80, 24],
      [120, 40],
    ] as const) {
      test(`${name} at ${cols}×${rows}: every panel row is exactly its width and height`, () => {
        const layout = computeLayout(cols, rows);
        const panels = buildPanels(make(), layout);
        for (const id of PANEL_IDS) {
          const { width, height } = layout.panels[id];
          for (const offset of [0, 3, 999]) {
            const out = panelRows(panels[id], width, height, offset, id === "lag");
            expect(out).toHaveLength(height);
            for (const row of out) expect(lineWidth(row)).toBe(width);
          }
        }
        const s = make();
        for (const line of [healthLine(s, cols), rolesLine(s, cols), helpLine(cols, "Consumer lag")]) {
          expect(lineWidth(line)).toBeLessThanOrEqual(cols);
        }
      });
    }
  }
});

describe("panels", () => {
  const layout = computeLayout(80, 24);

  test("scrolling is clamped to the body", () => {
    const lag = buildPanels(healthySnapshot(), layout).lag;
    const h = layout.panels.lag.height;
    expect(maxOffset(lag, h)).toBe(lag.lines.length - (h - 1 - lag.pinned.length));
    expect(clampOffset(lag, h, -5)).toBe(0);
    expect(clampOffset(lag, h, 1e9)).toBe(maxOffset(lag, h));
  });

  test("the focused title is marked and shows the scroll position", () => {
    const lag = buildPanels(healthySnapshot(), layout).lag;
    const [title] = panelRows(lag, 40, layout.panels.lag.height, 2, true);
    expect(plainText(title ?? [])).toMatch(/^▶ Consumer lag .*3-\d+\/\d+$/);
  });

  test("lagging partitions come first, with the prefix stripped", () => {
    const lag = buildPanels(healthySnapshot(), layout).lag;
    expect(plainText(lag.lines[0] ?? [])).toContain("payment");
    expect(plainText(lag.lines[0] ?? [])).toContain("inventory.events/2");
    expect(plainText(lag.lines[0] ?? [])).toContain("2.5k");
    expect(plainText(lag.lines[0] ?? [])).not.toContain("t1.");
  });

  test("a down source becomes the panel's content", () => {
    const funnel = buildPanels(postgresDownSnapshot(), layout).funnel;
    expect(funnel.summary?.text).toBe("down");
    expect(funnel.pinned.map(plainText).join(" ")).toContain("Postgres unreachable");
  });
});

describe("keys", () => {
  const none = { upArrow: false, downArrow: false, pageUp: false, pageDown: false };

  test("tab order wraps both ways", () => {
    expect(nextPanel("funnel", 1)).toBe("latency");
    expect(nextPanel("funnel", -1)).toBe("dlq");
    expect(nextPanel("dlq", 1)).toBe("funnel");
    expect(nextPanel("latency", 4)).toBe("dlq");
  });

  test("tabs typed faster than one per read still count", () => {
    expect(tabPresses("", { tab: true, shift: false })).toBe(1);
    expect(tabPresses("", { tab: true, shift: true })).toBe(-1);
    expect(tabPresses("\t\t\t", { tab: false, shift: false })).toBe(3);
    expect(tabPresses("x", { tab: false, shift: false })).toBe(0);
  });

  test("arrows move one line, pages a body", () => {
    expect(scrollStep({ ...none, downArrow: true }, 7)).toBe(1);
    expect(scrollStep({ ...none, upArrow: true }, 7)).toBe(-1);
    expect(scrollStep({ ...none, pageDown: true }, 7)).toBe(7);
    expect(scrollStep({ ...none, pageUp: true }, 0)).toBe(-1);
    expect(scrollStep(none, 7)).toBe(0);
  });
});

describe("--once text", () => {
  test("every section, in full", () => {
    const text = formatSnapshotText(healthySnapshot());
    for (const heading of [
      "STACK",
      "ROLE INSTANCES",
      "SAGA FUNNEL",
      "LATENCY",
      "OUTBOX LAG",
      "CONSUMER LAG",
      "DEAD-LETTER QUEUE",
      "RESTAURANTS",
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain("saga-inventory@127.0.0.1");
    expect(text).toContain(
      "payload failed validation: items must be a non-empty array of positive quantities",
    );
    expect(text).toContain("t1.inventory.events");
  });

  test("a down section says why", () => {
    const text = formatSnapshotText(postgresDownSnapshot());
    expect(text).toContain("postgres   DOWN");
    expect(text).toMatch(/SAGA FUNNEL\n {2}down: Postgres unreachable/);
    expect(cells(text)).toBeGreaterThan(0);
  });
});
