<?php
// Shared database handle for the legacy endpoints.
function db(): PDO {
    static $pdo = null;
    if ($pdo === null) {
        $pdo = new PDO(getenv('DB_DSN'), getenv('DB_USER'), getenv('DB_PASSWORD'), [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_PERSISTENT => true,
        ]);
    }
    return $pdo;
}
