/**
 * The saga's database on a running server: created when missing, migrated, seeded; and
 * emptied by `stack reset`.
 */
import postgres from "postgres";
import type { Config } from "../../config.ts";
import { errorMessage, SagaError, sqlState } from "../../errors.ts";
import { connectDb, databaseName, withDatabase } from "../db/client.ts";
import { META_SCHEMA, migrate, SERVICE_SCHEMAS, seed } from "../db/migrate.ts";

/** Every schema `stack reset` drops: the services' and the migrations ledger. */
export const RESET_SCHEMAS: readonly string[] = [...SERVICE_SCHEMAS, META_SCHEMA];

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates the database named in DATABASE_URL when it does not exist. Returns true if created. */
export async function ensureDatabase(config: Pick<Config, "databaseUrl">): Promise<boolean> {
  const name = databaseName(config.databaseUrl);
  const admin = postgres(withDatabase(config.databaseUrl, "postgres"), {
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
  });
  try {
    const [row] = await admin`SELECT 1 AS present FROM pg_database WHERE datname = ${name}`;
    if (row) return false;
    // CREATE DATABASE takes no bind parameters: the name is quoted as an identifier instead.
    await admin.unsafe(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } catch (err) {
    // Two `stack up`s racing: the other one created it.
    if (sqlState(err) === "42P04") return false;
    throw new SagaError("STACK_PROVISION_FAILED", `could not create database ${name}: ${errorMessage(err)}`, {
      cause: err,
      hint: "create it yourself (createdb) or use a DATABASE_URL whose user may CREATE DATABASE",
    });
  } finally {
    await admin.end({ timeout: 2 });
  }
}

/** Applies pending migrations and the seed. Returns the migrations applied now. */
export async function migrateAndSeed(config: Pick<Config, "databaseUrl">): Promise<string[]> {
  const sql = connectDb(config, { max: 2, applicationName: "saga-cli stack" });
  try {
    const applied = await migrate(sql);
    await seed(sql);
    return applied;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops every saga schema (data, outboxes, inboxes and the migrations ledger). */
export async function dropSchemas(config: Pick<Config, "databaseUrl">): Promise<string[]> {
  const sql = connectDb(config, { max: 1, applicationName: "saga-cli stack reset" });
  try {
    await sql.begin(async (tx) => {
      for (const schema of RESET_SCHEMAS)
        await tx.unsafe(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    });
    return [...RESET_SCHEMAS];
  } finally {
    await sql.end({ timeout: 5 });
  }
}
