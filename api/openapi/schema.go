package openapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// Schema is one JSON Schema object (OpenAPI 3.0 dialect).
type Schema = map[string]any

// mode says which side of the wire a type describes: what the server writes
// (every field without omitempty is always present, so required) or what a
// client sends (Go decoding treats an absent field as its zero value, so no
// field is required by the schema, and unknown fields are rejected).
type mode int

const (
	response mode = iota
	request
)

type typeKey struct {
	t reflect.Type
	m mode
}

// schemas builds component schemas by reflection over Go types, following
// encoding/json: json tags name fields, "-" hides them, embedded structs
// are flattened, pointers may be null, time.Time is an RFC 3339 string.
type schemas struct {
	opts  Options
	comps map[string]Schema
	names map[typeKey]string
	owner map[string]typeKey // component name → the type that holds it
}

func newSchemas(opts Options) *schemas {
	return &schemas{opts: opts, comps: map[string]Schema{}, names: map[typeKey]string{}, owner: map[string]typeKey{}}
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
)

// of answers the schema of t as it appears in mode m: a $ref for named
// structs, inline otherwise.
func (g *schemas) of(t reflect.Type, m mode) Schema {
	if s, ok := g.override(t); ok {
		return s
	}
	if t.Kind() == reflect.Pointer {
		return nullable(g.of(t.Elem(), m))
	}
	if t == timeType {
		return Schema{"type": "string", "format": "date-time"}
	}
	if custom(t, m) {
		// A type with its own JSON encoding and no override: say nothing
		// rather than something false.
		return Schema{}
	}
	switch t.Kind() {
	case reflect.String:
		s := Schema{"type": "string"}
		if vals := g.opts.Enums[t]; len(vals) > 0 {
			s["enum"] = vals
		}
		return s
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := Schema{"type": "integer"}
		if t.Kind() == reflect.Int64 || t.Kind() == reflect.Uint64 {
			s["format"] = "int64"
		}
		return s
	case reflect.Float32, reflect.Float64:
		return Schema{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return Schema{"type": "string", "format": "byte"}
		}
		return Schema{"type": "array", "items": g.of(t.Elem(), m)}
	case reflect.Map:
		return Schema{"type": "object", "additionalProperties": g.of(t.Elem(), m)}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t, m)
		}
		return g.ref(t, m)
	}
	return Schema{} // interfaces: any JSON value
}

func (g *schemas) override(t reflect.Type) (Schema, bool) {
	s, ok := g.opts.Types[t]
	if !ok {
		return nil, false
	}
	out := Schema{}
	for k, v := range s {
		out[k] = v
	}
	return out, true
}

// custom reports whether t encodes itself (in the direction of m).
func custom(t reflect.Type, m mode) bool {
	pt := reflect.PointerTo(t)
	if m == request {
		return t.Implements(unmarshalerType) || pt.Implements(unmarshalerType)
	}
	return t.Implements(marshalerType) || pt.Implements(marshalerType) || t.Implements(textMarshaler)
}

// ref registers t's component (once per mode) and answers a $ref to it.
func (g *schemas) ref(t reflect.Type, m mode) Schema {
	k := typeKey{t, m}
	name, ok := g.names[k]
	if !ok {
		name = g.name(t, m)
		g.names[k], g.owner[name] = name, k
		g.comps[name] = Schema{} // placeholder: recursive types refer to it
		g.comps[name] = g.object(t, m)
	}
	return Schema{"$ref": "#/components/schemas/" + name}
}

// name picks a component name from the Go type name: generic instances
// read as their arguments then the type (list[surveys.Member] →
// MemberList), request-side components end in Input, and a name already
// held by another type gains its package's name.
func (g *schemas) name(t reflect.Type, m mode) string {
	if n, ok := g.opts.Names[t]; ok && m == response {
		return n
	}
	base := t.Name()
	if i := strings.IndexByte(base, '['); i >= 0 {
		var args string
		for _, a := range strings.Split(base[i+1:len(base)-1], ",") {
			a = strings.TrimLeft(strings.TrimSpace(a), "*[]")
			if j := strings.LastIndexByte(a, '.'); j >= 0 {
				a = a[j+1:]
			}
			args += upperFirst(a)
		}
		base = args + upperFirst(base[:i])
	}
	base = upperFirst(base)
	if m == request && !strings.HasSuffix(base, "Input") && !strings.HasSuffix(base, "Patch") && !strings.HasSuffix(base, "Request") {
		base += "Input"
	}
	name := base
	if _, taken := g.owner[name]; taken {
		pkg := t.PkgPath()
		name = upperFirst(pkg[strings.LastIndexByte(pkg, '/')+1:]) + base
	}
	for i := 2; ; i++ {
		if _, taken := g.owner[name]; !taken {
			return name
		}
		name = base + string(rune('0'+i))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// field is one JSON member of a struct, after flattening embedded structs.
type field struct {
	name      string
	typ       reflect.Type
	omitEmpty bool
	tag       reflect.StructTag
}

// fields lists t's JSON members in declaration order. Outer fields hide
// embedded ones of the same name, as in encoding/json.
func fields(t reflect.Type, tagKey string) []field {
	var out []field
	seen := map[string]bool{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		var embedded []reflect.Type
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get(tagKey)
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					embedded = append(embedded, ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
			out = append(out, field{name: name, typ: f.Type, omitEmpty: omit, tag: f.Tag})
		}
		for _, e := range embedded {
			walk(e, depth+1)
		}
	}
	walk(t, 0)
	return out
}

// object describes a struct's members inline.
func (g *schemas) object(t reflect.Type, m mode) Schema {
	props := Schema{}
	var required []string
	for _, f := range fields(t, "json") {
		s := g.of(f.typ, m)
		if doc := f.tag.Get("doc"); doc != "" {
			s = describe(s, doc)
		}
		props[f.name] = s
		if m == response && !f.omitEmpty {
			required = append(required, f.name)
		}
	}
	s := Schema{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if m == request {
		s["additionalProperties"] = false
	}
	return s
}

// nullable marks s as also accepting null. A $ref cannot carry siblings in
// OpenAPI 3.0, so it is wrapped in allOf, and nullable needs a type beside
// it (components are all objects).
func nullable(s Schema) Schema {
	if len(s) == 0 {
		return s // any value, null included
	}
	if _, ok := s["$ref"]; ok {
		return Schema{"type": "object", "allOf": []any{s}, "nullable": true}
	}
	s["nullable"] = true
	return s
}

// describe adds a description; beside a $ref it needs allOf as well.
func describe(s Schema, doc string) Schema {
	if _, ok := s["$ref"]; ok {
		return Schema{"allOf": []any{s}, "description": doc}
	}
	s["description"] = doc
	return s
}
