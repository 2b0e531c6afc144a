const { Sequelize } = require("sequelize");

const url = process.env.DATABASE_URL;
const re = /\/\*not a comment\*\//g;

const sequelize = new Sequelize(url, {
  logging: false,
  pool: { max: 8 },
  replication: {
    read: [{ host: "r1" }, { host: "r2" }],
    write: { host: "w" },
  },
});

module.exports = { sequelize, re, greeting: `hello ${"world"}` };
