package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"minyi/accounts"
	"minyi/api"
)

// TestOpenAPIDocumentFile writes the served document to the file named by
// MINYI_OPENAPI_OUT, for scripts/test.sh to lint with an independent
// linter. It goes through the production route table and router, as an
// administrator, so the whole document is linted.
func TestOpenAPIDocumentFile(t *testing.T) {
	out := os.Getenv("MINYI_OPENAPI_OUT")
	if out == "" {
		t.Skip("MINYI_OPENAPI_OUT not set")
	}
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken) // the whole document, not the public part
	api.New(api.Options{AdminToken: adminToken}).ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", w.Code, w.Body)
	}
	if err := os.WriteFile(out, w.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPIAnswersMatchSchemas sends real requests through the router
// over the embedded store and checks each JSON answer against the schema
// the document declares for that operation and status: every key is
// declared, every required key is there, at every level, with the
// declared JSON type.
func TestOpenAPIAnswersMatchSchemas(t *testing.T) {
	fx := newResultsFixture(t)
	e := fx.env
	doc := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/openapi.json", nil), http.StatusOK)
	sv := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	m := e.member("张建国", fx.b1)
	wo := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/work-orders", call("complaint", fx.b1, "13812345678")), http.StatusCreated)
	e.tokenFor(accounts.RoleLeader, "")
	id, slug, woID := fx.surveyID, sv["slug"].(string), wo["id"].(string)
	for _, c := range []struct {
		method, path, template string
		body                   any
		status                 int
	}{
		{"GET", "/api/v1/orgs", "/api/v1/orgs", nil, 200},
		{"GET", "/api/v1/orgs/" + fx.b1, "/api/v1/orgs/{id}", nil, 200},
		{"GET", "/api/v1/members?org_id=" + fx.b1, "/api/v1/members", nil, 200},
		{"GET", "/api/v1/members/" + m.ID, "/api/v1/members/{id}", nil, 200},
		{"GET", "/api/v1/surveys", "/api/v1/surveys", nil, 200},
		{"GET", "/api/v1/surveys/" + id, "/api/v1/surveys/{id}", nil, 200},
		{"GET", "/api/v1/surveys/templates", "/api/v1/surveys/templates", nil, 200},
		{"GET", "/api/v1/surveys/" + id + "/codes", "/api/v1/surveys/{id}/codes", nil, 200},
		{"GET", "/api/v1/public/surveys/" + slug, "/api/v1/public/surveys/{slug}", nil, 200},
		{"GET", "/api/v1/surveys/" + id + "/ballots?limit=2", "/api/v1/surveys/{id}/ballots", nil, 200},
		{"GET", "/api/v1/surveys/" + id + "/results", "/api/v1/surveys/{id}/results", nil, 200},
		{"POST", "/api/v1/surveys/" + id + "/results/rebuild", "/api/v1/surveys/{id}/results/rebuild", nil, 200},
		{"PUT", "/api/v1/surveys/" + id + "/subjects/" + fx.b1 + "/final-grade", "/api/v1/surveys/{id}/subjects/{subject_id}/final-grade", map[string]any{"grade": "ok", "reason": "支部会议决定"}, 200},
		{"GET", "/api/v1/surveys/" + id + "/final-grades", "/api/v1/surveys/{id}/final-grades", nil, 200},
		{"GET", "/api/v1/surveys/" + id + "/texts?question=q4", "/api/v1/surveys/{id}/texts", nil, 200},
		{"GET", "/api/v1/work-orders", "/api/v1/work-orders", nil, 200},
		{"GET", "/api/v1/work-orders/" + woID, "/api/v1/work-orders/{id}", nil, 200},
		{"GET", "/api/v1/work-orders/stats", "/api/v1/work-orders/stats", nil, 200},
		{"POST", "/api/v1/work-orders/" + woID + "/events", "/api/v1/work-orders/{id}/events", map[string]any{"action": "supervise", "note": "请尽快办理"}, 201},
		{"GET", "/api/v1/users", "/api/v1/users", nil, 200},
		{"GET", "/api/v1/tokens", "/api/v1/tokens", nil, 200},
		{"GET", "/api/v1/audit", "/api/v1/audit", nil, 200},
		{"GET", "/api/v1/session", "/api/v1/session", nil, 200},
	} {
		w := e.do(c.method, c.path, c.body)
		if w.Code != c.status {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, w.Code, c.status, w.Body)
			continue
		}
		op, _ := jsonPath(doc, "paths", c.template, strings.ToLower(c.method)).(map[string]any)
		schema, _ := jsonPath(op, "responses", strconv.Itoa(c.status), "content", "application/json", "schema").(map[string]any)
		if schema == nil {
			t.Errorf("%s %s: no schema for %d", c.method, c.template, c.status)
			continue
		}
		var body any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		for _, p := range conform(doc, schema, body, "") {
			t.Errorf("%s %s: %s", c.method, c.path, p)
		}
	}
}

func jsonPath(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// conform lists where v departs from schema (OpenAPI 3.0: $ref, allOf,
// nullable, type, properties, required, items, additionalProperties,
// enum).
func conform(doc, schema map[string]any, v any, at string) []string {
	for {
		if ref, ok := schema["$ref"].(string); ok {
			schema = jsonPath(doc, strings.Split(strings.TrimPrefix(ref, "#/"), "/")...).(map[string]any)
			continue
		}
		if all, ok := schema["allOf"].([]any); ok && len(all) == 1 {
			if v == nil && schema["nullable"] == true {
				return nil
			}
			schema = all[0].(map[string]any)
			continue
		}
		break
	}
	if at == "" {
		at = "."
	}
	if v == nil {
		if len(schema) == 0 || schema["nullable"] == true {
			return nil
		}
		return []string{at + ": null, not nullable"}
	}
	var out []string
	switch schema["type"] {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an object", at, v)}
		}
		props, _ := schema["properties"].(map[string]any)
		extra, _ := schema["additionalProperties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := obj[r]; !ok {
				out = append(out, at+": required key "+r+" missing")
			}
		}
		for k, val := range obj {
			switch {
			case props[k] != nil:
				out = append(out, conform(doc, props[k].(map[string]any), val, strings.TrimSuffix(at, ".")+"."+k)...)
			case extra != nil:
				out = append(out, conform(doc, extra, val, at+"["+k+"]")...)
			default:
				out = append(out, at+": undeclared key "+k)
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an array", at, v)}
		}
		for i, val := range arr {
			out = append(out, conform(doc, schema["items"].(map[string]any), val, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want a string", at, v)}
		}
		if enum := asStrings(schema["enum"]); len(enum) > 0 && !slices.Contains(enum, s) {
			out = append(out, fmt.Sprintf("%s: %q not in %v", at, s, enum))
		}
		if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				out = append(out, at+": not a date-time: "+s)
			}
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want a number", at, v)}
		}
		if schema["type"] == "integer" && n != math.Trunc(n) {
			out = append(out, fmt.Sprintf("%s: %v, want an integer", at, n))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s: %T, want a boolean", at, v)}
		}
	}
	return out
}

func asStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, s := range list {
		out = append(out, s.(string))
	}
	return out
}
