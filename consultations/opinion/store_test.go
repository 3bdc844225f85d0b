package opinion

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	c "github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/database"
)

type fixture struct {
	cs                       *c.Store
	s                        *Store
	now                      time.Time
	staff, citizen, citizen2 *c.User
	consultation             *c.Consultation
}

func newFixture(t testing.TB, premoderated bool) *fixture {
	t.Helper()
	ctx := context.Background()
	db := database.OpenTest(t)
	var err error
	f := &fixture{cs: c.NewStore(db, c.NewSanitizer()), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.cs.Now = func() time.Time { return f.now }
	f.s = NewStore(f.cs)
	f.s.Now = f.cs.Now
	t.Cleanup(f.s.Close)
	if _, err := f.cs.CreateOrganisation(ctx, "transport", "Ministry of Transport", "en", "UTC"); err != nil {
		t.Fatal(err)
	}
	mk := func(email string, role c.Role, org string) *c.User {
		u, err := f.cs.CreateUser(ctx, c.NewAccount{Email: email, Password: "correct horse", DisplayName: email[:5], Role: role, OrgSlug: org})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.staff = mk("staff@example.org", c.RoleStaff, "transport")
	f.citizen = mk("alice@example.org", c.RoleCitizen, "")
	f.citizen2 = mk("bobby@example.org", c.RoleCitizen, "")
	cons, err := f.cs.CreateConsultation(ctx, f.staff, c.Draft{Slug: "buses", Kind: c.KindPolicy, DefaultLocale: "en",
		Title: c.LocalText{"en": "Buses"}, Summary: c.LocalText{"en": "Buses"}, Premoderation: premoderated,
		OpensAt: f.now.Add(-time.Hour), ClosesAt: f.now.Add(7 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cs.SetStatus(ctx, f.staff, cons.ID, c.StatusOpen); err != nil {
		t.Fatal(err)
	}
	f.consultation = cons
	if _, err := f.s.EnableMap(ctx, f.staff, cons.ID, true); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) statement(t testing.TB, who *c.User, body string) *Statement {
	t.Helper()
	st, err := f.s.AddStatement(context.Background(), who, f.consultation.ID, NewStatement{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := c.ErrorCode(err); err == nil || got != code {
		t.Fatalf("error = %v (code %q); want code %q", err, got, code)
	}
}

func TestOnlyStaffTurnOnTheOpinionMap(t *testing.T) {
	f := newFixture(t, false)
	_, err := f.s.EnableMap(context.Background(), f.citizen, f.consultation.ID, true)
	wantCode(t, err, c.EFORBIDDEN)
}

func TestDuplicateStatementIsRefusedNamingTheExistingOne(t *testing.T) {
	f := newFixture(t, false)
	first := f.statement(t, f.staff, "Buses should be free for under-18s.")
	_, err := f.s.AddStatement(context.Background(), f.citizen, f.consultation.ID, NewStatement{Body: "  buses SHOULD be free, for under 18s!! "})
	wantCode(t, err, c.ECONFLICT)
	id, number, ok := DuplicateOf(err)
	if !ok || id != first.ID || number != first.Number {
		t.Errorf("DuplicateOf = %q, %d, %v; want %q, %d", id, number, ok, first.ID, first.Number)
	}
}

func TestStatementRules(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	cases := []struct {
		name string
		body string
		code string
	}{
		{"empty", "   ", c.EINVALID},
		{"punctuation only", "?!…", c.EINVALID},
		{"too long", strings.Repeat("a", MaxStatementLen+1), c.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.AddStatement(ctx, f.citizen, f.consultation.ID, NewStatement{Body: tc.body})
			wantCode(t, err, tc.code)
		})
	}
	_, err := f.s.AddStatement(ctx, nil, f.consultation.ID, NewStatement{Body: "Anonymous"})
	wantCode(t, err, c.EUNAUTHENTICATED)
	if _, err := f.s.EnableMap(ctx, f.staff, f.consultation.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.AddStatement(ctx, f.citizen, f.consultation.ID, NewStatement{Body: "Participants may not add this"})
	wantCode(t, err, c.EFORBIDDEN)
}

func TestParticipantStatementIsHeldWhenCommentsArePremoderated(t *testing.T) {
	f := newFixture(t, true)
	st := f.statement(t, f.citizen, "More night buses")
	if st.Status != StatementPending {
		t.Fatalf("status = %q; want pending", st.Status)
	}
	if next, _ := f.s.Next(context.Background(), f.citizen2.ID, f.consultation.ID); next != nil {
		t.Errorf("a held statement was offered for voting: %q", next.Body)
	}
	seed := f.statement(t, f.staff, "Fewer buses")
	if seed.Status != StatementPublished || !seed.Seed {
		t.Errorf("staff statement: status %q, seed %v; want a published seed", seed.Status, seed.Seed)
	}
}

func TestNextStatementIsLeastVotedNeverOwnNeverVoted(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	a := f.statement(t, f.staff, "Statement A")
	b := f.statement(t, f.staff, "Statement B")
	own := f.statement(t, f.citizen, "Alice's own statement")
	if err := f.s.Vote(ctx, f.citizen2, a.ID, Agree); err != nil {
		t.Fatal(err)
	}
	// For Alice: B has fewer votes than A; her own is never offered.
	next, err := f.s.Next(ctx, f.citizen.ID, f.consultation.ID)
	if err != nil || next == nil || next.ID != b.ID {
		t.Fatalf("next = %+v, %v; want B (least voted)", next, err)
	}
	if err := f.s.Vote(ctx, f.citizen, b.ID, Pass); err != nil {
		t.Fatal(err)
	}
	next, _ = f.s.Next(ctx, f.citizen.ID, f.consultation.ID)
	if next == nil || next.ID != a.ID {
		t.Fatalf("next = %+v; want A", next)
	}
	if err := f.s.Vote(ctx, f.citizen, a.ID, Disagree); err != nil {
		t.Fatal(err)
	}
	if next, _ = f.s.Next(ctx, f.citizen.ID, f.consultation.ID); next != nil {
		t.Errorf("next = %q; want none (only her own is left)", next.Body)
	}
	_ = own
}

func TestVoteMayChangeButCountsOnce(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	st := f.statement(t, f.staff, "Statement A")
	for _, v := range []int{Agree, Agree, Disagree} {
		if err := f.s.Vote(ctx, f.citizen, st.ID, v); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.s.Statement(ctx, nil, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.VoteCount != 1 || got.AgreeCount != 0 || got.DisagreeCount != 1 {
		t.Errorf("counts: votes %d, agree %d, disagree %d; want 1, 0, 1", got.VoteCount, got.AgreeCount, got.DisagreeCount)
	}
	mine, _ := f.s.MyVotes(ctx, f.citizen.ID, f.consultation.ID)
	if mine[st.ID] != Disagree {
		t.Errorf("my vote = %d; want disagree", mine[st.ID])
	}
	wantCode(t, f.s.Vote(ctx, f.citizen, st.ID, 2), c.EINVALID)
	wantCode(t, f.s.Vote(ctx, nil, st.ID, Agree), c.EUNAUTHENTICATED)
}

func TestVoteAfterTheConsultationClosesIsRefused(t *testing.T) {
	f := newFixture(t, false)
	st := f.statement(t, f.staff, "Statement A")
	f.now = f.now.Add(8 * 24 * time.Hour) // past closes_at; the row still says open
	wantCode(t, f.s.Vote(context.Background(), f.citizen, st.ID, Agree), c.ECLOSED)
	_, err := f.s.AddStatement(context.Background(), f.citizen, f.consultation.ID, NewStatement{Body: "Too late"})
	wantCode(t, err, c.ECLOSED)
}

func TestRemovedStatementLeavesVotingAndGroups(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	st := f.statement(t, f.staff, "Statement A")
	if _, err := f.s.ModerateStatement(ctx, f.citizen, st.ID, StatementRemoved); c.ErrorCode(err) != c.EFORBIDDEN {
		t.Fatalf("citizen removing: %v; want forbidden", err)
	}
	if _, err := f.s.ModerateStatement(ctx, f.staff, st.ID, StatementRemoved); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.Vote(ctx, f.citizen, st.ID, Agree), c.ENOTFOUND)
	if next, _ := f.s.Next(ctx, f.citizen.ID, f.consultation.ID); next != nil {
		t.Errorf("removed statement offered: %q", next.Body)
	}
}

// TestImportedPolisConversationGroupsAndExportsBack imports a real Pol.is
// conversation, recomputes, and exports it in the same format.
func TestImportedPolisConversationGroupsAndExportsBack(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	conv := readConversation(t, filepath.Join(polisData(t), "15-per-hour-seattle"))
	sum, err := f.s.Import(ctx, f.staff, f.consultation.ID, conv)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Statements == 0 || sum.Votes < 2000 {
		t.Fatalf("imported %+v; want the conversation's statements and votes", sum)
	}
	if _, err := f.s.Import(ctx, f.citizen, f.consultation.ID, conv); c.ErrorCode(err) != c.EFORBIDDEN {
		t.Errorf("citizen import: %v; want forbidden", err)
	}
	res, err := f.s.Recompute(ctx, f.consultation.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 2 || res.Grouped != 138 {
		t.Errorf("k = %d, grouped %d; want 2 groups of 138 participants as from the files", res.K, res.Grouped)
	}
	rep, err := f.s.Report(ctx, nil, f.consultation.ID)
	if err != nil || rep == nil || len(rep.Groups) == 0 || len(rep.Consensus) == 0 {
		t.Fatalf("report = %+v, %v", rep, err)
	}
	var comments, votes bytes.Buffer
	if err := f.s.Export(ctx, f.staff, f.consultation.ID, &comments, &votes); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPolis(&comments, &votes)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := back.Matrix()
	if m.Votes() != res.Votes {
		t.Errorf("exported %d votes on kept statements; want %d", m.Votes(), res.Votes)
	}
	if err := f.s.Export(ctx, f.citizen, f.consultation.ID, &comments, &votes); c.ErrorCode(err) != c.EFORBIDDEN {
		t.Errorf("citizen export: %v; want forbidden", err)
	}
}
