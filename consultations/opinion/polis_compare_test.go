package opinion

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// polisData finds the shared Pol.is conversations beside the repository
// (../shared/data/polis from the repository root), as in CI.
func polisData(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "polis")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the Pol.is open data is missing: expected %s (shared/data/polis beside the repository clone): %v", dir, err)
	}
	return dir
}

func readConversation(t testing.TB, dir string) *PolisConversation {
	t.Helper()
	comments, err := os.Open(filepath.Join(dir, "comments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer comments.Close()
	votes, err := os.Open(filepath.Join(dir, "votes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer votes.Close()
	conv, err := ReadPolis(comments, votes)
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

// polisGroups reads the group-id Polis gave each participant (blank rows,
// participants Polis did not group, left out).
func polisGroups(t testing.TB, dir string) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "participants-votes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int{}
	err = readCSV(f, "participants-votes.csv", []string{"participant", "group-id"}, func(get func(string) string) error {
		g := get("group-id")
		if g == "" {
			return nil
		}
		n, err := strconv.Atoi(g)
		if err != nil {
			return err
		}
		out[get("participant")] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// adjustedRand is the adjusted Rand index of two labelings of the same
// items (Hubert and Arabie, 1985).
func adjustedRand(a, b []int) float64 {
	table := map[[2]int]float64{}
	ra, rb := map[int]float64{}, map[int]float64{}
	for i := range a {
		table[[2]int{a[i], b[i]}]++
		ra[a[i]]++
		rb[b[i]]++
	}
	c2 := func(n float64) float64 { return n * (n - 1) / 2 }
	var index, sa, sb float64
	for _, n := range table {
		index += c2(n)
	}
	for _, n := range ra {
		sa += c2(n)
	}
	for _, n := range rb {
		sb += c2(n)
	}
	expected := sa * sb / c2(float64(len(a)))
	maxIndex := (sa + sb) / 2
	if maxIndex == expected {
		return 1
	}
	return (index - expected) / (maxIndex - expected)
}

type comparison struct {
	ours, theirs []int
	k, polisK    int
	participants int
}

func compareWithPolis(t testing.TB, name string, opts Options) (*Result, comparison) {
	dir := filepath.Join(polisData(t), name)
	conv := readConversation(t, dir)
	m, ids := conv.Matrix()
	names := make([]string, len(ids))
	for j, id := range ids {
		names[j] = strconv.Itoa(id)
	}
	res := Analyse(m, names, nil, opts)
	theirs := polisGroups(t, dir)
	var cmp comparison
	groups := map[int]bool{}
	for _, g := range theirs {
		groups[g] = true
	}
	cmp.polisK, cmp.k = len(groups), res.K
	for _, p := range res.Points {
		if g, ok := theirs[p.Participant]; ok {
			cmp.ours = append(cmp.ours, p.Group)
			cmp.theirs = append(cmp.theirs, g)
		}
	}
	cmp.participants = len(cmp.ours)
	return res, cmp
}

// TestGroupsAgreeWithPolis imports each shared Pol.is conversation,
// computes groups and reports the adjusted Rand index against the groups
// Polis assigned. On the two-group conversations our method must choose
// the same k and reach at least 0.5.
func TestGroupsAgreeWithPolis(t *testing.T) {
	cases := []struct {
		name      string
		mustMatch bool
	}{
		{"15-per-hour-seattle", true},
		{"austria-climate.5twd2jsnkf.2022-08-08", true},
		{"london.youth.policing", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, cmp := compareWithPolis(t, tc.name, Options{})
			ari := adjustedRand(cmp.ours, cmp.theirs)
			_, forced := compareWithPolis(t, tc.name, Options{K: cmp.polisK})
			ariForced := adjustedRand(forced.ours, forced.theirs)
			t.Logf("%s: %d votes, %d voters, %d grouped by us, %d compared; k ours %d (silhouette %.3f), Polis %d; ARI %.3f; with Polis's k: ARI %.3f",
				tc.name, res.Votes, res.Voters, res.Grouped, cmp.participants, cmp.k, res.Silhouette, cmp.polisK, ari, ariForced)
			if !tc.mustMatch {
				return
			}
			if cmp.k != cmp.polisK {
				t.Errorf("chose %d groups; Polis found %d", cmp.k, cmp.polisK)
			}
			if ari < 0.5 {
				t.Errorf("adjusted Rand index %.3f against Polis's groups; want at least 0.5", ari)
			}
		})
	}
}
