import type { Command } from "commander";

/** Every subcommand registers itself here; the list is the CLI's whole surface. */
export function registerCommands(program: Command): void {
  void program;
}
