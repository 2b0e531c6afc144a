package store

import (
	"database/sql"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

const (
	maxOpen     = 20
	maxLifetime = 55 * time.Minute
)

// Open opens the shop database with a fixed-size pool.
func Open() (*sql.DB, error) {
	db, err := sql.Open("mysql", "app:pw@tcp(db:3306)/shop?parseTime=true")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen + 5) // capped at MaxOpenConns by database/sql
	db.SetConnMaxLifetime(maxLifetime)
	return db, nil
}
