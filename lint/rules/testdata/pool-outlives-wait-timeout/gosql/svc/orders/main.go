package main

import (
	"database/sql"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

func main() {
	db, err := sql.Open("mysql", "orders:secret@tcp(db:3306)/orders")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(10)
	db.SetConnMaxLifetime(time.Hour) // want "orders.s gosql pool keeps idle connections 3600 s \(svc/orders/main.go:16:24\) but the server drops them after wait_timeout 300 s"
}
