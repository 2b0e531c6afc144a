// Shared MySQL pool for the legacy handlers.
const mysql = require("mysql2");

const pool = mysql.createPool({ host: "db", database: "shop", connectionLimit: 25 });

module.exports = pool.promise();
