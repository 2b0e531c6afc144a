package main

import (
	"log"
	"os"
	"strconv"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
)

type server struct{ db *sqlx.DB }

func mustInt(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		log.Fatal(err)
	}
	return n
}

func main() {
	db := sqlx.MustConnect("mysql", os.Getenv("DATABASE_DSN"))
	s := &server{db: db}
	s.db.SetMaxOpenConns(mustInt(os.Getenv("DB_MAX_OPEN_CONNS")))
	s.db.SetConnMaxIdleTime(5 * time.Minute)
	log.Fatal(s.run())
}
