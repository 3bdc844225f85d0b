package analytics

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestHideProtectsEverySmallCountOfAPartition(t *testing.T) {
	cases := []struct {
		counts []int64
		want   string // h for hidden, . for shown
	}{
		{[]int64{500, 480, 3, 50}, "..hh"}, // one small cell: the smallest other one goes too
		{[]int64{500, 480, 3, 0}, "..hh"},  // a zero protects it, and is truthfully "<10"
		{[]int64{500, 0, 3, 0}, ".hhh"},    // every zero, so no shown zero tells which
		{[]int64{500, 1, 1}, "hhh"},        // 1 and 1 sum to 2: both must be 1, so 500 goes too
		{[]int64{500, 4, 5}, ".hh"},        // 4 and 5: not pinned
		{[]int64{500, 9, 9, 40}, ".hhh"},   // 9 and 9 sum to 18: both must be 9
		{[]int64{100, 200, 300}, "..."},    // nothing small
		{[]int64{3}, "h"},                  // a lone cell equals the total: nothing to do
		{[]int64{1, 10, 300}, "hhh"},       // 1 beside a withheld 10 (at least 10) would be pinned
	}
	for _, c := range cases {
		got := ""
		for _, h := range Hide(c.counts, 10, true) {
			got += map[bool]string{true: "h", false: "."}[h]
		}
		if got != c.want {
			t.Errorf("Hide(%v) = %s; want %s", c.counts, got, c.want)
		}
	}
}

func TestPublicBreakdownShowsHiddenCountsAsStrings(t *testing.T) {
	b := suppressed("region", 1234, []string{"north", "islands", "south"}, []int64{812, 4, 418}, 10, true)
	raw := marshal(b)
	want := `{"dimension":"region","total":1234,"cells":[{"value":"north","count":812},{"value":"islands","count":"<10"},{"value":"south","count":"<10"}]}`
	if string(raw) != want {
		t.Errorf("json = %s;\nwant %s", raw, want)
	}
	small := suppressed("region", 7, []string{"north"}, []int64{7}, 10, true)
	if raw := marshal(small); string(raw) != `{"dimension":"region","total":"<10","cells":[{"value":"north","count":"<10"}]}` {
		t.Errorf("json = %s", raw)
	}
}

// marshal writes JSON as the server does for figures: "<" left as is.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return bytes.TrimSpace(buf.Bytes())
}
