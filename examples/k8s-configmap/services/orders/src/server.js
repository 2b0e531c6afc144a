const express = require('express');
const pool = require('./db');

const app = express();
app.get('/orders/:id', async (req, res) => {
  const [rows] = await pool.query('SELECT * FROM orders WHERE id = ?', [req.params.id]);
  res.json(rows[0] || null);
});
app.listen(8080);
