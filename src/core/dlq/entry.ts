/**
 * The dead-letter entry: everything needed to understand and re-drive a message a consumer
 * could not handle — the original message byte for byte, where it came from, and why it failed.
 */
import { z } from "zod";

/**
 * Header on a replayed message naming the one consumer group that should handle it: a replay goes
 * back to the original topic, where every group reads it, but only the group that failed needs it.
 */
export const DLQ_TARGET_GROUP = "dlq-target-group";

export const DlqEntrySchema = z.object({
  id: z.uuid(),
  deadLetteredAt: z.string(),
  consumerGroup: z.string(),
  service: z.string(),
  errorCode: z.string(),
  errorMessage: z.string(),
  attempts: z.number().int().nonnegative(),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  orderId: z.string().nullable(),
  origin: z.object({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    timestamp: z.string(),
    key: z.string().nullable(),
    /** The original value; `valueEncoding` says how to get the bytes back. */
    value: z.string().nullable(),
    valueEncoding: z.enum(["utf8", "base64"]),
    headers: z.record(z.string(), z.string()),
  }),
});
export type DlqEntry = z.infer<typeof DlqEntrySchema>;

/** Keeps the original value as text when it is valid UTF-8, base64 otherwise. */
export function encodeValue(value: Buffer | null): {
  value: string | null;
  valueEncoding: "utf8" | "base64";
} {
  if (value === null) return { value: null, valueEncoding: "utf8" };
  const text = value.toString("utf8");
  return Buffer.from(text, "utf8").equals(value)
    ? { value: text, valueEncoding: "utf8" }
    : { value: value.toString("base64"), valueEncoding: "base64" };
}

export function decodeValue(entry: DlqEntry): Buffer | null {
  const { value, valueEncoding } = entry.origin;
  if (value === null) return null;
  return Buffer.from(value, valueEncoding);
}
