import { describe, expect, test } from "bun:test";
import { childTraceparent, isTraceparent, newTraceparent, traceIdOf } from "../../src/contracts/trace.ts";

describe("trace context", () => {
  test("a new trace is a valid, sampled traceparent", () => {
    const t = newTraceparent();
    expect(isTraceparent(t)).toBe(true);
    expect(t).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  test("a child keeps the trace id and flags, with a new span id", () => {
    const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    const child = childTraceparent(parent);
    expect(traceIdOf(child)).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(child.endsWith("-00")).toBe(true);
    expect(child).not.toBe(parent);
  });

  test("missing or invalid parents start a new trace", () => {
    for (const bad of [
      undefined,
      null,
      "",
      "garbage",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    ]) {
      expect(isTraceparent(childTraceparent(bad))).toBe(true);
    }
    expect(isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).toBe(false);
  });
});
