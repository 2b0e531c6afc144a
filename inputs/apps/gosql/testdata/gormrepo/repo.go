package gormrepo

import (
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// Connect forgets SetMaxOpenConns: the pool has no upper bound.
func Connect(dsn string) (*gorm.DB, error) {
	gdb, err := gorm.Open(mysql.Open(dsn), &gorm.Config{})
	if err != nil {
		return nil, err
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxLifetime(3600) // nanoseconds, not seconds
	return gdb, nil
}
