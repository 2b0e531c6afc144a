import knex from "knex";
import type { Knex } from "knex";

/* The reporting queries go through knex. */
export const db: Knex = knex({ client: "mysql2", connection: process.env.DATABASE_URL, pool: { min: 2, max: 12 } });
