package moderation

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/consult-platform/consult/database"
	"github.com/jmoiron/sqlx"
)

// placer puts committed contributions into near-duplicate campaigns, in
// the background and in batches: comparing with the buckets held in
// memory and writing a batch's groups in one transaction keeps campaign
// detection off the path of every comment (issue: thousands of comments a
// second through one writer). A contribution is stored "unplaced" with its
// signature, so one committed just before a crash is placed after the
// restart.
type placer struct {
	s   *Service
	in  chan placement
	log *slog.Logger

	start sync.Once
	mu    sync.Mutex // mu guards the fields below
	cond  *sync.Cond
	sent  uint64 // placements handed over (or found unplaced) so far
	done  uint64 // placements written so far
	lost  bool   // the channel was full: some wait in the database only
	index map[string]*lshIndex
}

type placement struct {
	kind, id, consultationID, orgID, authorID, locale string
	sig                                               Signature
}

const (
	placerQueue = 1 << 16
	placerBatch = 512
	// catchUpWait bounds how long a reader of the queue waits for the
	// placer; past it the reader sees the groups a moment late.
	catchUpWait = 2 * time.Second
)

func newPlacer(s *Service) *placer {
	p := &placer{s: s, in: make(chan placement, placerQueue), log: slog.Default(), index: map[string]*lshIndex{}}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// run starts the placer once; it places what an earlier run left unplaced
// first.
func (p *placer) run() {
	p.start.Do(func() {
		p.mu.Lock()
		p.lost = true
		p.sent++ // the first look in the database counts as one placement
		p.mu.Unlock()
		go p.loop()
	})
}

// hand passes a committed contribution to the placer. It never blocks: it
// runs on the database's writer.
func (p *placer) hand(pl placement) {
	p.run()
	p.mu.Lock()
	p.sent++
	p.mu.Unlock()
	select {
	case p.in <- pl:
	default:
		p.mu.Lock()
		p.lost, p.done = true, p.done+1 // the database look will place it
		p.mu.Unlock()
	}
}

// caughtUp waits until everything handed over before the call is placed,
// or ctx ends, or limit passes.
func (p *placer) caughtUp(ctx context.Context, limit time.Duration) {
	p.run()
	p.mu.Lock()
	target := p.sent
	p.mu.Unlock()
	deadline := time.Now().Add(limit)
	for {
		p.mu.Lock()
		done := p.done >= target
		p.mu.Unlock()
		if done || ctx.Err() != nil || time.Now().After(deadline) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func (p *placer) finished(n int) {
	p.mu.Lock()
	p.done += uint64(n)
	p.mu.Unlock()
}

func (p *placer) loop() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-p.s.db.Done()
		cancel()
	}()
	batch := make([]placement, 0, placerBatch)
	firstLook := true
	for {
		p.mu.Lock()
		lost := p.lost
		p.lost = false
		p.mu.Unlock()
		if lost {
			if err := p.placeStored(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				p.log.Error("placing stored signatures", "err", err)
				time.Sleep(time.Second)
				p.mu.Lock()
				p.lost = true
				p.mu.Unlock()
				continue
			}
			if firstLook {
				firstLook = false
				p.finished(1)
			}
		}
		var first placement
		select {
		case first = <-p.in:
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
			continue
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < placerBatch {
			select {
			case next := <-p.in:
				batch = append(batch, next)
			default:
				break fill
			}
		}
		if err := p.place(ctx, batch); err != nil {
			if ctx.Err() != nil {
				return
			}
			// The batch stays unplaced in the database; look there again.
			p.log.Error("placing near-duplicates", "err", err, "batch", len(batch))
			p.mu.Lock()
			p.lost = true
			p.mu.Unlock()
		}
		p.finished(len(batch))
	}
}

// placeStored places every stored signature still unplaced, oldest first.
func (p *placer) placeStored(ctx context.Context) error {
	for {
		var rows []struct {
			ID             string  `db:"subject_id"`
			Kind           string  `db:"kind"`
			ConsultationID string  `db:"consultation_id"`
			OrgID          string  `db:"org_id"`
			AuthorID       *string `db:"author_id"`
			Locale         string  `db:"locale"`
			Signature      []byte  `db:"signature"`
		}
		err := p.s.db.Reader.SelectContext(ctx, &rows, p.s.q(`SELECT g.subject_id, g.kind, g.consultation_id, k.org_id, g.author_id, g.locale, g.signature
			FROM mod_signatures g JOIN consultations k ON k.id = g.consultation_id
			WHERE g.placed = 0 ORDER BY g.created_at LIMIT ?`), placerBatch)
		if err != nil || len(rows) == 0 {
			return err
		}
		batch := make([]placement, 0, len(rows))
		for _, r := range rows {
			pl := placement{kind: r.Kind, id: r.ID, consultationID: r.ConsultationID, orgID: r.OrgID, locale: r.Locale}
			if r.AuthorID != nil {
				pl.authorID = *r.AuthorID
			}
			pl.sig, _ = SignatureFrom(r.Signature)
			batch = append(batch, pl)
		}
		// A placement also in the channel is placed twice at worst: the
		// second finds it placed and leaves it.
		if err := p.place(ctx, batch); err != nil {
			return err
		}
	}
}

// indexOf returns the consultation's index, loading it from the stored
// signatures (the newest maxIndexed) on first use.
func (p *placer) indexOf(ctx context.Context, consultationID string) (*lshIndex, error) {
	if x, ok := p.index[consultationID]; ok {
		return x, nil
	}
	x := newLSHIndex()
	if err := p.load(ctx, x, consultationID, time.Time{}); err != nil {
		return nil, err
	}
	var sizes []struct {
		ID   string `db:"id"`
		Size int    `db:"size"`
	}
	if err := p.s.db.Reader.SelectContext(ctx, &sizes, p.s.q(`SELECT id, size FROM mod_campaigns WHERE consultation_id = ?`), consultationID); err != nil {
		return nil, err
	}
	for _, c := range sizes {
		x.size[c.ID] = c.Size
	}
	p.index[consultationID] = x
	return x, nil
}

// load adds to x the consultation's placed signatures created after
// since, newest first up to maxIndexed, added oldest first.
func (p *placer) load(ctx context.Context, x *lshIndex, consultationID string, since time.Time) error {
	var rows []struct {
		ID        string    `db:"subject_id"`
		Signature []byte    `db:"signature"`
		Campaign  *string   `db:"campaign_id"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := p.s.db.Reader.SelectContext(ctx, &rows, p.s.q(`SELECT subject_id, signature, campaign_id, created_at FROM mod_signatures
		WHERE consultation_id = ? AND placed = 1 AND signature IS NOT NULL AND created_at > ? ORDER BY created_at DESC LIMIT ?`), consultationID, since, maxIndexed); err != nil {
		return err
	}
	for i := len(rows) - 1; i >= 0; i-- {
		sig, ok := SignatureFrom(rows[i].Signature)
		if !ok {
			continue
		}
		campaign := ""
		if rows[i].Campaign != nil {
			campaign = *rows[i].Campaign
		}
		x.add(rows[i].ID, &sig, campaign)
		if rows[i].CreatedAt.After(x.newest) {
			x.newest = rows[i].CreatedAt
		}
	}
	return nil
}

// syncSlack is how far back a node looks for the placements other nodes
// made since it last looked: a contribution is placed well within it of
// being written.
const syncSlack = 10 * time.Second

// placed is what placing one batch decided, to write in one transaction.
type placed struct {
	newCampaigns []newCampaign
	members      map[string][]string // campaign id → new members
	alone        []string            // placed in no campaign
	sizes        map[string]int      // campaign id → size after the batch
	flags        []placement         // to queue as campaign members
	flagGroups   []placement         // campaigns that reached the flag size with this member
	campaignOf   map[string]string   // subject id → campaign id, for flags
}

type newCampaign struct{ id, consultationID, representative string }

func (p *placer) place(ctx context.Context, batch []placement) error {
	batch, err := p.unplaced(ctx, batch)
	if err != nil || len(batch) == 0 {
		return err
	}
	d := placed{members: map[string][]string{}, sizes: map[string]int{}, campaignOf: map[string]string{}}
	touched := map[string]bool{}
	earlier := map[string][]placement{} // campaign → its members in this batch, until flagged
	for i := range batch {
		pl := &batch[i]
		x, err := p.indexOf(ctx, pl.consultationID)
		if err != nil {
			return err
		}
		if !touched[pl.consultationID] && p.s.db.Shared() {
			// Other nodes place contributions too: take in theirs (and,
			// harmlessly, ours again) before comparing.
			if err := p.load(ctx, x, pl.consultationID, x.newest.Add(-syncSlack)); err != nil {
				return err
			}
		}
		touched[pl.consultationID] = true
		m := x.match(pl.id, &pl.sig)
		if m < 0 {
			x.add(pl.id, &pl.sig, "")
			d.alone = append(d.alone, pl.id)
			continue
		}
		campaign := x.members[m].campaign
		if campaign == "" {
			campaign = database.NewID()
			d.newCampaigns = append(d.newCampaigns, newCampaign{campaign, pl.consultationID, x.members[m].id})
			x.setCampaign(m, campaign)
			x.size[campaign] = 1
		}
		x.size[campaign]++
		size := x.size[campaign]
		d.sizes[campaign] = size
		d.members[campaign] = append(d.members[campaign], pl.id)
		d.campaignOf[pl.id] = campaign
		x.add(pl.id, &pl.sig, campaign)
		// Responses count in a campaign but are never queued: answers are
		// not published.
		queued := pl.kind == "comment"
		switch {
		case size < p.s.Limits.CampaignFlagSize:
			if queued {
				earlier[campaign] = append(earlier[campaign], *pl)
			}
		case size == p.s.Limits.CampaignFlagSize:
			// The group is now large enough: queue it whole, this batch's
			// earlier members included (the database has the older ones).
			d.flagGroups = append(d.flagGroups, *pl)
			d.flags = append(d.flags, earlier[campaign]...)
			delete(earlier, campaign)
			if queued {
				d.flags = append(d.flags, *pl)
			}
		case queued:
			d.flags = append(d.flags, *pl)
		}
	}
	err = p.s.db.Write(ctx, func(tx *sqlx.Tx) error { return p.write(ctx, tx, &d) })
	if err != nil {
		// Memory ran ahead of the database: forget it, reload on next use.
		for id := range touched {
			delete(p.index, id)
		}
	}
	return err
}

func (p *placer) write(ctx context.Context, tx *sqlx.Tx, d *placed) error {
	s := p.s
	now := s.now()
	for _, c := range d.newCampaigns {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mod_campaigns (id, consultation_id, representative_id, size, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`),
			c.id, c.consultationID, c.representative, now, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE mod_signatures SET campaign_id = ? WHERE subject_id = ?`), c.id, c.representative); err != nil {
			return err
		}
	}
	// Campaigns in id order: every node's placer locks them in one order.
	for _, campaign := range slices.Sorted(maps.Keys(d.members)) {
		// A move, not a value: another node may be growing it too.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE mod_campaigns SET size = size + ?, updated_at = ? WHERE id = ?`), len(d.members[campaign]), now, campaign); err != nil {
			return err
		}
	}
	// Groups reaching the flag size queue their members stored before
	// this batch; the batch's own members are not in them yet.
	for _, pl := range d.flagGroups {
		sub := Submission{Kind: "comment", ID: pl.id, ConsultationID: pl.consultationID, OrgID: pl.orgID}
		if err := s.flagCampaignMembers(ctx, tx, sub, d.campaignOf[pl.id]); err != nil {
			return err
		}
	}
	for _, campaign := range slices.Sorted(maps.Keys(d.members)) {
		if err := setPlaced(ctx, tx, s, &campaign, d.members[campaign]); err != nil {
			return err
		}
	}
	if err := setPlaced(ctx, tx, s, nil, d.alone); err != nil {
		return err
	}
	for _, pl := range d.flags {
		campaign := d.campaignOf[pl.id]
		k := queueKey{kind: pl.kind, id: pl.id, consultationID: pl.consultationID, orgID: pl.orgID, authorID: pl.authorID,
			locale: pl.locale, campaignID: campaign}
		f := flag{reason: ReasonCampaign, weight: reasonWeight[ReasonCampaign],
			detail: fmt.Sprintf("near-duplicate of %d contributions", d.sizes[campaign]-1)}
		if _, err := s.enqueue(ctx, tx, k, []flag{f}, 0); err != nil {
			return err
		}
	}
	return nil
}

// unplaced drops from batch what is placed already (a contribution both
// handed over and found unplaced in the database) or twice in it.
func (p *placer) unplaced(ctx context.Context, batch []placement) ([]placement, error) {
	ids := make([]any, 0, len(batch))
	for _, pl := range batch {
		ids = append(ids, pl.id)
	}
	var done []string
	for rest := ids; len(rest) > 0; {
		part := rest[:database.ChunkSize(len(rest), 256)]
		rest = rest[len(part):]
		var got []string
		if err := p.s.db.Reader.SelectContext(ctx, &got, p.s.q(`SELECT subject_id FROM mod_signatures WHERE placed = 1 AND subject_id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`), part...); err != nil {
			return nil, err
		}
		done = append(done, got...)
	}
	skip := make(map[string]bool, len(done)+len(batch))
	for _, id := range done {
		skip[id] = true
	}
	out := batch[:0:0]
	for _, pl := range batch {
		if !skip[pl.id] {
			skip[pl.id] = true
			out = append(out, pl)
		}
	}
	return out, nil
}

// setPlaced marks signatures placed, in the given campaign (or none), a few
// hundred per statement.
func setPlaced(ctx context.Context, tx *sqlx.Tx, s *Service, campaign *string, ids []string) error {
	for len(ids) > 0 {
		part := ids[:database.ChunkSize(len(ids), 256)]
		ids = ids[len(part):]
		args := make([]any, 0, len(part)+1)
		args = append(args, campaign)
		for _, id := range part {
			args = append(args, id)
		}
		q := `UPDATE mod_signatures SET placed = 1, campaign_id = COALESCE(?, campaign_id) WHERE subject_id IN (` +
			strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ") + `)`
		if _, err := tx.ExecContext(ctx, s.q(q), args...); err != nil {
			return err
		}
	}
	return nil
}
