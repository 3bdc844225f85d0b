package database

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"
)

func openBench(b *testing.B) *DB {
	b.Helper()
	db := OpenTest(b)
	notesTable(b, db)
	return db
}

// BenchmarkBatcherWrite measures durable single-row writes from many
// concurrent writers, which group commit turns into few fsyncs.
func BenchmarkBatcherWrite(b *testing.B) {
	db := openBench(b)
	ctx := context.Background()
	b.SetParallelism(32) // 32 × GOMAXPROCS writers, like a busy server
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := NewID()
			err := db.Write(ctx, func(tx *sqlx.Tx) error {
				_, err := tx.Exec(db.Rebind(`INSERT INTO notes (id, body) VALUES (?, ?)`), id, "a short note about the 20 mph limit")
				return err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
