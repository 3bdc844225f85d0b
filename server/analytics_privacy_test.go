package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consult-platform/consult/consultations"
	"github.com/consult-platform/consult/consultations/analytics"
)

// publicCell is a count as the public reads it: a number, or hidden.
type publicCell struct {
	value  string
	n      int64
	hidden bool
}

type publicBreakdown struct {
	dim    string
	total  publicCell
	cells  []publicCell
	source string
}

func parseCount(t *testing.T, raw json.RawMessage) publicCell {
	var n int64
	if err := json.Unmarshal(raw, &n); err == nil {
		return publicCell{n: n}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || !strings.HasPrefix(s, "<") {
		t.Fatalf("count %s is neither a number nor \"<k\"", raw)
	}
	return publicCell{hidden: true}
}

// readJSONFigures reads every breakdown of the public JSON.
func readJSONFigures(t *testing.T, body []byte) ([]publicBreakdown, map[string]any) {
	var doc struct {
		Breakdowns []struct {
			Dimension string          `json:"dimension"`
			Total     json.RawMessage `json:"total"`
			Cells     []struct {
				Value string          `json:"value"`
				Count json.RawMessage `json:"count"`
			} `json:"cells"`
		} `json:"breakdowns"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	var out []publicBreakdown
	for _, b := range doc.Breakdowns {
		pb := publicBreakdown{dim: b.Dimension, total: parseCount(t, b.Total), source: "json"}
		for _, c := range b.Cells {
			pc := parseCount(t, c.Count)
			pc.value = c.Value
			pb.cells = append(pb.cells, pc)
		}
		out = append(out, pb)
	}
	var raw map[string]any
	json.Unmarshal(body, &raw)
	return out, raw
}

// readCSVFigures reads the public figures CSV back into breakdowns.
func readCSVFigures(t *testing.T, body []byte, consultationID string) []publicBreakdown {
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(analytics.FiguresCSVHeader, ",") {
		t.Fatalf("CSV header = %v", rows[0])
	}
	byDim := map[string]*publicBreakdown{}
	var order []string
	cell := func(s string) publicCell {
		if strings.HasPrefix(s, "<") {
			return publicCell{hidden: true}
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("CSV count %q", s)
		}
		return publicCell{n: n}
	}
	for _, r := range rows[1:] {
		if r[0] != consultationID {
			continue
		}
		b := byDim[r[2]]
		if b == nil {
			b = &publicBreakdown{dim: r[2], total: cell(r[5]), source: "csv"}
			byDim[r[2]] = b
			order = append(order, r[2])
		}
		c := cell(r[4])
		c.value = r[3]
		b.cells = append(b.cells, c)
	}
	var out []publicBreakdown
	for _, d := range order {
		out = append(out, *byDim[d])
	}
	return out
}

// partitions reports whether a breakdown's cells add up to its total.
func partitions(dim string, c *consultations.Consultation) bool {
	if dim == analytics.DimTotals {
		return false
	}
	if qid, ok := analytics.IsQuestionDimension(dim); ok {
		for _, q := range c.Questions {
			if q.ID == qid {
				return q.Kind != consultations.QuestionMultiple
			}
		}
	}
	return true
}

// recoverable plays an attacker against one breakdown whose total is
// known (from the breakdown, or from elsewhere: the consultation's exact
// counts on its public page). It is granted more than the figures say:
// which hidden cells are really 1..k-1, which are 0 and which are k or
// more. It enumerates (by dynamic programming over achievable sums) every
// assignment of hidden counts consistent with the total and reports the
// first hidden small count that has only one possible value.
func recoverable(truth []int64, hidden []bool, total int64, k int) (int, bool) {
	var shown int64
	var small, big []int
	zeros := false
	for i, h := range hidden {
		switch {
		case !h:
			shown += truth[i]
		case truth[i] >= int64(k):
			big = append(big, i)
		default:
			small = append(small, i)
			zeros = zeros || truth[i] == 0
		}
	}
	sum := total - shown
	lo := int64(1)
	if zeros {
		lo = 0
	}
	// reach[s]: the other small cells can add up to s.
	possible := func(skip int) map[int64]bool {
		reach := map[int64]bool{0: true}
		for _, i := range small {
			if i == skip {
				continue
			}
			next := map[int64]bool{}
			for s := range reach {
				for v := lo; v < int64(k); v++ {
					next[s+v] = true
				}
			}
			reach = next
		}
		return reach
	}
	for _, i := range small {
		if truth[i] == 0 {
			continue
		}
		reach := possible(i)
		values := 0
		for v := lo; v < int64(k); v++ {
			rest := sum - v
			for s := range reach {
				left := rest - s
				ok := left == 0 && len(big) == 0 || len(big) > 0 && left >= int64(k)*int64(len(big))
				if ok {
					values++
					break
				}
			}
		}
		if values <= 1 {
			return i, true
		}
	}
	return 0, false
}

// TestNobodyCanRecoverAHiddenCountFromThePublicFigures builds random
// consultations, closes them, and attacks every public figure: the JSON
// API, the consultation's CSV and the all-figures CSV, using each
// breakdown's total or, where that is hidden, the exact counts the
// consultation's public page gives. It then changes the data after the
// close and checks that no public figure moved (nothing to difference over
// time), and that the organisation's figures never sum across
// consultations.
func TestNobodyCanRecoverAHiddenCountFromThePublicFigures(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	staff := e.users[asStaff]
	k := e.srv.analytics.K()
	checked, hiddenSeen := 0, 0
	for seed := int64(1); seed <= 10; seed++ {
		rng := rand.New(rand.NewSource(seed))
		c := e.newConsultation(asStaff, func(d *consultations.Draft) {
			d.AllowAnonymous = true
			d.OpensAt = time.Now().Add(-time.Hour)
			d.Questions = append(d.Questions,
				consultations.QuestionDraft{Kind: consultations.QuestionScale, Prompt: consultations.LocalText{"en": "How much?"}},
				consultations.QuestionDraft{Kind: consultations.QuestionMultiple, Prompt: consultations.LocalText{"en": "Which?"},
					Options: []consultations.LocalText{{"en": "A"}, {"en": "B"}, {"en": "C"}}})
		}, consultations.StatusOpen)
		if err := e.srv.analytics.SetReference(ctx, staff, c.ID, []analytics.ReferenceShare{
			{Dimension: "region", Value: "north", Share: .5}, {Dimension: "region", Value: "south", Share: .4}, {Dimension: "region", Value: "islands", Share: .1},
		}); err != nil {
			t.Fatal(err)
		}
		n := 5 + rng.Intn(120)
		var kept *consultations.Response
		for i := range n {
			resp := consultations.NewResponse{Locale: pick(rng, "en", "en", "fr", "cy"), Channel: consultations.Channel(pick(rng, analytics.Channels...))}
			resp.Region = pick(rng, "north", "north", "south", "islands", "", consultations.PreferNotToSay)
			resp.AgeBand = pick(rng, append([]string{"", consultations.PreferNotToSay}, consultations.AgeBands...)...)
			resp.Gender = pick(rng, "woman", "man", "woman", "man", "another", "", consultations.PreferNotToSay)
			q := c.Questions
			resp.Answers = []consultations.Answer{
				{QuestionID: q[1].ID, Choices: []string{q[1].Options[rng.Intn(2)].ID}},
				{QuestionID: q[2].ID, Scale: 1 + rng.Intn(5)},
				{QuestionID: q[3].ID, Choices: []string{q[3].Options[rng.Intn(3)].ID}},
			}
			who := (*consultations.User)(nil)
			if i == 0 {
				who = e.users[asAuthor]
			}
			r, err := e.store.SubmitResponse(ctx, who, c.ID, resp, consultations.IdemKey{})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				kept = r
			}
		}
		for range rng.Intn(15) {
			e.comment(asCitizen, c.ID, consultations.NewComment{Body: "A view"})
		}
		// While open, nothing but the status is published.
		open := e.call("GET", "/api/v1/consultations/"+c.ID+"/analytics", asAnon, nil)
		if bds, _ := readJSONFigures(t, open.Body.Bytes()); len(bds) != 0 {
			t.Fatalf("seed %d: %d breakdowns published while open", seed, len(bds))
		}
		if _, err := e.store.SetStatus(ctx, staff, c.ID, consultations.StatusClosed); err != nil {
			t.Fatal(err)
		}
		c, _ = e.store.Consultation(ctx, c.ID)
		exactRep, err := e.srv.analytics.StaffReport(ctx, c, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		truth := map[string]map[string]int64{}
		for _, b := range exactRep.Breakdowns {
			truth[b.Dimension] = map[string]int64{"": b.Total.N}
			for _, cell := range b.Cells {
				truth[b.Dimension][cell.Value] = cell.Count.N
			}
		}
		jsonBody := e.call("GET", "/api/v1/consultations/"+c.ID+"/analytics", asAnon, nil).Body.Bytes()
		fromJSON, raw := readJSONFigures(t, jsonBody)
		csvBody := e.call("GET", "/open-data/consultations/"+c.ID+"/figures.csv", asAnon, nil).Body.Bytes()
		allBody := e.call("GET", "/open-data/figures.csv", asAnon, nil).Body.Bytes()
		core := apiDecode[consultations.Consultation](t, e.call("GET", "/api/v1/consultations/"+c.ID, asAnon, nil))
		known := map[string]int64{ // totals published exactly elsewhere
			"responses": int64(core.ResponseCount), "contributions": int64(core.CommentCount),
		}
		for _, set := range [][]publicBreakdown{fromJSON, readCSVFigures(t, csvBody, c.ID), readCSVFigures(t, allBody, c.ID)} {
			if len(set) == 0 {
				t.Fatalf("seed %d: no public breakdowns after closing", seed)
			}
			for _, b := range set {
				if !partitions(b.dim, c) {
					continue
				}
				total, ok := b.total.n, !b.total.hidden
				if !ok {
					switch {
					case strings.HasPrefix(b.dim, "responses_") || b.dim == "region" || b.dim == "age_band" || b.dim == "gender":
						total, ok = known["responses"], true
					case strings.HasPrefix(b.dim, "contributions_"):
						total, ok = known["contributions"], true
					}
				}
				if !ok {
					continue
				}
				vals := make([]int64, len(b.cells))
				hidden := make([]bool, len(b.cells))
				for i, cell := range b.cells {
					want, counted := truth[b.dim][cell.value]
					if from, to, period := strings.Cut(cell.value, "/"); period {
						want, counted = 0, true // a period: the days it spans
						for d, n := range truth[b.dim] {
							if d != "" && d >= from && d <= to {
								want += n
							}
						}
					}
					if !cell.hidden && cell.n != want {
						t.Fatalf("seed %d %s %s: published %d; true count %d (counted %v)", seed, b.dim, cell.value, cell.n, want, counted)
					}
					vals[i], hidden[i] = want, cell.hidden
					if cell.hidden && want >= 1 && want < int64(k) {
						hiddenSeen++
					}
				}
				if i, leak := recoverable(vals, hidden, total, k); leak {
					t.Errorf("seed %d, %s: %s = %d can be worked out from the %s figures %v", seed, b.source, b.dim, vals[i], b.source, b.cells)
				}
				checked++
			}
		}
		// Ratios must not let anyone work out how many answered: granted
		// that number, the stated groups are attacked again.
		for _, rp := range raw["representation"].([]any) {
			r := rp.(map[string]any)
			if r["ratio"] == nil {
				continue
			}
			dim := r["dimension"].(string)
			for _, b := range fromJSON {
				if b.dim != dim {
					continue
				}
				var vals []int64
				var hidden []bool
				var stated int64
				for _, cell := range b.cells {
					if cell.value == consultations.PreferNotToSay || cell.value == analytics.NotStated {
						if cell.hidden {
							t.Errorf("seed %d: %s ratios published beside a withheld %s", seed, dim, cell.value)
						}
						continue
					}
					vals = append(vals, truth[dim][cell.value])
					hidden = append(hidden, cell.hidden)
					stated += truth[dim][cell.value]
				}
				if i, leak := recoverable(vals, hidden, stated, k); leak {
					t.Errorf("seed %d: %s = %d can be worked out from the ratios", seed, dim, vals[i])
				}
			}
		}
		// Over time: the published figures never change after closing,
		// even when a respondent withdraws or new content arrives.
		if err := e.store.DeleteResponse(ctx, e.users[asAuthor], kept.ID); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/consultations/" + c.ID + "/analytics", "/open-data/consultations/" + c.ID + "/figures.csv"} {
			before := jsonBody
			if strings.HasSuffix(path, ".csv") {
				before = csvBody
			}
			if after := e.call("GET", path, asAnon, nil).Body.Bytes(); !bytes.Equal(after, before) {
				t.Errorf("seed %d: %s changed after a response was withdrawn", seed, path)
			}
		}
	}
	if checked < 50 || hiddenSeen < 10 {
		t.Fatalf("the attack checked %d breakdowns with %d small hidden counts; the data is too tame to mean anything", checked, hiddenSeen)
	}
	// The organisation's figures list each consultation's own published
	// totals and sum nothing, so closing one more cannot be differenced.
	body := e.call("GET", "/api/v1/organisations/"+e.org.Slug+"/analytics", asAnon, nil).Body.String()
	if strings.Contains(body, `"sum"`) || !strings.Contains(body, `"items"`) {
		t.Errorf("organisation figures: %s", body)
	}
}

// TestTheAttackerFindsWhatNaiveSuppressionLeaves makes sure the attack
// above is not toothless: hiding only the small cells leaks them.
func TestTheAttackerFindsWhatNaiveSuppressionLeaves(t *testing.T) {
	cases := []struct {
		counts []int64
		hidden []bool
	}{
		{[]int64{500, 480, 3}, []bool{false, false, true}},         // the total minus the others
		{[]int64{500, 1, 1}, []bool{false, true, true}},            // two hidden that can only be 1 and 1
		{[]int64{300, 1, 10}, []bool{false, true, true}},           // 1 beside a withheld 10
		{[]int64{500, 9, 9, 40}, []bool{false, true, true, false}}, // 9 and 9
	}
	for _, c := range cases {
		var total int64
		for _, n := range c.counts {
			total += n
		}
		if _, leak := recoverable(c.counts, c.hidden, total, 10); !leak {
			t.Errorf("the attacker finds nothing in %v hidden %v", c.counts, c.hidden)
		}
		if _, leak := recoverable(c.counts, analytics.Hide(c.counts, 10, true), total, 10); leak {
			t.Errorf("the attacker recovers a count of %v after Hide", c.counts)
		}
	}
}

func pick(rng *rand.Rand, values ...string) string { return values[rng.Intn(len(values))] }

// TestPublicExportsHoldNoRowAboutAnyPerson checks the open-data files for
// anything personal.
func TestPublicExportsHoldNoRowAboutAnyPerson(t *testing.T) {
	e := newAPIEnv(t)
	resp, err := e.store.SubmitResponse(context.Background(), e.users[asAuthor], e.policy.ID, e.policyAnswers(), consultations.IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/open-data/figures.csv", "/open-data/consultations.csv", "/open-data/consultations.json", "/open-data/catalogue.json",
		"/api/v1/consultations/" + e.past.ID + "/analytics", "/api/v1/organisations/" + e.org.Slug + "/analytics"} {
		rec := e.call("GET", path, asAnon, nil)
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		body := rec.Body.String()
		for _, personal := range []string{e.users[asAuthor].Email, e.users[asAuthor].ID, resp.Reference, resp.ID, "@"} {
			if strings.Contains(body, personal) {
				t.Errorf("GET %s contains %q", path, personal)
			}
		}
		if !strings.Contains(body, "creativecommons.org/licenses/by/4.0") {
			t.Errorf("GET %s does not name its licence", path)
		}
	}
}
