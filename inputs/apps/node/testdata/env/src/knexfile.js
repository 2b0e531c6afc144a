// Update with your config settings.
module.exports = {
  development: {
    client: "sqlite3",
    connection: { filename: "./dev.sqlite3" },
  },
  production: {
    client: "mysql2",
    connection: { host: process.env.DB_HOST, user: "knex", database: "orders" },
    pool: { min: 0, max: +(process.env.KNEX_POOL_MAX || 16) },
  },
};
