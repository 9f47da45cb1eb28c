/**
 * HTTP plumbing for the gateway: JSON responses, the error shape, bounded body reading,
 * request ids and the API key check. No routing and no business logic here.
 *
 * Every refusal has the shape `{ "error": { "code", "message", "details" } }`.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** Bodies above this are refused with 413 while reading, whatever Content-Length claims. */
export const MAX_BODY_BYTES = 64 * 1024;

export type ApiErrorCode =
  | "INVALID_JSON"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PAYLOAD_TOO_LARGE"
  | "VALIDATION_FAILED"
  | "UNKNOWN_RESTAURANT"
  | "IDEMPOTENCY_KEY_REUSED"
  | "INVALID_IDEMPOTENCY_KEY"
  | "INVALID_ORDER_ID"
  | "ORDER_NOT_FOUND"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "UNAUTHORIZED"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL";

/** A refusal the handlers throw; the server turns it into the error response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function errorResponse(err: HttpError): Response {
  return json(
    err.status,
    { error: { code: err.code, message: err.message, details: err.details } },
    err.headers,
  );
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a fresh one. */
export function requestIdOf(req: Request): string {
  const given = req.headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Compares digests in constant time, so response timing leaks nothing about the key. */
export function checkApiKey(req: Request, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const given = req.headers.get("x-api-key");
  if (given !== null && timingSafeEqual(digest(given), digest(apiKey))) return;
  throw new HttpError(
    401,
    "UNAUTHORIZED",
    given === null ? "missing X-API-Key header" : "invalid X-API-Key",
    null,
    {
      "www-authenticate": 'ApiKey header="X-API-Key"',
    },
  );
}

/** Accepts `application/json` and `application/*+json`, with parameters (charset). */
export function requireJsonContentType(req: Request): void {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return;
  throw new HttpError(
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    type === ""
      ? "missing Content-Type: send application/json"
      : `Content-Type ${type} is not supported: send application/json`,
    { content_type: type || null },
    { accept: "application/json" },
  );
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`, {
    limit_bytes: limit,
  });
}

/** Reads the body up to `limit` bytes; stops reading (and refuses) as soon as it is exceeded. */
export async function readBodyText(req: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError(400, "INVALID_JSON", "request body is not valid UTF-8");
  }
}

export function parseJsonText(text: string): unknown {
  if (text.trim() === "")
    throw new HttpError(400, "INVALID_JSON", "request body is empty: send a JSON object");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "INVALID_JSON", "request body is not valid JSON", {
      reason: (err as Error).message,
    });
  }
}
