/**
 * The gateway's Prometheus metrics. One registry per gateway instance (not prom-client's global
 * one), so several gateways in one process — tests, `run all` — never collide.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { OutboxLag } from "../../core/outbox/queries.ts";
import type { Logger } from "../../infra/log.ts";

export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  orderPlaced(): void;
  idempotentReplay(): void;
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Read on every scrape; a failure leaves the gauges at -1 rather than failing the scrape. */
  readonly outboxLag: () => Promise<OutboxLag>;
  readonly log: Logger;
  /** Process metrics (CPU, memory, event loop); off in tests to keep scrapes cheap. */
  readonly processMetrics?: boolean;
}

export function createGatewayMetrics(opts: MetricsOptions): GatewayMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: "saga_gateway_" });
  const requests = new Counter({
    name: "saga_gateway_http_requests_total",
    help: "HTTP requests answered, by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "saga_gateway_http_request_duration_seconds",
    help: "HTTP request duration, by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const placed = new Counter({
    name: "saga_gateway_orders_placed_total",
    help: "Orders accepted (202) and written with their OrderPlaced event",
    registers: [registry],
  });
  const replays = new Counter({
    name: "saga_gateway_idempotent_replays_total",
    help: "Requests answered with the stored response of an earlier request with the same Idempotency-Key",
    registers: [registry],
  });
  registerOutboxGauges(registry, opts);
  return {
    registry,
    contentType: registry.contentType,
    observeRequest: (method, route, status, seconds) => {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    orderPlaced: () => placed.inc(),
    idempotentReplay: () => replays.inc(),
    metrics: () => registry.metrics(),
  };
}

function registerOutboxGauges(registry: Registry, opts: MetricsOptions): void {
  // prom-client collects metrics concurrently: both gauges share one query per scrape.
  let pending: { at: number; lag: Promise<OutboxLag | undefined> } | undefined;
  const readLag = (): Promise<OutboxLag | undefined> => {
    if (!pending || Date.now() - pending.at > 500) {
      const lag = opts.outboxLag().catch((err: unknown) => {
        opts.log.warn("metrics: outbox lag unavailable", { error: err });
        return undefined;
      });
      pending = { at: Date.now(), lag };
    }
    return pending.lag;
  };
  const labels = { schema: "gateway" };
  new Gauge({
    name: "saga_outbox_unpublished_rows",
    help: "Outbox rows not yet published to Kafka (-1: could not be read)",
    labelNames: ["schema"] as const,
    registers: [registry],
    async collect() {
      const lag = await readLag();
      this.set(labels, lag ? lag.unpublished : -1);
    },
  });
  new Gauge({
    name: "saga_outbox_oldest_unpublished_age_seconds",
    help: "Age of the oldest unpublished outbox row (0 when none, -1: could not be read)",
    labelNames: ["schema"] as const,
    registers: [registry],
    async collect() {
      const lag = await readLag();
      this.set(labels, lag ? lag.oldestAgeMs / 1000 : -1);
    },
  });
}
