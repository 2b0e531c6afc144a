module.exports = { apps: [{ name: "api", script: "dist/main.js", instances: 4, exec_mode: "cluster" }] };
