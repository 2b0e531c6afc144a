CREATE USER ;
CREATE USER 'half'@'%' IDENTIFIED BY
;
ALTER USER 'appuser'@'%' WITH MAX_USER_CONNECTIONS;
ALTER USER 'appuser'@'%' WITH MAX_USER_CONNECTIONS 1.5;
GRANT SELECT ON shop.*;
CREATE USER 'a'@'%' 'b'@'%';
CREATE USER 'sp' @ 'host';
CREATE OR REPLACE USER IF NOT EXISTS 'x'@'%';
CREATE USER 'big'@'%' WITH MAX_USER_CONNECTIONS 99999999999999999999;
CREATE USER 'ok'@'%'   -- the only account this file creates; no delimiter at the end
