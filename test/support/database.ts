/**
 * Throwaway Postgres databases for integration tests.
 *
 * Fast path: the migrations and the seed are applied once to a template database whose name
 * carries a hash of those files (`saga_test_template_<hash>`); each test database is a
 * `CREATE DATABASE … TEMPLATE` copy of it (tens of ms). A change to any migration or to the
 * seed gives a new hash, hence a fresh template; stale templates are dropped.
 *
 * Concurrency: test files run in parallel processes. Building the template and cloning it
 * happen under one session-level advisory lock held on a single admin connection, so two
 * processes never build the same template twice, and nobody is connected to the template
 * while it is cloned (Postgres refuses to copy a database that has other sessions).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { type Sql, connectDb, withDatabase } from "../../src/infra/db/client.ts";
import { MIGRATIONS_DIR, SEED_FILE, loadMigrations, migrate, seed } from "../../src/infra/db/migrate.ts";

/** The server tests use: DATABASE_URL's server (database name ignored), else the local stack's. */
export function testServerUrl(): string {
  return process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/saga";
}

const TEMPLATE_PREFIX = "saga_test_template_";
const TEMPLATE_LOCK: readonly [number, number] = [7140, 9001];

export interface TestDatabase {
  /** Connection URL of the throwaway database. */
  readonly url: string;
  /** Its name, `saga_test_<random>`. */
  readonly name: string;
  /** A pool on it (closed by `drop`). */
  readonly sql: Sql;
  /** Closes the pool and drops the database (forcefully: stray sessions are cut). */
  drop(): Promise<void>;
}

export function randomId(bytes = 6): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/** A hash of everything that defines the template's contents. */
export function templateName(): string {
  const h = createHash("sha256");
  for (const m of loadMigrations(MIGRATIONS_DIR)) h.update(m.name).update("\0").update(m.sql).update("\0");
  h.update(readFileSync(SEED_FILE));
  h.update(readFileSync(join(import.meta.dir, "database.ts")));
  return `${TEMPLATE_PREFIX}${h.digest("hex").slice(0, 16)}`;
}

function adminConnection(): Sql {
  // max 1: the advisory lock is held by the session, so every statement must use that session.
  return postgres(withDatabase(testServerUrl(), "postgres"), {
    max: 1,
    onnotice: () => {},
    connect_timeout: 5,
  });
}

function ident(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing a suspicious database name: ${name}`);
  return `"${name}"`;
}

async function exists(admin: Sql, name: string): Promise<boolean> {
  const rows = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
  return rows.length > 0;
}

async function buildTemplate(admin: Sql, template: string): Promise<void> {
  const build = `${template}_build`;
  // A crashed earlier build leaves a half-made database behind: start over.
  await admin.unsafe(`DROP DATABASE IF EXISTS ${ident(build)} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${ident(build)}`);
  const sql = connectDb(
    { databaseUrl: withDatabase(testServerUrl(), build) },
    { max: 1, applicationName: "saga-test-template" },
  );
  try {
    await migrate(sql);
    await seed(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
  // The final name appears only when the template is complete.
  await admin.unsafe(`ALTER DATABASE ${ident(build)} RENAME TO ${ident(template)}`);
  await admin.unsafe(`ALTER DATABASE ${ident(template)} WITH IS_TEMPLATE true`);
}

async function dropStaleTemplates(admin: Sql, keep: string): Promise<void> {
  const rows = await admin`
    SELECT datname FROM pg_database
    WHERE datname LIKE ${`${TEMPLATE_PREFIX}%`} AND datname <> ${keep} AND datname <> ${`${keep}_build`}`;
  for (const row of rows) {
    const name = String(row.datname);
    await admin
      .unsafe(`ALTER DATABASE ${ident(name)} WITH IS_TEMPLATE false`)
      .then(() => admin.unsafe(`DROP DATABASE IF EXISTS ${ident(name)}`))
      .catch(() => {}); // in use by another checkout's run: leave it
  }
}

/** Creates `saga_test_<random>`: migrated and seeded, isolated from every other test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = templateName();
  const name = `saga_test_${randomId()}`;
  const admin = adminConnection();
  try {
    await admin`SELECT pg_advisory_lock(${TEMPLATE_LOCK[0]}, ${TEMPLATE_LOCK[1]})`;
    try {
      if (!(await exists(admin, template))) {
        await buildTemplate(admin, template);
        await dropStaleTemplates(admin, template);
      }
      await admin.unsafe(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`);
    } finally {
      await admin`SELECT pg_advisory_unlock(${TEMPLATE_LOCK[0]}, ${TEMPLATE_LOCK[1]})`.catch(() => {});
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(testServerUrl(), name);
  const sql = connectDb({ databaseUrl: url }, { max: 10, applicationName: "saga-test" });
  let dropped = false;
  return {
    url,
    name,
    sql,
    async drop() {
      if (dropped) return;
      dropped = true;
      await sql.end({ timeout: 5 });
      await dropTestDatabase(name);
    },
  };
}

/** Drops a test database by name (sessions still on it are terminated). */
export async function dropTestDatabase(name: string): Promise<void> {
  if (!name.startsWith("saga_test_") || name.startsWith(TEMPLATE_PREFIX)) {
    throw new Error(`refusing to drop ${name}: not a test database`);
  }
  const admin = adminConnection();
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
