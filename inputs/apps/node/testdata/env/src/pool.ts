import { createPool, type Pool } from "mysql2/promise";
import { DataSource } from "typeorm";

const limit: number = parseInt(process.env.DB_POOL ?? "10", 10);

export const pool: Pool = createPool({
  uri: process.env.DATABASE_URL,
  connectionLimit: limit,
  maxIdle: 4,
  idleTimeout: 30_000,
});

export const AppDataSource = new DataSource({
  type: "mysql",
  host: process.env.DB_HOST || "localhost",
  username: "orders",
  database: "orders",
  poolSize: Number(process.env.TYPEORM_POOL || 20),
  extra: { connectionLimit: process.env.TYPEORM_LIMIT ? Number(process.env.TYPEORM_LIMIT) : undefined },
});

export const analytics = new DataSource({ type: "postgres", poolSize: 50 });
