/**
 * The dashboard's one data type. A `Snapshot` is what `saga-cli dashboard --once --json`
 * prints and what every panel renders; it is plain JSON (strings, numbers, arrays).
 *
 * Terminology:
 * - probe: is a stack component (Postgres, Redis, Kafka) answering, and where it was asked.
 * - section: one panel's data. A section whose source is unreachable carries `ok: false` and
 *   the error instead of data, so one dead component never hides the others.
 * - rates: per-second deltas of the funnel totals between two collections (null on the first).
 * - history: the last rates, oldest first, for sparklines.
 */
import type { OrderStatus } from "../../domain/order-status.ts";
import type { RoleName } from "../../services/runtime.ts";

export type Section<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: string };

export interface Probe {
  readonly up: boolean;
  /** Where it was asked (host:port, credentials removed). */
  readonly address: string;
  /** A short fact when up: the server version, the broker count. */
  readonly detail: string | null;
  readonly error: string | null;
  /** Round trip of the probe when up. */
  readonly latencyMs: number | null;
}

export interface StackHealth {
  readonly postgres: Probe;
  readonly redis: Probe;
  readonly kafka: Probe;
}

export interface RoleInstance {
  readonly clientId: string;
  readonly host: string;
}

/** A role's consumer group: every live instance of the role is one member. */
export interface RoleGroup {
  readonly role: RoleName;
  readonly groupId: string;
  /** Kafka's group state: Stable, PreparingRebalance, Empty, Dead, … */
  readonly state: string;
  readonly members: number;
  readonly instances: readonly RoleInstance[];
}

export interface FunnelTotals {
  readonly placed: number;
  readonly completed: number;
  readonly canceled: number;
  /** Not terminal yet: PENDING + RESERVED + AUTHORIZED + ACCEPTED. */
  readonly open: number;
}

export type RateKey = "placed" | "completed" | "canceled";
export type FunnelRates = Readonly<Record<RateKey, number>>;
export type FunnelHistory = Readonly<Record<RateKey, readonly number[]>>;

export interface Funnel {
  readonly byStatus: Readonly<Record<OrderStatus, number>>;
  readonly totals: FunnelTotals;
  /** Most frequent first. */
  readonly cancelReasons: readonly { readonly reason: string; readonly count: number }[];
  /** Orders per second since the previous collection; null on the first one. */
  readonly rates: FunnelRates | null;
  readonly history: FunnelHistory;
}

/** Milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface Latency {
  /** Over orders placed in this window before `takenAt`. */
  readonly windowMs: number;
  /** placed → decided (accepted or canceled); null when no order in the window was decided. */
  readonly decision: Percentiles | null;
  /** placed → completed; null when none completed. */
  readonly completion: Percentiles | null;
}

export interface OutboxService {
  readonly schema: string;
  readonly unpublished: number;
  readonly oldestAgeMs: number;
  readonly published: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset; null when it never committed on this partition. */
  readonly committed: number | null;
  readonly high: number;
  readonly lag: number;
}

export interface GroupLag {
  readonly role: RoleName;
  readonly groupId: string;
  readonly total: number;
  /** Every input partition, worst first. */
  readonly partitions: readonly PartitionLag[];
}

export interface DlqLatest {
  readonly id: string;
  readonly at: string;
  readonly service: string;
  readonly errorCode: string;
  readonly reason: string;
  readonly originTopic: string;
  readonly eventType: string | null;
  readonly orderId: string | null;
}

export interface DlqData {
  /** Messages retained on dlq.events (Σ high − low over its partitions). */
  readonly total: number;
  /** Newest first; from a live reader of dlq.events. */
  readonly latest: readonly DlqLatest[];
  /** Why `latest` may be incomplete: the reader is still starting, or failed (it retries). */
  readonly readerError: string | null;
}

export interface RestaurantLoad {
  readonly id: string;
  readonly name: string;
  readonly capacity: number;
  readonly load: number;
  readonly preparing: number;
}

export interface Snapshot {
  readonly version: 1;
  readonly takenAt: string;
  /** How long this collection took. */
  readonly collectMs: number;
  readonly topicPrefix: string;
  readonly health: StackHealth;
  readonly roles: Section<{ readonly groups: readonly RoleGroup[] }>;
  readonly funnel: Section<Funnel>;
  readonly latency: Section<Latency>;
  readonly outbox: Section<{ readonly services: readonly OutboxService[] }>;
  readonly consumerLag: Section<{ readonly groups: readonly GroupLag[] }>;
  readonly dlq: Section<DlqData>;
  readonly restaurants: Section<{ readonly restaurants: readonly RestaurantLoad[] }>;
}
