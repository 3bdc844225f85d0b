package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/consult-platform/consult/i18n"
)

var (
	// {{.L.T "Key"}}, {{$p.L.N "Key" .Count}}, loc.T("Key"), rq.loc.T("Key" …)
	templateKey = regexp.MustCompile(`\.L\.[TN] "([A-Za-z0-9_]+)"`)
	goCallKey   = regexp.MustCompile(`\.(?:T|N)\("([A-Za-z0-9_]+)"[,)]`)
	// Message ids passed to domain errors and problems: "ErrSomething".
	goErrKey = regexp.MustCompile(`"(Err[A-Z][A-Za-z0-9]+)"`)
	// Keys built at run time from a prefix and an enumerated value.
	dynamicKeys = []string{
		"Status_draft", "Status_scheduled", "Status_open", "Status_closed", "Status_outcome_published",
		"Kind_policy", "Kind_codesign", "Stance_for", "Stance_against", "Stance_neutral",
		"Removed_hidden", "Removed_deleted",
		"ManageConfirm_open", "ManageConfirm_closed",
		"ManageStatusWord_draft", "ManageStatusWord_scheduled", "ManageStatusWord_open",
		"ManageStatusWord_closed", "ManageStatusWord_outcome_published",
		"OpinionMostly_agree", "OpinionMostly_disagree", "OpinionStatus_published", "OpinionStatus_pending", "OpinionStatus_removed",
		"OpinionShape_circle", "OpinionShape_square", "OpinionShape_triangle", "OpinionShape_diamond", "OpinionShape_cross", "OpinionShape_ring",
	}
)

// TestEveryMessageIDUsedIsInTheEnglishCatalog fails when a template or Go
// file uses a message id that no catalog defines: the reader would see
// the raw id instead of a sentence.
func TestEveryMessageIDUsedIsInTheEnglishCatalog(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	loc := bundle.Localizer("en")
	used := map[string]string{} // id → where
	fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(path)
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		return nil
	})
	for _, dir := range []string{".", "../consultations", "../cmd/consult"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, re := range []*regexp.Regexp{goCallKey, goErrKey} {
				for _, m := range re.FindAllStringSubmatch(string(b), -1) {
					used[m[1]] = f
				}
			}
		}
	}
	for _, k := range dynamicKeys {
		used[k] = "dynamic key"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d message ids; the scan is broken", len(used))
	}
	for id, where := range used {
		if !loc.Has(id) {
			t.Errorf("message id %q (used in %s) is missing from the English catalog", id, where)
		}
	}
}
