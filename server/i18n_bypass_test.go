package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

var (
	templateAction = regexp.MustCompile(`(?s){{.*?}}`)
	htmlComment    = regexp.MustCompile(`(?s)<!--.*?-->`)
	scriptOrStyle  = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	htmlTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	htmlEntity     = regexp.MustCompile(`&[#a-zA-Z0-9]+;`)
	// Attributes a reader sees or hears.
	spokenAttr = regexp.MustCompile(`(?i)\s(alt|title|aria-label|placeholder|aria-description|aria-roledescription|data-confirm)="([^"]*)"`)
	// A button's value is its label.
	buttonValue = regexp.MustCompile(`(?i)<input\b[^>]*type="(?:submit|button|reset)"[^>]*value="([^"]*)"`)
	// Template functions that write English whatever the reader's language.
	englishOnlyFunc = regexp.MustCompile(`{{[^}]*[({\s](date|datetime)\s`)
)

// literalTextAllowed is text in templates that is the same in every
// language: the product's name as a wordmark, and technical words.
var literalTextAllowed = map[string]bool{
	"/consultations/":           true, // a web address shown as such
	"comments.csv ,  votes.csv": true, // Pol.is export file names
}

// TestTemplatesHaveNoTextOutsideTheCatalog fails when a template writes
// words a reader sees (text between tags, or a spoken attribute) that do
// not come from the catalog: they would stay English in every language.
func TestTemplatesHaveNoTextOutsideTheCatalog(t *testing.T) {
	n := 0
	fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, _ := templateFiles.ReadFile(path)
		src := string(b)
		if m := englishOnlyFunc.FindStringSubmatch(src); m != nil {
			t.Errorf("%s: uses %q, which writes English; use .L.Date or .L.DateTime", path, m[1])
		}
		text := templateAction.ReplaceAllString(src, "")
		text = htmlComment.ReplaceAllString(text, "")
		text = scriptOrStyle.ReplaceAllString(text, "")
		for _, m := range spokenAttr.FindAllStringSubmatch(text, -1) {
			if hasWords(m[2]) && !literalTextAllowed[strings.TrimSpace(m[2])] {
				t.Errorf("%s: attribute %s=%q is not translated", path, m[1], m[2])
			}
		}
		for _, m := range buttonValue.FindAllStringSubmatch(text, -1) {
			if hasWords(m[1]) {
				t.Errorf("%s: button label %q is not translated", path, m[1])
			}
		}
		text = htmlTag.ReplaceAllString(text, " ")
		text = htmlEntity.ReplaceAllString(text, " ")
		for _, line := range strings.Split(text, "\n") {
			if s := strings.TrimSpace(line); hasWords(s) && !literalTextAllowed[s] {
				t.Errorf("%s: text %q is not translated", path, s)
			}
		}
		return nil
	})
	if n < 10 {
		t.Fatalf("scanned only %d templates; the scan is broken", n)
	}
}

func hasWords(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// sentence looks like words for a reader: two or more words of letters,
// starting with a capital ("Something went wrong").
var sentence = regexp.MustCompile(`^[A-Z][a-z']+( [A-Za-z',.!?:;-]+)+[.!?]?$`)

// goTextAllowed are literals that look like sentences but are not shown
// to readers in a page: plain-text answers to probes and last-resort
// fallbacks when even rendering failed.
var goTextAllowed = map[string]bool{}

// TestGoCodeHasNoEnglishSentencesForReaders fails when Go code in server/
// passes an English sentence to a page or an error instead of a catalog
// id. Logs, metrics help and errors for developers (fmt.Errorf,
// errors.New) are not for readers and are skipped.
func TestGoCodeHasNoEnglishSentencesForReaders(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if isDeveloperCall(n.Fun) {
					return false
				}
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "renderError" || sel.Sel.Name == "newPage") {
					for _, a := range n.Args {
						if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING && hasWords(lit.Value) {
							t.Errorf("%s: %s is given literal text %s; give it a translated string", fset.Position(lit.Pos()), sel.Sel.Name, lit.Value)
						}
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "Help" || id.Name == "Scope") {
					return false
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil || goTextAllowed[s] {
					return true
				}
				if sentence.MatchString(s) {
					t.Errorf("%s: %q looks like text for readers; put it in a catalog and use its id", fset.Position(n.Pos()), s)
				}
			}
			return true
		})
	}
}

// isDeveloperCall reports calls whose strings are for developers or
// operators: logging, wrapped errors, panics.
func isDeveloperCall(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && (x.Name == "fmt" || x.Name == "errors" || x.Name == "slog") {
			return f.Sel.Name != "Sprintf" && f.Sel.Name != "Sprint"
		}
		switch f.Sel.Name {
		case "Debug", "Info", "Warn", "Error", "Fatal", "Fatalf", "Errorf":
			return true
		}
	case *ast.Ident:
		return f.Name == "panic"
	}
	return false
}
