package moderation

import "time"

// lshIndex holds one consultation's near-duplicate buckets in memory: for
// each band bucket, the first signature seen in it. A new signature is
// compared with the owners of its buckets only, as Cluster does, so
// placing a contribution costs a few map look-ups however large the
// consultation. Only the placer goroutine touches an index.
type lshIndex struct {
	owner   map[uint32]int32 // band bucket, folded to 32 bits → members index
	members []lshMember
	size    map[string]int // campaign id → members, as stored
	newest  time.Time      // the latest creation time loaded from the database
}

// lshMember is a signature that owns at least one bucket. A folded bucket
// may be shared by unrelated texts; the similarity check sorts them out.
type lshMember struct {
	id       string
	sig      Signature
	campaign string
}

// maxIndexed bounds the members an index keeps (about 50 MB for 100,000):
// beyond it the older half is forgotten, so a campaign is found among the
// most recent contributions of a very large consultation.
const maxIndexed = 100_000

func newLSHIndex() *lshIndex {
	return &lshIndex{owner: map[uint32]int32{}, size: map[string]int{}}
}

func fold(b int64) uint32 { return uint32(b) ^ uint32(b>>32) }

// match returns the most similar owner of sig's buckets at or above
// NearDuplicate, other than id itself, or -1.
func (x *lshIndex) match(id string, sig *Signature) int {
	best, bestSim := -1, NearDuplicate
	for b := 0; b < Bands; b++ {
		m, ok := x.owner[fold(sig.bucket(b))]
		if !ok || int(m) == best || x.members[m].id == id {
			continue
		}
		if sim := sig.Similarity(&x.members[m].sig); sim >= bestSim {
			best, bestSim = int(m), sim
		}
	}
	return best
}

// add makes sig the owner of its buckets that have none.
func (x *lshIndex) add(id string, sig *Signature, campaign string) {
	if len(x.members) >= maxIndexed {
		x.forgetOlderHalf()
	}
	idx := int32(len(x.members))
	claimed := false
	for b := 0; b < Bands; b++ {
		k := fold(sig.bucket(b))
		if _, ok := x.owner[k]; !ok {
			x.owner[k] = idx
			claimed = true
		}
	}
	if claimed {
		x.members = append(x.members, lshMember{id: id, sig: *sig, campaign: campaign})
	}
}

func (x *lshIndex) forgetOlderHalf() {
	keep := x.members[len(x.members)/2:]
	x.members = nil
	x.owner = make(map[uint32]int32, len(keep)*Bands)
	for i := range keep {
		x.add(keep[i].id, &keep[i].sig, keep[i].campaign)
	}
}

// setCampaign records that member m now belongs to campaign.
func (x *lshIndex) setCampaign(m int, campaign string) { x.members[m].campaign = campaign }
