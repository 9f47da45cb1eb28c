import { type Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../../config.ts";
import { connectDb } from "../../infra/db/client.ts";
import { type InvariantResult, auditInvariants } from "../../services/audit/invariants.ts";
import { waitForQuiet } from "../../services/audit/wait.ts";
import { EXIT } from "../output.ts";
import { requireDatabase } from "../../services/preflight.ts";

export function formatReport(results: readonly InvariantResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const counts = Object.entries(r.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    lines.push(`${r.ok ? "✓" : "✗"} ${r.id}. ${r.name}  (${counts})`);
    for (const o of r.offenders) lines.push(`    - ${o}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed === 0 ? "all invariants hold" : `${failed} invariant(s) violated`);
  return lines.join("\n");
}

function seconds(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 3600)
    throw new InvalidArgumentError("expected seconds in [0, 3600]");
  return n;
}

export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("audit the saga invariants over the databases; exit 0 only when all hold")
    .option("--wait [seconds]", "first wait (bounded, default 60 s) for the system to go quiet", seconds)
    .option("--json", "print the results as JSON")
    .addHelpText(
      "after",
      "\nInvariants: 1 every order terminal · 2 stock conserved · 3 money (one auth, voids, auth = accepted)\n            4 restaurant capacity · 5 no event lost (outbox published, every consumer handled it)\nExit codes: 0 all hold, 4 a violation, 3 database unreachable.",
    )
    .action(async (opts: { wait?: number | true; json?: boolean }) => {
      const config = loadConfig();
      const sql = connectDb(config, { max: 2, applicationName: "saga-cli check" });
      try {
        await requireDatabase(sql, config);
        if (opts.wait !== undefined) {
          const timeoutMs = (opts.wait === true ? 60 : opts.wait) * 1000;
          const q = await waitForQuiet(sql, timeoutMs, {
            onProgress: (a) => {
              // A live line only on a terminal; logs and pipes get the outcome alone.
              if (!opts.json && process.stderr.isTTY) {
                process.stderr.write(
                  `\rwaiting for quiet: ${a.open} open, ${a.unpublished} unpublished, ${a.preparing} preparing   `,
                );
              }
            },
          });
          if (!opts.json) {
            const outcome = q.quiet
              ? `quiet after ${(q.waitedMs / 1000).toFixed(1)}s`
              : `still busy after ${(q.waitedMs / 1000).toFixed(0)}s (${q.last.open} open, ${q.last.unpublished} unpublished, ${q.last.preparing} preparing); checking anyway`;
            process.stderr.write(`${process.stderr.isTTY ? "\r" : ""}${outcome}${" ".repeat(20)}\n`);
          }
        }
        const results = await auditInvariants(sql);
        process.stdout.write(
          `${opts.json ? JSON.stringify({ ok: results.every((r) => r.ok), results }, null, 2) : formatReport(results)}\n`,
        );
        const allOk = results.every((r) => r.ok);
        if (!allOk && opts.wait === undefined && !opts.json) {
          // Orders in flight and events not yet consumed look like violations until the saga settles.
          process.stderr.write(
            "  (checked without waiting: if roles are still working, run `saga-cli check --wait`)\n",
          );
        }
        process.exitCode = allOk ? EXIT.OK : EXIT.CHECK_FAILED;
      } finally {
        await sql.end({ timeout: 2 });
      }
    });
}
