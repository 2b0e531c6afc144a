CREATE USER 'app'@'%';
