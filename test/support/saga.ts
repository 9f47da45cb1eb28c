/** Driving the saga in tests: place orders over HTTP, wait for outcomes, wait for consumers. */
import type { Config } from "../../src/config.ts";
import { topicName } from "../../src/contracts/topics.ts";
import { createKafka } from "../../src/infra/kafka.ts";
import { ROLE_INPUTS, ROLE_NAMES, groupId } from "../../src/services/runtime.ts";
import { waitFor } from "./stack.ts";

export interface OrderBody {
  customer_id: string;
  restaurant_id: string;
  items: { sku: string; quantity: number }[];
  pm_id: string;
  amount_cents: number;
  currency: string;
  delivery_address: string;
}

export interface Order {
  id: string;
  status: string;
  cancel_reason: string | null;
  cancel_detail: string | null;
  eta_minutes: number | null;
  reserved_at: string | null;
  authorized_at: string | null;
  accepted_at: string | null;
  decided_at: string | null;
  completed_at: string | null;
}

/** The README's example order (resto-3, two classic burgers and fries, pm-111), with overrides. */
export function exampleOrder(overrides: Partial<OrderBody> = {}): OrderBody {
  return {
    customer_id: "cust-123",
    restaurant_id: "resto-3",
    items: [
      { sku: "BURGER_CLASSIC", quantity: 2 },
      { sku: "FRIES_REGULAR", quantity: 1 },
    ],
    pm_id: "pm-111",
    amount_cents: 2500,
    currency: "USD",
    delivery_address: "Main St 1",
    ...overrides,
  };
}

export async function placeOrder(base: string, body: OrderBody): Promise<string> {
  const res = await fetch(`${base}/api/v1/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { order_id?: string };
  if (res.status !== 202 || !json.order_id)
    throw new Error(`POST /api/v1/orders → ${res.status} ${JSON.stringify(json)}`);
  return json.order_id;
}

export async function getOrder(base: string, id: string): Promise<Order> {
  const res = await fetch(`${base}/api/v1/orders/${id}`);
  if (res.status !== 200) throw new Error(`GET order ${id} → ${res.status}`);
  return (await res.json()) as Order;
}

/** Polls the order until it is terminal (or `until` holds). */
export function waitTerminal(
  base: string,
  id: string,
  opts: { until?: (o: Order) => boolean; timeoutMs?: number } = {},
): Promise<Order> {
  const done = opts.until ?? ((o: Order) => o.status === "COMPLETED" || o.status === "CANCELED");
  return waitFor(
    async () => {
      const o = await getOrder(base, id);
      return done(o) ? o : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: 50, what: `order ${id}` },
  );
}

/** Waits until every service's consumer group has committed up to the end of each of its topics. */
export async function waitConsumed(config: Config, timeoutMs = 30_000): Promise<void> {
  const admin = createKafka(config, "test-lag").admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        for (const role of ROLE_NAMES) {
          const topics = ROLE_INPUTS[role];
          for (const base of topics) {
            const topic = topicName(config.topicPrefix, base);
            const ends = await admin.fetchTopicOffsets(topic);
            const [committed] = await admin.fetchOffsets({
              groupId: groupId(config, role),
              topics: [topic],
            });
            for (const end of ends) {
              const c = committed?.partitions.find((p) => p.partition === end.partition);
              const at = c && c.offset !== "-1" ? BigInt(c.offset) : BigInt(end.low);
              if (at < BigInt(end.high)) return false;
            }
          }
        }
        return true;
      },
      { timeoutMs, intervalMs: 200, what: "consumer groups to catch up" },
    );
  } finally {
    await admin.disconnect();
  }
}
