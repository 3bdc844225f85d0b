package moderation

import (
	"encoding/csv"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// madridComments reads the real citizen comments of Decide Madrid (City
// of Madrid, via argrecsys/decide-madrid-2019-annotations, Apache-2.0),
// kept outside the repository in ../shared/data; the test is skipped
// where that folder is missing.
func madridComments(t testing.TB) []string {
	t.Helper()
	var path string
	for _, p := range []string{"../../shared/data/decide-madrid/comments.csv", "../shared/data/decide-madrid/comments.csv"} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("the Decide Madrid data is missing: expected ../shared/data/decide-madrid/comments.csv beside the repository clone, as in CI")
	}
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "text" {
			col = i
		}
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[col])
	}
	return out
}

// variants rewrites text the way campaign templates are filled in:
// a greeting, a sign-off, a changed word, different punctuation.
func variants(text string, n int, rng *rand.Rand) []string {
	greet := []string{"", "Hola. ", "Buenos días, ", "Estimado Ayuntamiento: "}
	sign := []string{"", " Gracias.", " Un saludo.", " ¡Por favor!"}
	out := make([]string, n)
	for i := range out {
		words := strings.Fields(text)
		if len(words) > 8 {
			j := 3 + rng.Intn(len(words)-6)
			words[j] = strings.ToUpper(words[j])
		}
		out[i] = greet[rng.Intn(len(greet))] + strings.Join(words, " ") + sign[rng.Intn(len(sign))]
	}
	return out
}

func TestCampaignVariantsOfARealCommentAreGroupedAmongRealComments(t *testing.T) {
	real := madridComments(t)
	rng := rand.New(rand.NewSource(1))
	template := "El Ayuntamiento debería ampliar las aceras de la calle Atocha y plantar árboles para que los vecinos puedan pasear con seguridad y a la sombra en verano"
	campaign := variants(template, 40, rng)
	texts := append(append([]string{}, real...), campaign...)
	cluster := Cluster(texts)

	first := cluster[len(real)]
	for i := range campaign {
		if cluster[len(real)+i] != first {
			t.Errorf("variant %d (%q) is not in the campaign's group", i, campaign[i])
		}
	}
	for i := range real {
		if cluster[i] == first {
			t.Errorf("real comment %d (%q) was put in the campaign's group", i, real[i])
		}
	}
	// Real near-duplicates exist too (people paste their comment under
	// several proposals); they form groups of their own. Log them, and
	// check that grouping stays rare among genuinely different texts.
	groups := map[int]int{}
	for i := range real {
		groups[cluster[i]]++
	}
	grouped := 0
	for _, n := range groups {
		if n > 1 {
			grouped += n
		}
	}
	t.Logf("%d of %d real comments fall into near-duplicate groups", grouped, len(real))
	if grouped > len(real)/10 {
		t.Errorf("%d of %d real comments grouped: too eager", grouped, len(real))
	}
}

func TestSimilarTextsShareASignatureAndDifferentOnesDoNot(t *testing.T) {
	a := Sign(Shingles(Tokens("Please keep the 20mph limit outside every primary school in the borough, it saves lives")))
	b := Sign(Shingles(Tokens("Hello. Please, KEEP the 20mph limit outside every primary school in the borough; it saves lives!")))
	c := Sign(Shingles(Tokens("The bus timetable on route 12 is wrong on Sundays and the stop at the library has no shelter")))
	if s := a.Similarity(&b); s < NearDuplicate {
		t.Errorf("similar texts: %.2f < %.2f", s, NearDuplicate)
	}
	if s := a.Similarity(&c); s >= 0.3 {
		t.Errorf("different texts: %.2f", s)
	}
	back, ok := SignatureFrom(a.Bytes())
	if !ok || back != a {
		t.Error("a signature does not survive storage")
	}
}
