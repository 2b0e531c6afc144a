-- MariaDB style: GRANT creates the account and sets its limit
GRANT ALL ON shop.* TO 'app'@'10.0.%' IDENTIFIED BY 'x' WITH MAX_USER_CONNECTIONS 20;
GRANT USAGE ON *.* TO 'app'@'%' IDENTIFIED BY 'y';
GRANT SELECT ON shop.* TO 'app'@'%' WITH GRANT OPTION MAX_USER_CONNECTIONS 30 MAX_QUERIES_PER_HOUR 1000;
CREATE OR REPLACE USER 'tmp'@'localhost' WITH MAX_USER_CONNECTIONS 3 MAX_STATEMENT_TIME 1.5;
CREATE OR REPLACE USER 'tmp'@'localhost';
CREATE USER 'blocked'@'%' WITH MAX_USER_CONNECTIONS -1;
CREATE USER 'O''Brien'@'%', 'back\\slash'@'h\%', `b``q`@`Q.Example.COM`, 'émile'@'hôte';
