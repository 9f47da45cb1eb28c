/**
 * The migrations and seed, embedded at build time so `dist/saga-cli` (one file) can migrate a
 * database with no checkout beside it. Add each new migration here; a unit test checks this
 * list against deployments/postgres/migrations.
 */
import m000001 from "../../../deployments/postgres/migrations/000001_schemas.sql" with { type: "text" };
import seedSql from "../../../deployments/postgres/seed.sql" with { type: "text" };

export const EMBEDDED_MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: "000001_schemas.sql", sql: m000001 },
];

export const EMBEDDED_SEED: string = seedSql;
