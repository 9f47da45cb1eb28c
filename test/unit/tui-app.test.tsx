/** Frames of the dashboard rendered by Ink at 80×24, from fixture snapshots. */
import { afterEach, describe, expect, test } from "bun:test";
import { cleanup, render } from "ink-testing-library";
import { App, LiveApp } from "../../src/tui/app.tsx";
import type { Snapshot } from "../../src/tui/snapshot/types.ts";
import {
  emptyDlqSnapshot,
  everythingDownSnapshot,
  healthySnapshot,
  postgresDownSnapshot,
} from "./tui-fixture.ts";

const COLUMNS = 80;
const ROWS = 24;
const DOWN = "\u001B[B";
const SHIFT_TAB = "\u001B[Z";

afterEach(() => cleanup());

/** Ink renders on a later tick: poll the frame (bounded) instead of guessing a delay. */
async function until(frame: () => string, ok: (f: string) => boolean, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!ok(frame()) && Date.now() < deadline) await Bun.sleep(10);
  return frame();
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return text.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, "");
}

async function frameOf(snapshot: Snapshot | null) {
  const r = render(<App snapshot={snapshot} columns={COLUMNS} rows={ROWS} />);
  const frame = () => stripAnsi(r.lastFrame() ?? "");
  await until(frame, (f) => f.includes("q quit"));
  return { r, frame };
}

function expectFits(frame: string): void {
  const lines = frame.split("\n");
  expect(lines.length).toBeLessThanOrEqual(ROWS);
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(COLUMNS);
}

describe("dashboard frames at 80×24", () => {
  test("all up: every panel, the header and the key help", async () => {
    const { frame } = await frameOf(healthySnapshot());
    const f = frame();
    expectFits(f);
    expect(f.split("\n")).toHaveLength(ROWS);
    for (const text of [
      "pg ✓ 127.0.0.1:5432/saga",
      "redis ✓",
      "kafka ✓ 127.0.0.1:9092",
      "gateway 1 · inventory 2 · payment 1 · restaurant 0",
      "▶ Saga funnel",
      "1.2k orders",
      "12.5/s",
      "✗ out_of_stock",
      "Latency",
      "decision   38ms  95ms 411ms 1.25s",
      "Outbox lag  15 waiting",
      "restaurant   12 unpub  45.0s 2.3k sent",
      "Consumer lag  2.5k behind",
      "payment    rebalancing",
      "inventory.events/2",
      "Dead letters  2 dead-lettered",
      "POISON_MESSAGE",
      "Restaurants",
      "resto-2 ",
      "28/30",
      "q quit",
    ]) {
      expect(f).toContain(text);
    }
    expect(f).toMatch(/[▁▂▃▄▅▆▇█]{8,}/);
  });

  test("Postgres down: its panels say so, Kafka's panels keep their data", async () => {
    const { frame } = await frameOf(postgresDownSnapshot());
    const f = frame();
    expectFits(f);
    expect(f).toContain("pg ✗ 127.0.0.1:5432/saga");
    expect(f).toContain("postgres: ECONNREFUS…");
    expect(f.match(/Postgres unreachable/g)?.length).toBe(4);
    expect(f).toContain("Saga funnel  down");
    expect(f).toContain("Consumer lag  2.5k behind");
    expect(f).toContain("POISON_MESSAGE");
  });

  test("empty DLQ", async () => {
    const { frame } = await frameOf(emptyDlqSnapshot());
    const f = frame();
    expectFits(f);
    expect(f).toContain("Dead letters  empty");
    expect(f).toContain("nothing dead-lettered");
  });

  test("everything down still renders every panel", async () => {
    const { frame } = await frameOf(everythingDownSnapshot());
    const f = frame();
    expectFits(f);
    expect(f).toContain("roles unknown");
    expect(f.match(/Kafka unreachable/g)?.length).toBe(2);
    expect(f).toContain("q quit");
  });

  test("before the first snapshot", async () => {
    const { frame } = await frameOf(null);
    expect(frame()).toContain("collecting the first snapshot");
    expectFits(frame());
  });
});

test("a terminal smaller than 80×24 gets a message instead of a torn layout", async () => {
  const r = render(<App snapshot={healthySnapshot()} columns={70} rows={20} />);
  const frame = () => stripAnsi(r.lastFrame() ?? "");
  expect(await until(frame, (f) => f.includes("needs a terminal"))).toContain(
    "at least 80×24; this one is 70×20",
  );
});

describe("keys", () => {
  test("tab moves the focus; ↓ scrolls the focused panel only", async () => {
    const { r, frame } = await frameOf(healthySnapshot());
    expect(frame()).toContain("focus: Saga funnel");
    for (const next of ["Latency", "Outbox lag", "Restaurants", "Consumer lag"]) {
      r.stdin.write("\t");
      await until(frame, (f) => f.includes(`focus: ${next}`));
    }
    expect(frame()).toContain("▶ Consumer lag");
    expect(frame()).toContain("focus: Consumer lag");
    expect(frame()).not.toContain("▶ Saga funnel");
    const before = frame();
    expect(before).toMatch(/Consumer lag .* 1-4\/\d+/);
    r.stdin.write(DOWN);
    await until(frame, (f) => / 2-5\/\d+/.test(f));
    r.stdin.write(DOWN);
    expect(await until(frame, (f) => / 3-6\/\d+/.test(f))).toMatch(/Consumer lag .* 3-6\/\d+/);
    expect(frame()).toMatch(/ {2}Saga funnel {2}1\.2k orders ─+ 1-3\/4│/);
    expectFits(frame());
  });

  test("shift-tab goes backwards", async () => {
    const { r, frame } = await frameOf(healthySnapshot());
    r.stdin.write(SHIFT_TAB);
    expect(await until(frame, (f) => f.includes("▶ Dead letters"))).toContain("▶ Dead letters");
  });

  test("q quits: Ink lets go of the keyboard", async () => {
    const { r } = await frameOf(healthySnapshot());
    expect(r.stdin.listenerCount("readable")).toBeGreaterThan(0);
    r.stdin.write("q");
    const deadline = Date.now() + 3000;
    while (r.stdin.listenerCount("readable") > 0 && Date.now() < deadline) await Bun.sleep(10);
    expect(r.stdin.listenerCount("readable")).toBe(0);
  });
});

describe("live app", () => {
  test("shows each new snapshot from its source", async () => {
    let n = 0;
    const source = {
      collect: async (): Promise<Snapshot> => {
        n++;
        const s = healthySnapshot();
        return n === 1 ? s : { ...s, funnel: postgresDownSnapshot().funnel };
      },
    };
    const r = render(<LiveApp source={source} intervalMs={100} />);
    const frame = () => stripAnsi(r.lastFrame() ?? "");
    expect(await until(frame, (f) => f.includes("1.2k orders"))).toContain("1.2k orders");
    expect(await until(frame, (f) => f.includes("Saga funnel  down"))).toContain("Saga funnel  down");
    expect(n).toBeGreaterThanOrEqual(2);
  });
});
