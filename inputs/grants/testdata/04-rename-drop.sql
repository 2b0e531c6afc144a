CREATE USER 'old'@'%' WITH MAX_USER_CONNECTIONS 12;
CREATE USER 'gone'@'%', 'keep'@'%';
RENAME USER 'old'@'%' TO 'new'@'10.%',
            'keep'@'%' TO 'report'@'%';    -- fails: report exists (01-users.sql)
DROP USER 'gone'@'%';
DROP USER IF EXISTS 'gone'@'%', 'nobody'@'%';
