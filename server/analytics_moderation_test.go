package server

import (
	"encoding/json"
	"testing"
)

func TestStaffAnalyticsShowModerationFigures(t *testing.T) {
	e := newAPIEnv(t)
	cm, _ := e.hiddenComment(asModerator)
	rec := e.call("GET", "/api/v1/consultations/"+cm.ConsultationID+"/analytics/exact", asStaff, nil)
	if rec.Code != 200 {
		t.Fatalf("exact analytics = %d %s", rec.Code, rec.Body)
	}
	var body struct {
		Moderation struct {
			Available        bool `json:"available"`
			HiddenByCategory struct {
				Cells []struct {
					Value string `json:"value"`
					Count any    `json:"count"`
				} `json:"cells"`
			} `json:"hidden_by_category"`
		} `json:"moderation"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if !body.Moderation.Available {
		t.Fatal("moderation figures are not available to staff after a decision")
	}
	found := false
	for _, c := range body.Moderation.HiddenByCategory.Cells {
		found = found || (c.Value == "spam" && c.Count == float64(1))
	}
	if !found {
		t.Errorf("hidden by category = %+v; want spam: 1", body.Moderation.HiddenByCategory.Cells)
	}
}
