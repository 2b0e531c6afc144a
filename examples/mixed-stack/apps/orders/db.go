package main

import (
	"database/sql"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

const maxOpen = 20

func openDB(dsn string) (*sql.DB, error) {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(5)
	db.SetConnMaxLifetime(4 * time.Minute)
	return db, nil
}
