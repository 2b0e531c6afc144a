CREATE USER 'app'@'%' IDENTIFIED BY 'secret';
-- conncap:ignore user-connections-exceeded the api pool is capped by the proxy in front, not here
ALTER USER 'app'@'%' WITH MAX_USER_CONNECTIONS 50;
