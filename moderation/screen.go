package moderation

import (
	"context"
	"database/sql"
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
func (s *Service) Screen(ctx context.Context, tx *sqlx.Tx, sub Submission) (Verdict, error) {
	v := Verdict{Status: sub.Status, Body: sub.Body, Title: sub.Title}
	now := sub.CreatedAt
	if now.IsZero() {
		now = s.now()
	}
	if err := s.checkSuspended(ctx, tx, sub.AuthorID, now); err != nil {
		return v, err
	}
	isNew := sub.AccountAge < s.Limits.NewAccountAge
	if err := s.checkRate(ctx, tx, sub.AuthorID, isNew, now); err != nil {
		return v, err
	}
	toks := Tokens(sub.Body)
	var flags []flag
	if sub.Status == StatusPending {
		flags = append(flags, flag{reason: ReasonPremoderation, weight: reasonWeight[ReasonPremoderation]})
	}

	matcher, err := s.matcher(ctx, tx, sub.OrgID)
	if err != nil {
		return v, err
	}
	matches := matcher.Find(toks, sub.Locale)
	titleMatches := matcher.Find(Tokens(sub.Title), sub.Locale)
	switch strongest(append(matches, titleMatches...)) {
	case WordBlock:
		field := "body"
		if strongest(titleMatches) == WordBlock {
			field = "title"
		}
		return v, &Error{Code: EINVALID, MessageID: "ErrInvalidInput", Fields: map[string]string{field: "ErrModBlockedWord"},
			Data: map[string]any{"Word": firstWord(append(matches, titleMatches...), WordBlock)}}
	case WordHold:
		v.Status = StatusPending
	}
	for _, m := range append(matches, titleMatches...) {
		if m.Action == WordHold || m.Action == WordFlag {
			flags = append(flags, flag{reason: ReasonWatchedWord, weight: reasonWeight[ReasonWatchedWord] / map[WordAction]int{WordHold: 1, WordFlag: 2}[m.Action],
				detail: fmt.Sprintf("%s: %q matched %q", m.Action, m.Word, sub.Body[m.Start:m.End])})
		}
	}
	v.Body = Mask(sub.Body, matches)
	v.Title = Mask(sub.Title, titleMatches)

	links := countLinks(sub.Body)
	if isNew && links > s.Limits.NewMaxLinks {
		v.Status = StatusPending
		flags = append(flags, flag{reason: ReasonLinks, weight: reasonWeight[ReasonLinks],
			detail: fmt.Sprintf("%d links from an account younger than %s", links, s.Limits.NewAccountAge)})
	}

	bodyHash := strconv.FormatUint(hashString(exactForm(sub.Title+"\n"+sub.Body)), 16)
	var dup int
	if err := tx.GetContext(ctx, &dup, s.q(`SELECT COUNT(*) FROM mod_signatures WHERE consultation_id = ? AND author_id = ? AND body_hash = ?`),
		sub.ConsultationID, sub.AuthorID, bodyHash); err != nil {
		return v, err
	}
	if dup > 0 {
		v.Status = StatusPending
		flags = append(flags, flag{reason: ReasonDuplicate, weight: reasonWeight[ReasonDuplicate],
			detail: fmt.Sprintf("the same text as %d earlier contribution(s) by this account", dup)})
	}

	campaign, err := s.placeInCampaign(ctx, tx, sub, toks, bodyHash, links, now)
	if err != nil {
		return v, err
	}
	if campaign.size >= s.Limits.CampaignFlagSize {
		flags = append(flags, flag{reason: ReasonCampaign, weight: reasonWeight[ReasonCampaign],
			detail: fmt.Sprintf("near-duplicate of %d contributions", campaign.size-1)})
	}
	if len(flags) > 0 {
		k := queueKey{kind: sub.Kind, id: sub.ID, consultationID: sub.ConsultationID, orgID: sub.OrgID, authorID: sub.AuthorID,
			locale: sub.Locale, campaignID: campaign.id}
		if _, err := s.enqueue(ctx, tx, k, flags, 0); err != nil {
			return v, err
		}
	}
	if campaign.size == s.Limits.CampaignFlagSize {
		if err := s.flagCampaignMembers(ctx, tx, sub, campaign.id); err != nil {
			return v, err
		}
	}
	return v, nil
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
func (s *Service) checkSuspended(ctx context.Context, tx *sqlx.Tx, userID string, now time.Time) error {
	var until sql.NullTime
	if err := tx.GetContext(ctx, &until, s.q(`SELECT MAX(until) FROM mod_suspensions WHERE user_id = ? AND until > ?`), userID, now); err != nil {
		return err
	}
	if until.Valid {
		return &Error{Code: EFORBIDDEN, MessageID: "ErrModSuspended", Data: map[string]any{"Until": until.Time.UTC().Format("2 January 2006, 15:04 MST")}}
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
	if err := tx.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM mod_signatures WHERE author_id = ? AND created_at > ?`), userID, now.Add(-s.Limits.Window)); err != nil {
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

type campaignPlace struct {
	id   string
	size int
}

// placeInCampaign records the submission's signature and, when it is a
// near-duplicate of earlier ones in the consultation, adds it to their
// campaign (made on the first match). Every member is counted.
func (s *Service) placeInCampaign(ctx context.Context, tx *sqlx.Tx, sub Submission, toks []Token, bodyHash string, links int, now time.Time) (campaignPlace, error) {
	var place campaignPlace
	var sigBytes []byte
	if len(toks) >= MinCampaignTokens {
		sig := Sign(Shingles(toks))
		sigBytes = sig.Bytes()
		buckets := sig.Buckets()
		args := []any{sub.ConsultationID}
		for _, b := range buckets {
			args = append(args, b)
		}
		var candidates []struct {
			ID        string  `db:"subject_id"`
			Signature []byte  `db:"signature"`
			Campaign  *string `db:"campaign_id"`
		}
		if err := tx.SelectContext(ctx, &candidates, s.q(`SELECT g.subject_id, g.signature, g.campaign_id FROM mod_signatures g
			WHERE g.subject_id IN (SELECT DISTINCT subject_id FROM mod_lsh WHERE consultation_id = ? AND bucket IN (`+marks(Bands)+`) LIMIT 32)`), args...); err != nil {
			return place, err
		}
		best, bestSim := -1, NearDuplicate
		for i, c := range candidates {
			other, ok := SignatureFrom(c.Signature)
			if !ok {
				continue
			}
			if sim := sig.Similarity(&other); sim >= bestSim {
				best, bestSim = i, sim
			}
		}
		if best >= 0 {
			c := candidates[best]
			if c.Campaign != nil {
				place.id = *c.Campaign
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE mod_campaigns SET size = size + 1, updated_at = ? WHERE id = ?`), now, place.id); err != nil {
					return place, err
				}
			} else {
				place.id = database.NewID()
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_campaigns (id, consultation_id, representative_id, size, created_at, updated_at) VALUES (?, ?, ?, 2, ?, ?)`),
					place.id, sub.ConsultationID, c.ID, now, now); err != nil {
					return place, err
				}
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE mod_signatures SET campaign_id = ? WHERE subject_id = ?`), place.id, c.ID); err != nil {
					return place, err
				}
			}
			if err := tx.GetContext(ctx, &place.size, s.q(`SELECT size FROM mod_campaigns WHERE id = ?`), place.id); err != nil {
				return place, err
			}
		}
		rows := make([]string, Bands)
		args = args[:0]
		for i, b := range buckets {
			rows[i] = "(?, ?, ?)"
			args = append(args, sub.ConsultationID, b, sub.ID)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_lsh (consultation_id, bucket, subject_id) VALUES `+strings.Join(rows, ", ")+` ON CONFLICT DO NOTHING`), args...); err != nil {
			return place, err
		}
	}
	var campaign *string
	if place.id != "" {
		campaign = &place.id
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_signatures (subject_id, consultation_id, author_id, locale, body_hash, links, signature, campaign_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), sub.ID, sub.ConsultationID, sub.AuthorID, sub.Locale, bodyHash, links, sigBytes, campaign, now)
	return place, err
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
	if err := tx.SelectContext(ctx, &members, s.q(`SELECT subject_id, author_id, locale FROM mod_signatures WHERE campaign_id = ? AND subject_id <> ?`),
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
func (s *Service) matcher(ctx context.Context, tx *sqlx.Tx, orgID string) (*Matcher, error) {
	s.mu.Lock()
	m, ok := s.words[orgID]
	s.mu.Unlock()
	if ok {
		return m, nil
	}
	var words []WatchedWord
	if err := tx.SelectContext(ctx, &words, s.q(`SELECT id, org_id, locale, word, normalised, action, created_by, created_at FROM mod_watched_words WHERE org_id = ?`), orgID); err != nil {
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
