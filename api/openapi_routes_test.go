package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
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
	doc := s.openapiDoc(true)
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
	pkg, rest, _ := strings.Cut(n, ".")
	if strings.HasPrefix(rest, "(") {
		return rest // a method: (*T).m
	}
	return pkg + "." + rest
}

// sourceDirs are the packages whose functions handlers call.
var sourceDirs = []string{".", "httpx", "rest", "ui"}

// source is the edge's function declarations by name: pkg.f or (*T).m.
type source struct {
	funcs   map[string]*ast.FuncDecl
	structs map[string]*ast.StructType
	pkgOf   map[*ast.FuncDecl]string
	// imports lists, per function, the package names its file imports.
	imports map[*ast.FuncDecl]map[string]bool
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
	src := &source{funcs: map[string]*ast.FuncDecl{}, structs: map[string]*ast.StructType{}, pkgOf: map[*ast.FuncDecl]string{}, imports: map[*ast.FuncDecl]map[string]bool{}, forward: map[string]map[int]string{}}
	for _, dir := range sourceDirs {
		entries, err := os.ReadDir(dir)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			imports := map[string]bool{}
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				imports[p[strings.LastIndexByte(p, '/')+1:]] = true
			}
			for _, d := range f.Decls {
				if gd, ok := d.(*ast.GenDecl); ok {
					for _, sp := range gd.Specs {
						if ts, ok := sp.(*ast.TypeSpec); ok {
							if st, ok := ts.Type.(*ast.StructType); ok {
								src.structs[ts.Name.Name] = st
							}
						}
					}
				}
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					src.funcs[funcKey(f.Name.Name, fd)] = fd
					src.pkgOf[fd] = f.Name.Name
					src.imports[fd] = imports
				}
			}
		}
	}
	for name, fd := range src.funcs {
		src.findForwards(name, fd)
	}
	return src
}

// findForwards notes the parameters fd passes on to a query or path reader.
func (src *source) findForwards(name string, fd *ast.FuncDecl) {
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

func funcKey(pkg string, fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return pkg + "." + fd.Name.Name
	}
	typ := fd.Recv.List[0].Type
	if st, ok := typ.(*ast.StarExpr); ok {
		typ = st.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return "(*" + id.Name + ")." + fd.Name.Name
	}
	return pkg + "." + fd.Name.Name
}

// callees are the functions a call may reach: a function of the caller's
// package or of an imported one, or a method (of the caller's receiver
// when it is called on it, else any method of that name).
func (src *source) callees(caller *ast.FuncDecl, call *ast.CallExpr) []string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return []string{src.pkgOf[caller] + "." + f.Name}
	case *ast.IndexExpr: // a generic function
		if id, ok := f.X.(*ast.Ident); ok {
			return []string{src.pkgOf[caller] + "." + id.Name}
		}
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			if src.imports[caller][id.Name] {
				return []string{id.Name + "." + f.Sel.Name}
			}
			if caller.Recv != nil && len(caller.Recv.List[0].Names) > 0 && caller.Recv.List[0].Names[0].Name == id.Name {
				if k := funcKey(src.pkgOf[caller], &ast.FuncDecl{Recv: caller.Recv, Name: f.Sel}); src.funcs[k] != nil {
					return []string{k}
				}
			}
		}
		if inner, ok := f.X.(*ast.SelectorExpr); ok { // s.field.m: the field's type, when the edge declares it
			if id, ok := inner.X.(*ast.Ident); ok && caller.Recv != nil && len(caller.Recv.List[0].Names) > 0 && caller.Recv.List[0].Names[0].Name == id.Name {
				if t := src.fieldType(caller, inner.Sel.Name); t != "" {
					return []string{"(*" + t + ")." + f.Sel.Name}
				}
				return nil // a store or a domain service
			}
		}
		var out []string
		for k := range src.funcs {
			if strings.HasPrefix(k, "(") && strings.HasSuffix(k, ")."+f.Sel.Name) {
				out = append(out, k)
			}
		}
		return out
	}
	return nil
}

// fieldType is the type name (without package) of field name of the
// caller's receiver struct, "" when unknown.
func (src *source) fieldType(caller *ast.FuncDecl, name string) string {
	typ := caller.Recv.List[0].Type
	if st, ok := typ.(*ast.StarExpr); ok {
		typ = st.X
	}
	id, ok := typ.(*ast.Ident)
	if !ok {
		return ""
	}
	st := src.structs[id.Name]
	if st == nil {
		return ""
	}
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name != name {
				continue
			}
			t := f.Type
			if s, ok := t.(*ast.StarExpr); ok {
				t = s.X
			}
			switch t := t.(type) {
			case *ast.Ident:
				return t.Name
			case *ast.SelectorExpr:
				if slices.Contains(sourceDirs, t.X.(*ast.Ident).Name) {
					return t.Sel.Name
				}
			}
		}
	}
	return ""
}

// reads collects the literal query and path parameter names fn and its
// callees read.
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
		fd := src.funcs[fn]
		if seen[fn] || fd == nil {
			return
		}
		seen[fn] = true
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if f, ok := call.Fun.(*ast.SelectorExpr); ok && (queryReaders[f.Sel.Name] || paramReaders[f.Sel.Name]) && len(call.Args) > 0 {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					name, _ := strconv.Unquote(lit.Value)
					add(f.Sel.Name, name)
				}
				return true
			}
			for _, callee := range src.callees(fd, call) {
				for pos, reader := range src.forward[callee] {
					if pos < len(call.Args) {
						if lit, ok := call.Args[pos].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							name, _ := strconv.Unquote(lit.Value)
							add(reader, name)
						}
					}
				}
				walk(callee)
			}
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
