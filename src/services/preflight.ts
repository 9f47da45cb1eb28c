/**
 * Before a role or an operator command starts work: is the stack there? One line a person can
 * act on, instead of kafkajs retrying for half a minute or a query failing on a missing table.
 */
import type { Config } from "../config.ts";
import { SagaError, errorMessage, unavailable } from "../errors.ts";
import { type Sql, databaseName } from "../infra/db/client.ts";
import { probeKafka } from "../infra/stack/kafka-admin.ts";

/** Postgres answers and holds the saga's schemas. */
export async function requireDatabase(sql: Sql, config: Pick<Config, "databaseUrl">): Promise<void> {
  const where = new URL(config.databaseUrl).host;
  let migrated: boolean;
  try {
    const [row] = await sql`
      SELECT to_regclass('gateway.orders') IS NOT NULL AND to_regclass('restaurant.tickets') IS NOT NULL AS ok`;
    migrated = row?.ok === true;
  } catch (err) {
    throw unavailable("Postgres", where, new Error(errorMessage(err)));
  }
  if (!migrated) {
    throw new SagaError(
      "STACK_UNAVAILABLE",
      `the database ${databaseName(config.databaseUrl)} at ${where} has no saga schema`,
      {
        hint: "run `saga-cli stack up` (it migrates and seeds) or `saga-cli db migrate`",
      },
    );
  }
}

/** A Kafka broker answers at the configured address. */
export async function requireKafka(config: Pick<Config, "kafkaBrokers">, timeoutMs = 5000): Promise<void> {
  const kafka = await probeKafka(config.kafkaBrokers, timeoutMs);
  if (!kafka.ok) throw unavailable("Kafka", config.kafkaBrokers.join(","), new Error(kafka.error));
}
