/**
 * The dashboard's reads of Postgres. It reads across the service schemas as an auditor (as
 * `saga-cli check` does); services never do. Every query is small and indexed or bounded by
 * the seed (restaurants), so running them once a second is cheap.
 */
import { outboxLag } from "../../core/outbox/queries.ts";
import type { Sql } from "../../infra/db/client.ts";
import { ROLE_NAMES } from "../../services/runtime.ts";
import { type FunnelCounts, type StatusCountRow, shapeFunnelCounts, shapePercentiles } from "./shape.ts";
import type { Latency, OutboxService, RestaurantLoad } from "./types.ts";

export async function queryServerVersion(sql: Sql): Promise<string> {
  const [row] = await sql`SELECT current_setting('server_version') AS version`;
  return String(row?.version ?? "?").split(" ")[0] ?? "?";
}

export async function queryFunnelCounts(sql: Sql): Promise<FunnelCounts> {
  const rows = await sql<StatusCountRow[]>`
    SELECT status, cancel_reason, count(*)::int AS count
    FROM gateway.orders
    GROUP BY status, cancel_reason`;
  return shapeFunnelCounts(rows);
}

/** Decision and completion latency percentiles over orders placed in the last `windowMs`. */
export async function queryLatency(sql: Sql, windowMs: number): Promise<Latency> {
  // percentile_cont ignores NULLs, so undecided/uncompleted orders drop out of each column.
  const [row] = await sql`
    WITH recent AS (
      SELECT extract(epoch FROM decided_at - placed_at)::float8 * 1000 AS decision,
             extract(epoch FROM completed_at - placed_at)::float8 * 1000 AS completion
      FROM gateway.orders
      WHERE placed_at > now() - ${`${windowMs} milliseconds`}::interval
    )
    SELECT count(decision)::int AS decision_n,
           percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY decision) AS decision_p,
           max(decision) AS decision_max,
           count(completion)::int AS completion_n,
           percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY completion) AS completion_p,
           max(completion) AS completion_max
    FROM recent`;
  return {
    windowMs,
    decision: shapePercentiles(row && { count: row.decision_n, p: row.decision_p, max: row.decision_max }),
    completion: shapePercentiles(
      row && { count: row.completion_n, p: row.completion_p, max: row.completion_max },
    ),
  };
}

export async function queryOutbox(sql: Sql): Promise<OutboxService[]> {
  return Promise.all(ROLE_NAMES.map((schema) => outboxLag(sql, schema)));
}

export async function queryRestaurants(sql: Sql): Promise<RestaurantLoad[]> {
  // A correlated count per restaurant uses the partial index on PREPARING tickets; a join
  // over every ticket ever made would grow with the run.
  const rows = await sql`
    SELECT r.id, r.name, r.capacity::float8 AS capacity, r.current_load::float8 AS load,
           (SELECT count(*) FROM restaurant.tickets t
             WHERE t.restaurant_id = r.id AND t.status = 'PREPARING')::int AS preparing
    FROM restaurant.restaurants r
    ORDER BY r.id`;
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    capacity: Number(r.capacity),
    load: Number(r.load),
    preparing: Number(r.preparing),
  }));
}
