GRANT ALL ON shop.* TO 'app'@'10.0.%' IDENTIFIED BY 'x' WITH MAX_USER_CONNECTIONS 1000;  -- want "MAX_USER_CONNECTIONS 1000 of 'app'@'10.0.%' is not below max_connections 151"
