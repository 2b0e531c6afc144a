package main

import (
	"database/sql"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

func main() {
	db, err := sql.Open("mysql", "orders:secret@tcp(db:3306)/orders") // want "orders's gosql pool has no upper bound"
	if err != nil {
		panic(err)
	}
	db.SetConnMaxLifetime(4 * time.Minute)
}
