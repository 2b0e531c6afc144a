-- Provisioning for the shop database (docker-entrypoint-initdb.d).
-- conncap:ignore account-limit-missing the report account is capped by ProxySQL
CREATE DATABASE IF NOT EXISTS shop;
USE shop;

CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  note VARCHAR(200) DEFAULT 'CREATE USER ''fake''@''%'';'
);
INSERT INTO orders VALUES (1, "GRANT ALL ON *.* TO evil; -- not a comment");

CREATE USER 'appuser'@'%' IDENTIFIED BY 'pa;ss#--word';
GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'appuser'@'%';
ALTER USER 'appuser'@'%' WITH MAX_USER_CONNECTIONS 50;

# several accounts in one statement, over several lines
CREATE USER IF NOT EXISTS
    'report'@'%',
    report@LocalHost,          -- the host is stored lowercased
    "batch"@"10.1.%" IDENTIFIED BY 'b'
  WITH MAX_USER_CONNECTIONS 5
       MAX_CONNECTIONS_PER_HOUR 100;
CREATE USER IF NOT EXISTS 'appuser'@'%' WITH MAX_USER_CONNECTIONS 1;
ALTER USER IF EXISTS 'ghost'@'%', 'report'@'%' WITH MAX_USER_CONNECTIONS 8;
