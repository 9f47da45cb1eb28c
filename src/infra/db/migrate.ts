/**
 * Numbered, append-only migrations (`deployments/postgres/migrations/NNNNNN_name.sql`), each
 * applied in its own transaction and recorded in `saga_meta.migrations`. A transaction-scoped
 * advisory lock serialises concurrent migrators (two roles starting at once).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import type { Sql } from "./client.ts";
import { EMBEDDED_MIGRATIONS, EMBEDDED_SEED } from "./embedded.ts";

export const SERVICE_SCHEMAS = ["gateway", "inventory", "payment", "restaurant"] as const;
export type ServiceSchema = (typeof SERVICE_SCHEMAS)[number];
export const META_SCHEMA = "saga_meta";

export const MIGRATIONS_DIR = join(projectRoot, "deployments", "postgres", "migrations");
export const SEED_FILE = join(projectRoot, "deployments", "postgres", "seed.sql");

const MIGRATION_NAME = /^(\d{6})_[a-z0-9_]+\.sql$/;
const LOCK_KEY = 7_140_001;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Orders migration file names by their number; rejects gaps, duplicates and stray names. */
export function orderMigrations(names: readonly string[]): { version: number; name: string }[] {
  const parsed = names
    .filter((n) => n.endsWith(".sql"))
    .map((name) => {
      const m = MIGRATION_NAME.exec(name);
      if (!m) throw new SagaError("INTERNAL", `migration file ${name} is not named NNNNNN_name.sql`);
      return { version: Number(m[1]), name };
    })
    .sort((a, b) => a.version - b.version);
  parsed.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new SagaError("INTERNAL", `migration ${m.name} is out of sequence: expected number ${i + 1}`);
    }
  });
  return parsed;
}

/** Migrations from a directory (tests hash them), or — by default — those embedded in the binary. */
export function loadMigrations(dir?: string): Migration[] {
  if (dir === undefined) {
    const byName = new Map(EMBEDDED_MIGRATIONS.map((m) => [m.name, m.sql]));
    return orderMigrations([...byName.keys()]).map((m) => ({ ...m, sql: byName.get(m.name) ?? "" }));
  }
  return orderMigrations(readdirSync(dir)).map((m) => ({
    ...m,
    sql: readFileSync(join(dir, m.name), "utf8"),
  }));
}

/** Applies every migration not yet in the ledger. Returns the names applied now. */
export async function migrate(
  sql: Sql,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<string[]> {
  await sql`CREATE SCHEMA IF NOT EXISTS saga_meta`.catch(ignoreDuplicate);
  await sql`
    CREATE TABLE IF NOT EXISTS saga_meta.migrations (
      version    int PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`.catch(ignoreDuplicate);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
      const [row] = await tx`SELECT 1 FROM saga_meta.migrations WHERE version = ${m.version}`;
      if (row) return false;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO saga_meta.migrations (version, name) VALUES (${m.version}, ${m.name})`;
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}

/** Loads the seed data; safe to run again (existing rows are kept). */
export async function seed(sql: Sql, file?: string): Promise<void> {
  const text = file === undefined ? EMBEDDED_SEED : readFileSync(file, "utf8");
  await sql.begin(async (tx) => {
    await tx.unsafe(text);
  });
}

/** Drops every service schema and the ledger (used by `stack reset` and tests). */
export async function dropSchemas(sql: Sql): Promise<void> {
  for (const s of [...SERVICE_SCHEMAS, META_SCHEMA]) {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  }
}

// Two processes racing `CREATE ... IF NOT EXISTS` can still collide on the catalog's unique index.
function ignoreDuplicate(err: unknown): void {
  const code = (err as { code?: string }).code;
  if (code !== "23505" && code !== "42P06" && code !== "42P07") throw err;
}
