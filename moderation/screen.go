package moderation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// Screen checks a new submission inside the transaction that stores it:
// suspensions, rate limits, watched words, links from new accounts, exact
// duplicates from one account and near-duplicate campaigns. It refuses
// with an *Error, or returns what to store; a held or flagged submission
// is put in the queue with the reasons why, in the same transaction.
// It is Prepare and Apply in one call.
func (s *Service) Screen(ctx context.Context, tx *sqlx.Tx, sub Submission) (Verdict, error) {
	p, err := s.Prepare(ctx, sub)
	if err != nil {
		return Verdict{Status: sub.Status, Body: sub.Body, Title: sub.Title}, err
	}
	return p.Apply(ctx, tx)
}

// Prepared is a submission whose text has been examined: the work that
// needs no transaction (normalising, matching watched words, signing for
// near-duplicates) is done before the write, so the single writer that
// commits everyone's contributions is held only for the lookups and
// inserts.
type Prepared struct {
	s        *Service
	sub      Submission
	v        Verdict
	now      time.Time
	isNew    bool
	flags    []flag
	links    int
	bodyHash string
	signed   bool
	sig      Signature
}

// Prepare examines a submission before its transaction. A blocked word
// refuses it at once.
func (s *Service) Prepare(ctx context.Context, sub Submission) (*Prepared, error) {
	p := &Prepared{s: s, sub: sub, v: Verdict{Status: sub.Status, Body: sub.Body, Title: sub.Title}, now: sub.CreatedAt}
	if p.now.IsZero() {
		p.now = s.now()
	}
	// A suspension starting while this comment is being written may let
	// it through; that race is harmless and keeps the check off the writer.
	if err := s.checkSuspended(ctx, sub.AuthorID, p.now); err != nil {
		return nil, err
	}
	p.isNew = sub.AccountAge < s.Limits.NewAccountAge
	toks := Tokens(sub.Body)
	if sub.Status == StatusPending {
		p.flags = append(p.flags, flag{reason: ReasonPremoderation, weight: reasonWeight[ReasonPremoderation]})
	}
	matcher, err := s.matcher(ctx, s.db.Reader, sub.OrgID)
	if err != nil {
		return nil, err
	}
	matches := matcher.Find(toks, sub.Locale)
	titleMatches := matcher.Find(Tokens(sub.Title), sub.Locale)
	switch strongest(append(matches, titleMatches...)) {
	case WordBlock:
		field := "body"
		if strongest(titleMatches) == WordBlock {
			field = "title"
		}
		return nil, &Error{Code: EINVALID, MessageID: "ErrInvalidInput", Fields: map[string]string{field: "ErrModBlockedWord"},
			Data: map[string]any{"Word": firstWord(append(matches, titleMatches...), WordBlock)}}
	case WordHold:
		p.v.Status = StatusPending
	}
	for _, m := range append(matches, titleMatches...) {
		if m.Action == WordHold || m.Action == WordFlag {
			p.flags = append(p.flags, flag{reason: ReasonWatchedWord, weight: reasonWeight[ReasonWatchedWord] / map[WordAction]int{WordHold: 1, WordFlag: 2}[m.Action],
				detail: fmt.Sprintf("%s: %q matched %q", m.Action, m.Word, sub.Body[m.Start:m.End])})
		}
	}
	p.v.Body = Mask(sub.Body, matches)
	p.v.Title = Mask(sub.Title, titleMatches)

	p.links = countLinks(sub.Body)
	if p.isNew && p.links > s.Limits.NewMaxLinks {
		p.v.Status = StatusPending
		p.flags = append(p.flags, flag{reason: ReasonLinks, weight: reasonWeight[ReasonLinks],
			detail: fmt.Sprintf("%d links from an account younger than %s", p.links, s.Limits.NewAccountAge)})
	}
	p.bodyHash = strconv.FormatUint(exactHash(sub.Title+"\n"+sub.Body), 16)
	if len(toks) >= MinCampaignTokens {
		p.sig, p.signed = Sign(Shingles(toks)), true
	}
	return p, nil
}

// Apply finishes screening inside the transaction that stores the
// submission: suspensions, rate limits, duplicates and campaigns, and the
// queue item when anything was flagged.
func (p *Prepared) Apply(ctx context.Context, tx *sqlx.Tx) (Verdict, error) {
	s, sub, v, now := p.s, p.sub, p.v, p.now
	flags := append([]flag(nil), p.flags...)
	if err := s.checkRate(ctx, tx, sub.AuthorID, p.isNew, now); err != nil {
		return v, err
	}
	// Counting stops at 100: the number only explains the flag.
	var dup int
	if err := tx.GetContext(ctx, &dup, s.q(`SELECT COUNT(*) FROM (SELECT 1 FROM mod_signatures WHERE consultation_id = ? AND author_id = ? AND body_hash = ? AND kind = 'comment' LIMIT 100) d`),
		sub.ConsultationID, sub.AuthorID, p.bodyHash); err != nil {
		return v, err
	}
	if dup > 0 {
		v.Status = StatusPending
		flags = append(flags, flag{reason: ReasonDuplicate, weight: reasonWeight[ReasonDuplicate],
			detail: fmt.Sprintf("the same text as %d earlier contribution(s) by this account", dup)})
	}
	if err := p.storeSignature(ctx, tx); err != nil {
		return v, err
	}
	if len(flags) > 0 {
		k := queueKey{kind: sub.Kind, id: sub.ID, consultationID: sub.ConsultationID, orgID: sub.OrgID, authorID: sub.AuthorID, locale: sub.Locale}
		if _, err := s.enqueue(ctx, tx, k, flags, 0); err != nil {
			return v, err
		}
	}
	return v, nil
}

// storeSignature records the submission's exact-text hash and MinHash
// signature. A signed one is placed in a near-duplicate campaign by the
// placer once it commits.
func (p *Prepared) storeSignature(ctx context.Context, tx *sqlx.Tx) error {
	s, sub := p.s, p.sub
	var sigBytes []byte
	placed := 1
	if p.signed {
		sigBytes, placed = p.sig.Bytes(), 0
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_signatures (subject_id, consultation_id, author_id, locale, body_hash, links, signature, placed, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), sub.ID, sub.ConsultationID, sub.AuthorID, sub.Locale, p.bodyHash, p.links, sigBytes, placed, p.now); err != nil {
		return err
	}
	if p.signed {
		pl := placement{kind: sub.Kind, id: sub.ID, consultationID: sub.ConsultationID, orgID: sub.OrgID, authorID: sub.AuthorID, locale: sub.Locale, sig: p.sig}
		database.AfterCommit(tx, func() { s.placer.hand(pl) })
	}
	return nil
}

func firstWord(ms []Match, a WordAction) string {
	for _, m := range ms {
		if m.Action == a {
			return m.Word
		}
	}
	return ""
}

// checkSuspended refuses an account suspended at now.
func (s *Service) checkSuspended(ctx context.Context, userID string, now time.Time) error {
	until, err := s.suspendedUntil(ctx, userID, now)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return &Error{Code: EFORBIDDEN, MessageID: "ErrModSuspended", Data: map[string]any{"Until": until.UTC().Format("2 January 2006, 15:04 MST")}}
	}
	return nil
}

// checkRate refuses an account that posts faster than its limit; new
// accounts have a stricter one.
func (s *Service) checkRate(ctx context.Context, tx *sqlx.Tx, userID string, isNew bool, now time.Time) error {
	limit := s.Limits.PerWindow
	if isNew {
		limit = s.Limits.NewPerWindow
	}
	if limit <= 0 {
		return nil // off, for load tests
	}
	var n int
	if err := tx.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM mod_signatures WHERE author_id = ? AND created_at > ? AND kind = 'comment'`), userID, now.Add(-s.Limits.Window)); err != nil {
		return err
	}
	if n >= limit {
		return &Error{Code: ERATELIMITED, MessageID: "ErrModTooFast", Data: map[string]any{"Count": limit, "Minutes": int(s.Limits.Window.Minutes())}}
	}
	return nil
}

// countLinks counts web addresses in text.
func countLinks(text string) int {
	lower := strings.ToLower(text)
	return strings.Count(lower, "http://") + strings.Count(lower, "https://") + strings.Count(lower, "www.")
}

// flagCampaignMembers puts the earlier members of a campaign that has
// just reached the flagging size into the queue, so that it shows as one
// group.
func (s *Service) flagCampaignMembers(ctx context.Context, tx *sqlx.Tx, sub Submission, campaignID string) error {
	var members []struct {
		ID       string  `db:"subject_id"`
		AuthorID *string `db:"author_id"`
		Locale   string  `db:"locale"`
	}
	if err := tx.SelectContext(ctx, &members, s.q(`SELECT subject_id, author_id, locale FROM mod_signatures WHERE campaign_id = ? AND subject_id <> ? AND kind = 'comment'`),
		campaignID, sub.ID); err != nil {
		return err
	}
	for _, m := range members {
		k := queueKey{kind: sub.Kind, id: m.ID, consultationID: sub.ConsultationID, orgID: sub.OrgID, locale: m.Locale, campaignID: campaignID}
		if m.AuthorID != nil {
			k.authorID = *m.AuthorID
		}
		if _, err := s.enqueue(ctx, tx, k, []flag{{reason: ReasonCampaign, weight: reasonWeight[ReasonCampaign], detail: "member of a near-duplicate group"}}, 0); err != nil {
			return err
		}
	}
	return nil
}

// matcher returns the organisation's watched-word matcher, built once and
// rebuilt after its words change.
func (s *Service) matcher(ctx context.Context, r sqlx.QueryerContext, orgID string) (*Matcher, error) {
	s.mu.Lock()
	m, ok := s.words[orgID]
	s.mu.Unlock()
	if ok {
		return m, nil
	}
	var words []WatchedWord
	if err := sqlx.SelectContext(ctx, r, &words, s.q(`SELECT id, org_id, locale, word, normalised, action, created_by, created_at FROM mod_watched_words WHERE org_id = ?`), orgID); err != nil {
		return nil, err
	}
	m = NewMatcher(words)
	s.mu.Lock()
	s.words[orgID] = m
	s.mu.Unlock()
	return m, nil
}

// forgetWords drops an organisation's cached matcher.
func (s *Service) forgetWords(orgID string) {
	s.mu.Lock()
	delete(s.words, orgID)
	s.mu.Unlock()
}
