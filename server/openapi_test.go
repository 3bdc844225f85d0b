package server

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/consult-platform/consult/consultations"
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
				success = success || strings.HasPrefix(code, "2") || code == "101" // 101: a websocket opened
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

// TestAPIAnswersMatchTheirDocumentedSchemas checks real answers against
// the document's response schemas, so that the description cannot drift
// from what the server sends: required properties present, no property
// undocumented, and types as declared.
func TestAPIAnswersMatchTheirDocumentedSchemas(t *testing.T) {
	doc, _, e := loadOpenAPI(t)
	idea := e.comment(asAuthor, e.codesign.ID, consultations.NewComment{Kind: consultations.KindIdea, Title: "Idea", Body: "Details"})
	resp, err := e.store.SubmitResponse(context.Background(), e.users[asAuthor], e.policy.ID, e.policyAnswers(), consultations.IdemKey{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path, role string
		body               any
		schema             string
	}{
		{"GET", "/api/v1/consultations", asAnon, nil, "ConsultationList"},
		{"GET", "/api/v1/consultations/" + e.policy.ID, asAnon, nil, "Consultation"},
		{"GET", "/api/v1/consultations/" + e.policy.ID + "/comments", asAnon, nil, "CommentList"},
		{"GET", "/api/v1/consultations/" + e.past.ID + "/outcome", asAnon, nil, "Outcome"},
		{"GET", "/api/v1/comments/" + idea.ID, asAnon, nil, "Comment"},
		{"GET", "/api/v1/responses/" + resp.ID, asAuthor, nil, "Response"},
		{"GET", "/api/v1/me", asStaff, nil, "Me"},
		{"GET", "/api/v1/me/contributions", asAuthor, nil, "Contributions"},
		{"GET", "/api/v1/me/notifications", asCitizen, nil, "NotificationList"},
		{"GET", "/api/v1/organisations", asAnon, nil, "OrganisationList"},
		{"POST", "/api/v1/comments/" + idea.ID + "/support", asCitizen, nil, "SupportState"},
		{"POST", "/api/v1/consultations/" + e.policy.ID + "/responses", asAnon, e.policyAnswers(), "ResponseReceipt"},
		{"POST", "/api/v1/consultations/" + e.policy.ID + "/comments", asCitizen, map[string]string{"body": "Hello"}, "Comment"},
		{"POST", "/api/v1/consultations", asStaff, apiDraft(e.org.ID), "Consultation"},
		{"POST", "/api/v1/accounts", asAnon, map[string]string{"email": "schema@example.org", "password": "long enough", "display_name": "S"}, "User"},
		{"POST", "/api/v1/tokens", asAnon, map[string]string{"email": "schema@example.org", "password": "long enough"}, "Token"},
		{"POST", "/api/v1/consultations", asCitizen, apiDraft(e.org.ID), "Error"},
		{"POST", "/api/v1/consultations/" + e.policy.ID + "/comments", asCitizen, `{"body":1}`, "Error"},
	}
	for _, c := range cases {
		rec := e.call(c.method, c.path, c.role, c.body)
		if rec.Code >= 300 && c.schema != "Error" {
			t.Errorf("%s %s = %d %s", c.method, c.path, rec.Code, rec.Body.String())
			continue
		}
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		conformsTo(t, doc, c.method+" "+c.path, map[string]any{"$ref": "#/components/schemas/" + c.schema}, v)
	}
}

// conformsTo checks v against a schema, as far as the document uses
// JSON Schema: $ref, type, properties, required, items,
// additionalProperties and enum.
func conformsTo(t *testing.T, doc openAPIDoc, where string, schema map[string]any, v any) {
	t.Helper()
	if ref, ok := schema["$ref"].(string); ok {
		var s map[string]any
		json.Unmarshal(doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], &s)
		conformsTo(t, doc, where, s, v)
		return
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, x := range enum {
			found = found || x == v
		}
		if !found {
			t.Errorf("%s: %v is not one of %v", where, v, enum)
		}
	}
	types := map[string]bool{}
	switch ty := schema["type"].(type) {
	case string:
		types[ty] = true
	case []any:
		for _, x := range ty {
			types[x.(string)] = true
		}
	}
	switch v := v.(type) {
	case map[string]any:
		if len(types) > 0 && !types["object"] {
			t.Errorf("%s: got an object; want %v", where, schema["type"])
			return
		}
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asList(schema["required"]) {
			if _, ok := v[r]; !ok {
				t.Errorf("%s: required property %s is missing", where, r)
			}
		}
		for k, x := range v {
			if p, ok := props[k].(map[string]any); ok {
				conformsTo(t, doc, where+"."+k, p, x)
			} else if extra, ok := schema["additionalProperties"].(map[string]any); ok {
				conformsTo(t, doc, where+"."+k, extra, x)
			} else if props != nil {
				t.Errorf("%s: property %s is not documented", where, k)
			}
		}
	case []any:
		if len(types) > 0 && !types["array"] {
			t.Errorf("%s: got an array; want %v", where, schema["type"])
			return
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range v {
				conformsTo(t, doc, where+"["+strconv.Itoa(i)+"]", items, x)
			}
		}
	case string:
		if len(types) > 0 && !types["string"] {
			t.Errorf("%s: got string %q; want %v", where, v, schema["type"])
		}
	case float64:
		if len(types) > 0 && !types["integer"] && !types["number"] {
			t.Errorf("%s: got number %v; want %v", where, v, schema["type"])
		}
	case bool:
		if len(types) > 0 && !types["boolean"] {
			t.Errorf("%s: got boolean; want %v", where, schema["type"])
		}
	case nil:
		if len(types) > 0 && !types["null"] {
			t.Errorf("%s: got null; want %v", where, schema["type"])
		}
	}
}

func asList(v any) []string {
	var out []string
	for _, x := range asAnyList(v) {
		out = append(out, x.(string))
	}
	return out
}

func asAnyList(v any) []any { l, _ := v.([]any); return l }
