package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"minyi/api/openapi"
)

// TestOpenAPIEveryRouteAnswers walks the route table: every operation
// documents a success answer with a schema or a file's content type (or
// none, for 204), and errors in the Error shape.
func TestOpenAPIEveryRouteAnswers(t *testing.T) {
	s := New(Options{})
	doc := s.openapiDoc()
	paths := doc["paths"].(map[string]map[string]any)
	for _, r := range s.routes {
		name := r.method + " " + r.path
		op, ok := paths[openapi.Path("/api/v1"+r.path)][strings.ToLower(r.method)].(map[string]any)
		if !ok {
			t.Errorf("%s: not in the document", name)
			continue
		}
		responses := op["responses"].(map[string]any)
		var success int
		for code, v := range responses {
			st, err := strconv.Atoi(code)
			if err != nil || st >= 400 {
				continue
			}
			success++
			resp := v.(map[string]any)
			content, _ := resp["content"].(map[string]any)
			switch {
			case st == http.StatusNoContent || st/100 == 3:
				if content != nil {
					t.Errorf("%s: %d with a body", name, st)
				}
			case content == nil:
				t.Errorf("%s: %d answers nothing described", name, st)
			default:
				for ct, m := range content {
					schema, _ := m.(map[string]any)["schema"].(map[string]any)
					if len(schema) == 0 {
						t.Errorf("%s: %d %s without a schema", name, st, ct)
					}
					if ct != "application/json" && schema["format"] != "binary" {
						t.Errorf("%s: %d %s is not a binary file", name, st, ct)
					}
				}
			}
		}
		if success == 0 {
			t.Errorf("%s: no success response", name)
		}
		if (r.resp == nil) == (r.file == "") && !slices.Equal(r.status, noContent) {
			t.Errorf("%s: needs exactly one of resp and file", name)
		}
		for code, v := range responses {
			if st, _ := strconv.Atoi(code); st >= 400 || code == "default" {
				schema := v.(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
				if !reflect.DeepEqual(schema, map[string]any{"$ref": "#/components/schemas/Error"}) {
					t.Errorf("%s: %s answers %v, not the Error schema", name, code, schema)
				}
			}
		}
		if r.public != (len(op["security"].([]any)) == 0) {
			t.Errorf("%s: public %v but security %v", name, r.public, op["security"])
		}
	}
}

// TestOpenAPIQueryParamsRead checks, in the source, that each handler
// reads exactly the query parameters its route declares and the path
// parameters its path has: the reads are c.Query-like calls with a literal
// name in the handler or in the package's functions it calls (and
// helpers such as queryInt that pass a parameter on to c.Query).
func TestOpenAPIQueryParamsRead(t *testing.T) {
	src := parsePackage(t)
	for _, r := range New(Options{}).routes {
		fn := handlerName(r.handler)
		if src.funcs[fn] == nil {
			t.Errorf("%s %s: handler %s not found in the source", r.method, r.path, fn)
			continue
		}
		query, params := src.reads(fn)
		if want := openapi.QueryNames(r.query); !sameSet(query, want) {
			t.Errorf("%s %s: %s reads query %v, the route declares %v", r.method, r.path, fn, sorted(query), sorted(want))
		}
		if want := openapi.PathParams(r.path); !sameSet(params, want) {
			t.Errorf("%s %s: %s reads path params %v, the path has %v", r.method, r.path, fn, sorted(params), sorted(want))
		}
	}
}

func handlerName(h handlerFunc) string {
	n := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	n = strings.TrimSuffix(n[strings.LastIndexByte(n, '/')+1:], "-fm")
	_, n, _ = strings.Cut(n, ".") // the package name
	return n
}

// source is the package's function declarations by name: f or (*Server).m.
type source struct {
	funcs map[string]*ast.FuncDecl
	// forward lists, per function, which parameter positions it passes
	// on as the name of a query or path parameter.
	forward map[string]map[int]string
}

var (
	queryReaders = map[string]bool{"Query": true, "DefaultQuery": true, "GetQuery": true, "QueryArray": true, "GetQueryArray": true, "QueryMap": true, "GetQueryMap": true}
	paramReaders = map[string]bool{"Param": true}
)

func parsePackage(t *testing.T) *source {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	src := &source{funcs: map[string]*ast.FuncDecl{}, forward: map[string]map[int]string{}}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				src.funcs[funcKey(fd)] = fd
			}
		}
	}
	for name, fd := range src.funcs {
		idx := map[string]int{}
		i := 0
		for _, field := range fd.Type.Params.List {
			for _, n := range field.Names {
				idx[n.Name] = i
				i++
			}
			if len(field.Names) == 0 {
				i++
			}
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !(queryReaders[sel.Sel.Name] || paramReaders[sel.Sel.Name]) {
				return true
			}
			if id, ok := call.Args[0].(*ast.Ident); ok {
				if p, ok := idx[id.Name]; ok {
					if src.forward[name] == nil {
						src.forward[name] = map[int]string{}
					}
					src.forward[name][p] = sel.Sel.Name
				}
			}
			return true
		})
	}
	return src
}

func funcKey(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	typ := fd.Recv.List[0].Type
	if st, ok := typ.(*ast.StarExpr); ok {
		if id, ok := st.X.(*ast.Ident); ok {
			return "(*" + id.Name + ")." + fd.Name.Name
		}
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// reads collects the literal query and path parameter names fn and its
// callees in the package read.
func (src *source) reads(fn string) (query, params []string) {
	seen := map[string]bool{}
	add := func(reader, name string) {
		switch {
		case queryReaders[reader] && !slices.Contains(query, name):
			query = append(query, name)
		case paramReaders[reader] && !slices.Contains(params, name):
			params = append(params, name)
		}
	}
	var walk func(fn string)
	walk = func(fn string) {
		if seen[fn] || src.funcs[fn] == nil {
			return
		}
		seen[fn] = true
		ast.Inspect(src.funcs[fn].Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			callee := ""
			switch f := call.Fun.(type) {
			case *ast.Ident:
				callee = f.Name
			case *ast.IndexExpr: // a generic function
				if id, ok := f.X.(*ast.Ident); ok {
					callee = id.Name
				}
			case *ast.SelectorExpr:
				if (queryReaders[f.Sel.Name] || paramReaders[f.Sel.Name]) && len(call.Args) > 0 {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						add(f.Sel.Name, name)
					}
					return true
				}
				callee = "(*Server)." + f.Sel.Name
			}
			for pos, reader := range src.forward[callee] {
				if pos < len(call.Args) {
					if lit, ok := call.Args[pos].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						add(reader, name)
					}
				}
			}
			walk(callee)
			return true
		})
	}
	walk(fn)
	return query, params
}

func sameSet(a, b []string) bool { return slices.Equal(sorted(a), sorted(b)) }

func sorted(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}
