CREATE USER 'app'@'%' IDENTIFIED BY 'secret';
-- capped after the 2023 incident
ALTER USER 'app'@'%' WITH MAX_USER_CONNECTIONS 50;  -- want "steady demand of 'app'@'%' is 80 \(api: 8 × 10 \(.conncap.yaml:2:5\)\) but its MAX_USER_CONNECTIONS 50 \(db/01-users.sql:3:48\): ERROR 1226"
