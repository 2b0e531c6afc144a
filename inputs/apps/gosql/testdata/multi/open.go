package multi

import (
	"database/sql"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/lib/pq"
)

type Stores struct {
	primary *sql.DB
	replica *sql.DB
	audit   *sql.DB
}

func New(primaryDSN, replicaDSN string) (*Stores, error) {
	s := &Stores{}
	var err error
	if s.primary, err = sql.Open("mysql", primaryDSN); err != nil {
		return nil, err
	}
	if s.replica, err = sql.Open(driverName, replicaDSN); err != nil {
		return nil, err
	}
	if s.audit, err = sql.Open("postgres", "postgres://audit@pg/audit"); err != nil {
		return nil, err
	}
	s.configure()
	return s, nil
}
