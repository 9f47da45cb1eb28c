#!/usr/bin/env bun
/**
 * saga-cli: one binary that runs any role of the food-delivery saga, provisions the local
 * stack, and inspects what happened. Subcommands live in ./commands, one file each.
 */
import { Command } from "commander";
import { registerCommands } from "./commands/index.ts";
import { exitWithError } from "./output.ts";

export function buildProgram(): Command {
  const program = new Command("saga-cli")
    .description(
      "Run, load, break and watch a choreographed food-delivery saga over Kafka, Postgres and Redis",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) });
  registerCommands(program);
  return program;
}

if (import.meta.main) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => exitWithError(err));
}
