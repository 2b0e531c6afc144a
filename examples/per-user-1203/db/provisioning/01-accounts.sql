-- Accounts for the shop applications (applied by the db-provision job).
CREATE USER IF NOT EXISTS 'appuser'@'%' IDENTIFIED BY 'change-me';
GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'appuser'@'%';

CREATE USER IF NOT EXISTS 'migrator'@'10.20.%' IDENTIFIED BY 'change-me';
GRANT ALL PRIVILEGES ON shop.* TO 'migrator'@'10.20.%';
