/**
 * `saga-cli order place|get`: a small client for the gateway. Prints the gateway's JSON answer
 * on stdout; a refusal also gets one line on stderr and a non-zero exit.
 */
import { type Command, InvalidArgumentError } from "commander";
import { type Config, loadConfig } from "../../config.ts";
import { SagaError, errorMessage } from "../../errors.ts";
import { EXIT } from "../output.ts";

const TERMINAL = new Set(["COMPLETED", "CANCELED"]);

interface ClientFlags {
  url?: string;
  apiKey?: string;
}

interface PlaceFlags extends ClientFlags {
  restaurant: string;
  item?: Record<string, number>;
  pm: string;
  amount: number;
  currency: string;
  customer: string;
  address: string;
  idempotencyKey?: string;
}

interface GetFlags extends ClientFlags {
  waitTerminal?: boolean;
  timeout: number;
}

/** `SKU=QTY` (or just `SKU` for one) into the items map; repeated flags accumulate. */
function collectItem(raw: string, acc: Record<string, number> | undefined): Record<string, number> {
  const [sku, qty = "1"] = raw.split("=", 2);
  const n = Number(qty);
  if (!sku || !Number.isFinite(n))
    throw new InvalidArgumentError(`expected SKU=QUANTITY, e.g. BURGER_CLASSIC=2, got "${raw}"`);
  return { ...acc, [sku]: n };
}

function number(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new InvalidArgumentError("expected a number");
  return n;
}

function baseUrl(flags: ClientFlags, config: Config): string {
  if (flags.url) return flags.url.replace(/\/+$/, "");
  const host = config.httpHost === "0.0.0.0" || config.httpHost === "::" ? "127.0.0.1" : config.httpHost;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.httpPort}`;
}

async function call(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new SagaError(
      "STACK_UNAVAILABLE",
      `the gateway at ${new URL(url).origin} is unreachable: ${errorMessage(err)}`,
      {
        hint: "start it with `saga-cli gateway` (or `saga-cli run all`), or pass --url",
      },
    );
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** Prints the answer; a non-2xx also gets one line on stderr and exit code 1. */
function report(status: number, body: unknown): void {
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  if (status >= 200 && status < 300) return;
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  process.stderr.write(
    `saga-cli: the gateway answered ${status}${error ? ` ${error.code}: ${error.message}` : ""}\n`,
  );
  process.exitCode = EXIT.FAILURE;
}

function headers(
  flags: ClientFlags,
  config: Config,
  extra: Record<string, string> = {},
): Record<string, string> {
  const apiKey = flags.apiKey ?? config.apiKey;
  return { ...(apiKey ? { "x-api-key": apiKey } : {}), ...extra };
}

async function place(flags: PlaceFlags): Promise<void> {
  const config = loadConfig();
  const items = flags.item ?? { BURGER_CLASSIC: 2, FRIES_REGULAR: 1 };
  const body = {
    customer_id: flags.customer,
    restaurant_id: flags.restaurant,
    items: Object.fromEntries(Object.entries(items).map(([sku, quantity]) => [sku, { sku, quantity }])),
    pm_id: flags.pm,
    amount_cents: flags.amount,
    currency: flags.currency,
    delivery_address: flags.address,
  };
  const extra: Record<string, string> = { "content-type": "application/json" };
  if (flags.idempotencyKey !== undefined) extra["idempotency-key"] = flags.idempotencyKey;
  const res = await call(`${baseUrl(flags, config)}/api/v1/orders`, {
    method: "POST",
    headers: headers(flags, config, extra),
    body: JSON.stringify(body),
  });
  report(res.status, res.body);
}

async function get(id: string, flags: GetFlags): Promise<void> {
  const config = loadConfig();
  const url = `${baseUrl(flags, config)}/api/v1/orders/${encodeURIComponent(id)}`;
  const deadline = Date.now() + flags.timeout * 1000;
  for (;;) {
    const res = await call(url, { headers: headers(flags, config) });
    const status = (res.body as { status?: unknown } | null)?.status;
    const done = !flags.waitTerminal || res.status !== 200 || TERMINAL.has(String(status));
    if (done) return report(res.status, res.body);
    if (Date.now() >= deadline) {
      report(res.status, res.body);
      throw new SagaError("INTERNAL", `order ${id} is still ${String(status)} after ${flags.timeout}s`, {
        hint: "are all roles running? (`saga-cli run all`, `saga-cli dashboard`)",
      });
    }
    await Bun.sleep(250);
  }
}

function clientOptions(cmd: Command): Command {
  return cmd
    .option("--url <url>", "gateway base URL (default http://SAGA_HTTP_HOST:SAGA_HTTP_PORT)")
    .option("--api-key <key>", "X-API-Key to send (env SAGA_API_KEY)");
}

export function registerOrderCommand(program: Command): void {
  const order = program.command("order").description("place and inspect orders through the gateway");
  clientOptions(
    order
      .command("place")
      .description("place an order (defaults: the README's example order on resto-3)")
      .option("--restaurant <id>", "restaurant id", "resto-3")
      .option(
        "--item <sku=qty>",
        "an item line, repeatable (default BURGER_CLASSIC=2 FRIES_REGULAR=1)",
        collectItem,
      )
      .option("--pm <id>", "payment method id", "pm-111")
      .option("--amount <cents>", "amount in cents", number, 2500)
      .option("--currency <code>", "ISO currency code", "USD")
      .option("--customer <id>", "customer id", "cust-123")
      .option("--address <text>", "delivery address", "Main St 1")
      .option(
        "--idempotency-key <key>",
        "send an Idempotency-Key: a retry with the same key returns the first answer",
      ),
  ).action((flags: PlaceFlags) => place(flags));
  clientOptions(
    order
      .command("get")
      .argument("<order_id>", "the order's id (from `order place`)")
      .description("show an order: status, cancel reason, items, timestamps")
      .option("--wait-terminal", "poll until the order is COMPLETED or CANCELED")
      .option("--timeout <seconds>", "give up waiting after this long", number, 60),
  ).action((id: string, flags: GetFlags) => get(id, flags));
}
