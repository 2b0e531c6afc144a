module.exports = {
  apps: [
    { name: "worker", script: "./worker.js", instances: 1 },
    { name: "api", script: "./dist/pool.js", instances: "max", exec_mode: "cluster" },
  ],
};
