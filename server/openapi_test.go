package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// openAPIDoc is the part of an OpenAPI 3.1 document the checks read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]json.RawMessage `json:"schemas"`
		Responses       map[string]json.RawMessage `json:"responses"`
		Parameters      map[string]json.RawMessage `json:"parameters"`
		SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
	} `json:"components"`
}

type openAPIOperation struct {
	OperationID string                     `json:"operationId"`
	Parameters  []map[string]any           `json:"parameters"`
	Responses   map[string]json.RawMessage `json:"responses"`
	Security    []map[string][]string      `json:"security"`
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true}

func loadOpenAPI(t *testing.T) (openAPIDoc, []byte, *apiEnv) {
	t.Helper()
	e := newAPIEnv(t)
	rec := e.call("GET", "/api/v1/openapi.json", asAnon, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json = %d", rec.Code)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the served document is not JSON: %v", err)
	}
	return doc, rec.Body.Bytes(), e
}

// TestOpenAPIDocumentsEveryAPIRouteAndNothingElse compares the document's
// operations with the server's /api/v1 routes, so that a route added
// without documentation (or documentation of a route that is gone) fails.
func TestOpenAPIDocumentsEveryAPIRouteAndNothingElse(t *testing.T) {
	doc, _, e := loadOpenAPI(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q; want 3.1.0", doc.OpenAPI)
	}
	routes := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		method, pattern, _ := strings.Cut(rt, " ")
		if strings.HasPrefix(pattern, "/api/v1/") {
			routes[strings.ToLower(method)+" "+openAPIPath(pattern)] = true
		}
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			if httpMethods[method] {
				documented[method+" "+path] = true
			}
		}
	}
	for _, r := range sortedKeys(routes) {
		if !documented[r] {
			t.Errorf("route %s is not in server/openapi.json", r)
		}
	}
	for _, d := range sortedKeys(documented) {
		if !routes[d] {
			t.Errorf("server/openapi.json documents %s, which is not a route", d)
		}
	}
}

// openAPIPath turns a ServeMux pattern into an OpenAPI path template:
// "{id...}" and "{$}" lose their markers.
func openAPIPath(pattern string) string {
	pattern = strings.ReplaceAll(pattern, "{$}", "")
	return regexp.MustCompile(`\{(\w+)\.\.\.\}`).ReplaceAllString(pattern, "{$1}")
}

func TestOpenAPIOperationsDeclareResponsesParametersAndSecurity(t *testing.T) {
	doc, _, _ := loadOpenAPI(t)
	ids := map[string]string{}
	paramRef := regexp.MustCompile(`\{(\w+)\}`)
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !httpMethods[method] {
				continue
			}
			where := method + " " + path
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %s", where, other, op.OperationID)
			}
			ids[op.OperationID] = where
			if len(op.Responses) == 0 {
				t.Errorf("%s declares no responses", where)
			}
			success := false
			for code := range op.Responses {
				success = success || strings.HasPrefix(code, "2")
			}
			if !success {
				t.Errorf("%s declares no success response", where)
			}
			if method != "get" || strings.HasPrefix(path, "/api/v1/consultations") {
				if _, ok := op.Responses["500"]; !ok {
					t.Errorf("%s does not declare the internal error response", where)
				}
			}
			declared := map[string]bool{}
			for _, p := range op.Parameters {
				if ref, ok := p["$ref"].(string); ok {
					name := strings.TrimPrefix(ref, "#/components/parameters/")
					var param map[string]any
					json.Unmarshal(doc.Components.Parameters[name], &param)
					p = param
				}
				if p["in"] == "path" {
					declared[p["name"].(string)] = true
				}
			}
			for _, m := range paramRef.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s does not declare path parameter %s", where, m[1])
				}
			}
			for _, req := range op.Security {
				for scheme := range req {
					if _, ok := doc.Components.SecuritySchemes[scheme]; !ok {
						t.Errorf("%s uses undefined security scheme %s", where, scheme)
					}
				}
			}
		}
	}
	if _, ok := doc.Components.SecuritySchemes["bearerAuth"]; !ok {
		t.Error("no bearerAuth security scheme")
	}
	for _, name := range []string{"Consultation", "Question", "Comment", "ResponseReceipt", "Error", "ConsultationList", "CommentList"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("components.schemas has no %s", name)
		}
	}
}

// TestOpenAPIReferencesResolve walks the whole document and checks that
// every $ref names a component that exists.
func TestOpenAPIReferencesResolve(t *testing.T) {
	doc, raw, _ := loadOpenAPI(t)
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	sections := map[string]map[string]json.RawMessage{
		"schemas": doc.Components.Schemas, "responses": doc.Components.Responses, "parameters": doc.Components.Parameters,
	}
	count := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				count++
				parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
				if !strings.HasPrefix(ref, "#/components/") || len(parts) != 2 || sections[parts[0]][parts[1]] == nil {
					t.Errorf("$ref %q does not resolve", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
	if count == 0 {
		t.Error("the document has no $ref at all")
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
