CREATE USER 'app'@'%' WITH MAX_USER_CONNECTIONS 50;  -- want "steady: 2 services share 'app'@'%' and open 70 together"
