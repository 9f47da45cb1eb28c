/** The Postgres client (postgres.js). One pool per process; roles share it. */
import postgres from "postgres";
import type { Config } from "../../config.ts";

export type Sql = postgres.Sql;
export type TxSql = postgres.TransactionSql;

export interface DbOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
}

export function connectDb(config: Pick<Config, "databaseUrl">, opts: DbOptions = {}): Sql {
  return postgres(config.databaseUrl, {
    max: opts.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    // NOTICEs (e.g. "schema already exists") are noise for a CLI.
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? "saga-cli" },
    // bigint columns (offsets, outbox ids) come back as JS numbers: they stay far below 2^53.
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number | bigint) => x.toString(),
        parse: (x: string) => Number(x),
      },
    },
  });
}

/** Replaces the database name in a connection URL (tests use throwaway databases). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, "");
  return name === "" ? "postgres" : decodeURIComponent(name);
}
