package openapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type color string

type base struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created_at"`
}

type node struct {
	base
	Name     string  `json:"name,omitempty"`
	Color    color   `json:"color"`
	Parent   *node   `json:"parent"`
	Children []*node `json:"children"`
	Secret   string  `json:"-"`
	Note     *string `json:"note"`
	hidden   int     // unexported: not in the schema
}

var _ = node{hidden: 1}

type page[T any] struct {
	Items []T `json:"items"`
}

func TestSchemaByReflection(t *testing.T) {
	g := newSchemas(Options{Enums: map[reflect.Type][]string{reflect.TypeFor[color](): {"red", "blue"}}})
	if got := g.of(reflect.TypeFor[page[node]](), response); got["$ref"] != "#/components/schemas/NodePage" {
		t.Fatalf("generic ref %v", got)
	}
	want := `{"properties":{"children":{"items":{"allOf":[{"$ref":"#/components/schemas/Node"}],"nullable":true,"type":"object"},"type":"array"},` +
		`"color":{"enum":["red","blue"],"type":"string"},"created_at":{"format":"date-time","type":"string"},"id":{"type":"string"},` +
		`"name":{"type":"string"},"note":{"nullable":true,"type":"string"},"parent":{"allOf":[{"$ref":"#/components/schemas/Node"}],"nullable":true,"type":"object"}},` +
		`"required":["color","parent","children","note","id","created_at"],"type":"object"}`
	if got := js(t, g.comps["Node"]); got != want {
		t.Fatalf("Node:\n got %s\nwant %s", got, want)
	}

	// A request: no required fields, unknown ones refused, its own name.
	if got := g.of(reflect.TypeFor[base](), request); got["$ref"] != "#/components/schemas/BaseInput" {
		t.Fatalf("request ref %v", got)
	}
	if got := js(t, g.comps["BaseInput"]); got != `{"additionalProperties":false,"properties":{"created_at":{"format":"date-time","type":"string"},"id":{"type":"string"}},"type":"object"}` {
		t.Fatalf("BaseInput %s", got)
	}
}

func TestQueryParams(t *testing.T) {
	type q struct {
		Limit int    `form:"limit,default=50" minimum:"1" doc:"每页条数"`
		Key   string `form:"key" binding:"required"`
	}
	got := js(t, newSchemas(Options{}).queryParams(reflect.TypeFor[q]()))
	want := `[{"description":"每页条数","in":"query","name":"limit","schema":{"default":50,"minimum":1,"type":"integer"}},` +
		`{"in":"query","name":"key","required":true,"schema":{"type":"string"}}]`
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	if names := QueryNames(q{}); !reflect.DeepEqual(names, []string{"limit", "key"}) {
		t.Fatalf("names %v", names)
	}
}

func js(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
