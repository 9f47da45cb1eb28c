import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import { connectDb } from "../../infra/db/client.ts";
import { loadMigrations, migrate, seed } from "../../infra/db/migrate.ts";
import { ensureDatabase } from "../../infra/stack/database.ts";
import { parseDuration, prune } from "../../core/retention.ts";
import { SagaError, errorMessage, unavailable } from "../../errors.ts";
import { requireDatabase } from "../../services/preflight.ts";
import { table } from "../output.ts";

async function withDb<T>(fn: (sql: ReturnType<typeof connectDb>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const where = new URL(config.databaseUrl).host;
  try {
    await ensureDatabase(config);
  } catch (err) {
    throw unavailable("Postgres", where, new Error(errorMessage(err)));
  }
  const sql = connectDb(config, { max: 1, applicationName: "saga-cli db" });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export function registerDbCommand(program: Command): void {
  const db = program.command("db").description("migrate and seed the database alone (stack up does both)");
  db.command("migrate")
    .description("apply pending migrations (numbered, append-only, one transaction each)")
    .action(async () => {
      const applied = await withDb((sql) => migrate(sql));
      process.stdout.write(applied.length ? `applied ${applied.join(", ")}\n` : "already up to date\n");
    });
  db.command("seed")
    .description("load the seed restaurants, stock, prep times and payment methods (existing rows are kept)")
    .action(async () => {
      await withDb(async (sql) => {
        await migrate(sql);
        await seed(sql);
      });
      process.stdout.write("seeded\n");
    });
  db.command("prune")
    .description("delete published outbox rows, inbox rows and idempotency keys older than a window")
    .option("--older-than <duration>", "age to keep, e.g. 90s, 15m, 24h, 7d", "24h")
    .option("--dry-run", "only count what would be deleted")
    .addHelpText(
      "after",
      "\nNothing is pruned automatically. `saga-cli check` (invariant 5) then audits only the events still kept.",
    )
    .action(async (opts: { olderThan: string; dryRun?: boolean }) => {
      const ms = parseDuration(opts.olderThan);
      if (ms === undefined) {
        throw new SagaError("INVALID_INPUT", `--older-than "${opts.olderThan}" is not a duration`, {
          hint: "use a number and a unit: 90s, 15m, 24h, 7d",
        });
      }
      const counts = await withDb(async (sql) => {
        await requireDatabase(sql, loadConfig());
        return prune(sql, ms, opts.dryRun === true);
      });
      const rows = counts.map((c) => [
        c.schema,
        String(c.outbox),
        String(c.inbox),
        String(c.idempotencyKeys),
      ]);
      process.stdout.write(`${opts.dryRun ? "would delete" : "deleted"} (older than ${opts.olderThan}):\n`);
      process.stdout.write(`${table(["SCHEMA", "OUTBOX (PUBLISHED)", "INBOX", "IDEMPOTENCY KEYS"], rows)}\n`);
    });
  db.command("status")
    .description("list migrations and whether each is applied")
    .action(async () => {
      const rows = await withDb(async (sql) => {
        const [ledger] = await sql`SELECT to_regclass('saga_meta.migrations') IS NOT NULL AS ok`;
        const applied = ledger?.ok ? await sql`SELECT version, applied_at FROM saga_meta.migrations` : [];
        const at = new Map(applied.map((r) => [Number(r.version), (r.applied_at as Date).toISOString()]));
        return loadMigrations().map((m) => [m.name, at.get(m.version) ?? "pending"]);
      });
      process.stdout.write(`${table(["MIGRATION", "APPLIED"], rows)}\n`);
    });
}
