const mysql = require('mysql2/promise');

// One pool per process; pm2 runs several processes per pod.
const pool = mysql.createPool({
  uri: process.env.DATABASE_URL,
  connectionLimit: Number(process.env.DB_POOL_SIZE || 10),
  waitForConnections: true,
  maxIdle: 10,
  idleTimeout: 60000,
});

module.exports = pool;
