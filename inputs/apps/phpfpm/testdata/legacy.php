<?php
$link = mysqli_connect('p:db.internal', 'shop', getenv('DB_PASSWORD'), 'shop');
// $old = new PDO($dsn, $u, $p, [PDO::ATTR_PERSISTENT => true]);
