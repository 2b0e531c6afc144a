-- INC-2291: a runaway batch job used every connection. Cap the app account.
ALTER USER 'appuser'@'%'
  WITH MAX_USER_CONNECTIONS 50;
