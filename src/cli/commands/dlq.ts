import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import { type StoredDlqEntry, findEntry, listDlq, replayDlq } from "../../core/dlq/store.ts";
import { SagaError } from "../../errors.ts";
import { connectDb } from "../../infra/db/client.ts";
import { createKafka } from "../../infra/kafka.ts";
import { table } from "../output.ts";
import { requireDatabase } from "../../services/preflight.ts";

async function withClients<T>(
  fn: (c: {
    kafka: ReturnType<typeof createKafka>;
    sql: ReturnType<typeof connectDb>;
    prefix: string;
  }) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const sql = connectDb(config, { max: 2, applicationName: "saga-cli dlq" });
  try {
    await requireDatabase(sql, config);
    return await fn({ kafka: createKafka(config, "saga-cli-dlq"), sql, prefix: config.topicPrefix });
  } finally {
    await sql.end({ timeout: 2 });
  }
}

function row(e: StoredDlqEntry): string[] {
  return [
    e.entry.id.slice(0, 8),
    e.entry.deadLetteredAt.replace("T", " ").slice(0, 19),
    e.entry.service,
    `${e.entry.origin.topic}/${e.entry.origin.partition}@${e.entry.origin.offset}`,
    e.entry.eventType ?? "-",
    e.entry.errorCode,
    e.entry.errorMessage.slice(0, 60),
    e.replayedAt ? "replayed" : "",
  ];
}

export function registerDlqCommand(program: Command): void {
  const dlq = program.command("dlq").description("inspect and re-drive dead-lettered messages (dlq.events)");
  dlq
    .command("list")
    .description("list dead-lettered messages with their origin and reason")
    .option("--json", "print entries as JSON")
    .action(async (opts: { json?: boolean }) => {
      await withClients(async ({ kafka, sql, prefix }) => {
        const entries = await listDlq(kafka, sql, prefix);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        if (entries.length === 0) {
          process.stdout.write("the dead-letter queue is empty\n");
          return;
        }
        process.stdout.write(
          `${table(["ID", "WHEN", "SERVICE", "ORIGIN", "EVENT", "CODE", "REASON", ""], entries.map(row))}\n`,
        );
      });
    });
  dlq
    .command("show")
    .argument("<id>", "entry id (a unique prefix is enough)")
    .description("show one entry in full: origin, headers, original value, error")
    .action(async (id: string) => {
      await withClients(async ({ kafka, sql, prefix }) => {
        const e = findEntry(await listDlq(kafka, sql, prefix), id);
        process.stdout.write(`${JSON.stringify({ ...e.entry, replayedAt: e.replayedAt }, null, 2)}\n`);
      });
    });
  dlq
    .command("replay")
    .argument("[id]", "entry id (a unique prefix is enough)")
    .option("--all", "replay every entry not replayed yet")
    .description("re-publish entries to their original topic (same key, value, headers); marks them replayed")
    .action(async (id: string | undefined, opts: { all?: boolean }) => {
      if (!id && !opts.all)
        throw new SagaError("INVALID_INPUT", "give an entry id or --all", {
          hint: "see `saga-cli dlq list`",
        });
      await withClients(async ({ kafka, sql, prefix }) => {
        const entries = await listDlq(kafka, sql, prefix);
        const chosen = id ? [findEntry(entries, id)] : entries.filter((e) => e.replayedAt === null);
        const n = await replayDlq(kafka, sql, chosen);
        process.stdout.write(`replayed ${n} entr${n === 1 ? "y" : "ies"}\n`);
      });
    });
}
