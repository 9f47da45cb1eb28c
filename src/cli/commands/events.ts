/**
 * `saga-cli events <topic>`: what is on a topic, from the beginning — to see an order's events
 * (`--order <id>`) without a Kafka console tool. `--json` prints each message whole.
 */
import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import { ALL_TOPICS, type BaseTopic, topicName } from "../../contracts/topics.ts";
import { SagaError } from "../../errors.ts";
import { createKafka, headerStrings } from "../../infra/kafka.ts";
import { readTopicToEnd } from "../../infra/kafka-read.ts";
import { table } from "../../infra/table.ts";
import { requireKafka } from "../../services/preflight.ts";

interface EventsFlags {
  order?: string;
  json?: boolean;
  limit: string;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text ?? "");
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function registerEventsCommand(program: Command): void {
  program
    .command("events")
    .argument(
      "<topic>",
      `${ALL_TOPICS.join(" | ")} (or its short name: order, inventory, payment, restaurant, dlq)`,
    )
    .description("print the messages on a topic, oldest first (key, partition@offset, type, order)")
    .option("--order <id>", "only this order's messages (the key)")
    .option("--limit <n>", "at most the last n messages", "50")
    .option("--json", "print each message as one JSON line: key, partition, offset, headers, value")
    .action(async (topicArg: string, flags: EventsFlags) => {
      const base = (ALL_TOPICS as readonly string[]).includes(topicArg) ? topicArg : `${topicArg}.events`;
      if (!(ALL_TOPICS as readonly string[]).includes(base)) {
        throw new SagaError("INVALID_INPUT", `unknown topic "${topicArg}"`, {
          hint: `one of ${ALL_TOPICS.join(", ")}`,
        });
      }
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new SagaError("INVALID_INPUT", "--limit must be a positive integer");
      const config = loadConfig();
      await requireKafka(config);
      const topic = topicName(config.topicPrefix, base as BaseTopic);
      const all = await readTopicToEnd(createKafka(config, "saga-cli-events"), topic);
      const picked = all
        .filter((m) => !flags.order || m.message.key?.toString() === flags.order)
        .sort((a, b) => Number(a.message.timestamp) - Number(b.message.timestamp))
        .slice(-limit);
      if (flags.json) {
        for (const m of picked) {
          const value = m.message.value?.toString() ?? null;
          const headers = headerStrings(m.message.headers);
          process.stdout.write(
            `${JSON.stringify({ key: m.message.key?.toString() ?? null, partition: m.partition, offset: m.offset, headers, value: parseJson(value ?? undefined) ?? value })}\n`,
          );
        }
        return;
      }
      const rows = picked.map((m) => {
        const v = parseJson(m.message.value?.toString());
        return [
          new Date(Number(m.message.timestamp)).toISOString().slice(11, 23),
          `${m.partition}@${m.offset}`,
          String(v?.type ?? v?.errorCode ?? "(not an event)"),
          m.message.key?.toString() ?? "-",
        ];
      });
      process.stdout.write(`${topic}: ${picked.length} of ${all.length} message(s)\n`);
      if (rows.length > 0) process.stdout.write(`${table(["TIME", "AT", "TYPE", "KEY (ORDER)"], rows)}\n`);
    });
}
