package moderation

import (
	"context"
	"math/rand"
	"strconv"
	"testing"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// placerFixture is a database with an organisation and an open
// consultation, as the placer's look for unplaced signatures needs them.
func placerFixture(t *testing.T) *database.DB {
	t.Helper()
	db := database.OpenTest(t)
	now := time.Now().UTC()
	err := db.Write(context.Background(), func(tx *sqlx.Tx) error {
		rows := []struct {
			q    string
			args []any
		}{
			{`INSERT INTO organisations (id, slug, name, created_at) VALUES ('O1', 'o1', 'Ministry', ?)`, []any{now}},
			{`INSERT INTO users (id, email, password_hash, display_name, role, created_at) VALUES ('U1', 'staff@example.org', 'x', 'Staff', 'staff', ?)`, []any{now}},
			{`INSERT INTO consultations (id, org_id, slug, kind, status, default_locale, title, summary, body, opens_at, closes_at, created_by, created_at, updated_at)
				VALUES ('C1', 'O1', 'c1', 'policy', 'open', 'es', '{}', '{}', '{}', ?, ?, 'U1', ?, ?)`, []any{now, now.Add(time.Hour), now, now}},
		}
		for _, r := range rows {
			if _, err := tx.Exec(db.Rebind(r.q), r.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func screenAll(t *testing.T, db *database.DB, s *Service, texts []string) []string {
	t.Helper()
	ids := make([]string, len(texts))
	for i, text := range texts {
		ids[i] = database.NewID()
		sub := Submission{Kind: "comment", ID: ids[i], ConsultationID: "C1", OrgID: "O1", AuthorID: "A" + strconv.Itoa(i),
			AccountAge: 72 * time.Hour, Body: text, Locale: "es", Status: StatusPublished, CreatedAt: time.Now().UTC()}
		err := db.Write(context.Background(), func(tx *sqlx.Tx) error { _, err := s.Screen(context.Background(), tx, sub); return err })
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func campaignSizes(t *testing.T, db *database.DB) []int {
	t.Helper()
	var sizes []int
	if err := db.Reader.Select(&sizes, `SELECT size FROM mod_campaigns ORDER BY size DESC`); err != nil {
		t.Fatal(err)
	}
	return sizes
}

const placerTemplate = "El Ayuntamiento debería ampliar las aceras de la calle Atocha y plantar árboles para que los vecinos puedan pasear con seguridad y a la sombra en verano"

func TestNearDuplicatesFromDifferentAccountsAreQueuedAsOneCampaign(t *testing.T) {
	db := placerFixture(t)
	s := New(db, noContent{})
	rng := rand.New(rand.NewSource(2))
	texts := append(variants(placerTemplate, 5, rng),
		"Necesitamos más bancos en el parque del Retiro para las personas mayores que pasean por las mañanas",
		"Los autobuses nocturnos deberían pasar cada quince minutos los fines de semana en verano también")
	ids := screenAll(t, db, s, texts)
	s.CaughtUp(context.Background())

	if got := campaignSizes(t, db); len(got) != 1 || got[0] != 5 {
		t.Fatalf("campaign sizes %v; want one campaign of the 5 variants", got)
	}
	var queued []string
	if err := db.Reader.Select(&queued, db.Rebind(`SELECT subject_id FROM mod_items WHERE campaign_id IS NOT NULL AND status = 'open' ORDER BY subject_id`)); err != nil {
		t.Fatal(err)
	}
	if len(queued) != 5 {
		t.Errorf("%d campaign members queued; want all 5 (the group reached the flag size of %d)", len(queued), s.Limits.CampaignFlagSize)
	}
	for _, id := range ids[5:] {
		for _, q := range queued {
			if q == id {
				t.Errorf("the unrelated comment %s was queued as a campaign member", id)
			}
		}
	}
}

func TestContributionsLeftUnplacedByACrashArePlacedAfterTheRestart(t *testing.T) {
	db := placerFixture(t)
	rng := rand.New(rand.NewSource(4))
	// The first run stores the signatures, then dies before placing them:
	// its placer never ran.
	now := time.Now().UTC()
	for i, text := range variants(placerTemplate, 4, rng) {
		sig := Sign(Shingles(Tokens(text)))
		err := db.Write(context.Background(), func(tx *sqlx.Tx) error {
			_, err := tx.Exec(db.Rebind(`INSERT INTO mod_signatures (subject_id, consultation_id, author_id, locale, body_hash, links, signature, placed, created_at)
				VALUES (?, 'C1', ?, 'es', ?, 0, ?, 0, ?)`), "S"+strconv.Itoa(i), "A"+strconv.Itoa(i), strconv.Itoa(i), sig.Bytes(), now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The restarted server's moderation service finds and places them.
	s := New(db, noContent{})
	s.CaughtUp(context.Background())
	if got := campaignSizes(t, db); len(got) != 1 || got[0] != 4 {
		t.Fatalf("campaign sizes after restart %v; want one campaign of 4", got)
	}
	var unplaced int
	if err := db.Reader.Get(&unplaced, `SELECT COUNT(*) FROM mod_signatures WHERE placed = 0`); err != nil {
		t.Fatal(err)
	}
	if unplaced != 0 {
		t.Errorf("%d signatures still unplaced", unplaced)
	}
	// A later near-duplicate joins the same campaign.
	screenAll(t, db, s, variants(placerTemplate, 1, rng))
	s.CaughtUp(context.Background())
	if got := campaignSizes(t, db); len(got) != 1 || got[0] != 5 {
		t.Errorf("campaign sizes %v; want the later variant in the same campaign (5)", got)
	}
}
