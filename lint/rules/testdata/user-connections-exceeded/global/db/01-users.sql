CREATE USER report@'%';
