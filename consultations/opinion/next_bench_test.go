package opinion

import (
	"context"
	"strconv"
	"testing"

	"github.com/jmoiron/sqlx"
)

// BenchmarkNextStatement1kStatements measures the next-statement choice
// on a map of 1,000 statements with uneven vote counts, for a participant
// who has voted on 990 of them (the worst case: most candidates in vote
// order must be skipped). The target is under 1 ms.
func BenchmarkNextStatement1kStatements(b *testing.B) {
	f := newFixture(b, false)
	ctx := context.Background()
	sts := make([]*Statement, 1000)
	for i := range sts {
		sts[i] = f.statement(b, f.staff, "Statement number "+strconv.Itoa(i))
	}
	err := f.s.db.Write(ctx, func(tx *sqlx.Tx) error {
		var mapKey int64
		if err := tx.Get(&mapKey, f.s.q(`SELECT key FROM opinion_maps WHERE consultation_id = ?`), f.consultation.ID); err != nil {
			return err
		}
		var votes []voteRow
		for i, st := range sts {
			if _, err := tx.Exec(f.s.q(`UPDATE opinion_counts SET vote_count = ? WHERE map_key = ? AND number = ?`), (i*7919)%5000, mapKey, st.Number); err != nil {
				return err
			}
			if i < 990 {
				votes = append(votes, voteRow{StatementID: st.ID, ParticipantID: f.citizen.ID, ConsultationID: f.consultation.ID,
					Counts: countKey{mapKey, st.Number}, Vote: Agree, At: f.now})
			}
		}
		_, err := f.s.writeVotes(ctx, tx, votes)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := f.s.Next(ctx, f.citizen.ID, f.consultation.ID)
		if err != nil || st == nil {
			b.Fatal(st, err)
		}
	}
}
