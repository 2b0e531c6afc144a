package multi

import "time"

const (
	driverName  = "mysql"
	replicaPool = primaryPool / 3
	primaryPool = 30
)

func (s *Stores) configure() {
	s.primary.SetMaxOpenConns(primaryPool)
	s.replica.SetMaxOpenConns(replicaPool)
	s.replica.SetMaxOpenConns(0) // a later call wins: no limit
	s.replica.SetConnMaxLifetime(time.Duration(90) * time.Second)
}
