/** `saga-cli gateway [--port N] [--host H]`: the HTTP gateway role (same as `run gateway`, plus --host). */
import { type Command, InvalidArgumentError } from "commander";
import { type RoleFlags, runUntilSignal } from "./run.ts";

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError("expected a port number in [0, 65535]");
  return n;
}

export function registerGatewayCommand(program: Command): void {
  program
    .command("gateway")
    .description(
      "run the HTTP gateway: POST /api/v1/orders, GET /api/v1/orders/:id, /health, /ready, /metrics",
    )
    .option("--port <n>", "listen port (env SAGA_HTTP_PORT, default 8080; 0 = any free port)", parsePort)
    .option(
      "--host <host>",
      "listen address (env SAGA_HTTP_HOST, default 127.0.0.1; 0.0.0.0 for every interface)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Set SAGA_API_KEY to require an X-API-Key header on /api/* (health, ready and metrics stay open).",
        "Stops gracefully on SIGINT/SIGTERM: finishes in-flight requests and flushes the outbox.",
        "",
        "Example:",
        "  saga-cli gateway --port 8080 &",
        "  saga-cli order place && saga-cli order get <order_id> --wait-terminal",
      ].join("\n"),
    )
    .action(async (flags: Pick<RoleFlags, "port" | "host">) => {
      await runUntilSignal(["gateway"], { port: flags.port, host: flags.host });
      process.exit(0);
    });
}
