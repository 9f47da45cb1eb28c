import type { Config } from "../../config.ts";
import { SagaError, errorMessage, unavailable } from "../../errors.ts";
import type { Sql } from "../../infra/db/client.ts";

/** Fails with one clear line when Postgres is down or the schema was never migrated. */
export async function requireDatabase(sql: Sql, config: Pick<Config, "databaseUrl">): Promise<void> {
  const safeUrl = config.databaseUrl.replace(/\/\/[^@/]*@/, "//");
  try {
    const [row] = await sql`SELECT to_regclass('gateway.orders') IS NOT NULL AS migrated`;
    if (!row?.migrated) {
      throw new SagaError("STACK_UNAVAILABLE", `the database at ${safeUrl} has no saga schema`, {
        hint: "run `saga-cli stack up` (or `saga-cli db migrate`) first",
      });
    }
  } catch (err) {
    if (err instanceof SagaError) throw err;
    throw unavailable("Postgres", safeUrl, new Error(errorMessage(err)));
  }
}
