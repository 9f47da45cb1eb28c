import type { Command } from "commander";
import { registerCheckCommand } from "./check.ts";
import { registerDashboardCommand } from "./dashboard.ts";
import { registerDbCommand } from "./db.ts";
import { registerDlqCommand } from "./dlq.ts";
import { registerEventsCommand } from "./events.ts";
import { registerGatewayCommand } from "./gateway.ts";
import { registerOrderCommand } from "./order.ts";
import { registerRunCommand } from "./run.ts";
import { registerStackCommand } from "./stack.ts";
import { registerUpCommand } from "./up.ts";

/** Every subcommand registers itself here; the list is the CLI's whole surface. */
export function registerCommands(program: Command): void {
  void program;
  registerUpCommand(program);
  registerStackCommand(program);
  registerRunCommand(program);
  registerCheckCommand(program);
  registerDlqCommand(program);
  registerEventsCommand(program);
  registerDbCommand(program);
  registerGatewayCommand(program);
  registerOrderCommand(program);
  registerDashboardCommand(program);
}
