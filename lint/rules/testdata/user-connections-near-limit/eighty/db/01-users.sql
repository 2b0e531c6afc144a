CREATE USER 'app'@'%'
  IDENTIFIED BY 'x'
  WITH MAX_USER_CONNECTIONS 50;  -- want "steady demand of 'app'@'%' is 40 of 50 \(80 %, above the 75 % threshold\)"
