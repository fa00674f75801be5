package store_test

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
)

// allowedOperators is the MongoDB subset measured to work on the embedded
// store (DESIGN.md, "Portable subset"), plus the basic comparisons.
var allowedOperators = map[string]bool{
	// queries
	"$in": true, "$nin": true, "$exists": true, "$regex": true, "$options": true, "$elemMatch": true,
	"$or": true, "$and": true, "$eq": true, "$ne": true, "$gt": true, "$gte": true, "$lt": true, "$lte": true,
	// updates
	"$set": true, "$inc": true, "$push": true, "$each": true, "$addToSet": true, "$pull": true, "$unset": true,
}

// forbiddenCalls are driver features outside the subset: aggregation
// (numbers are computed in Go), change streams and transactions.
var forbiddenCalls = map[string]string{
	"Aggregate":                  "aggregation: compute numbers in Go (analytics)",
	"Watch":                      "change streams are not supported by the embedded store",
	"StartSession":               "transactions are not supported by the embedded store",
	"WithTransaction":            "transactions are not supported by the embedded store",
	"SetArrayFilters":            "arrayFilters are not supported by the embedded store",
	"SetExpireAfterSeconds":      "TTL indexes are not supported by the embedded store",
	"SetPartialFilterExpression": "partial indexes are not supported by the embedded store",
	"SetValidator":               "schema validators are not supported by the embedded store",
}

var operatorLit = regexp.MustCompile(`^\$[A-Za-z]+$`)

// TestPortableSubset fails when production code uses a MongoDB operator or
// driver feature the embedded store does not support, so that the same code
// keeps running on both stores.
func TestPortableSubset(t *testing.T) {
	fset := token.NewFileSet()
	var problems []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || n == "node_modules" || strings.HasPrefix(n, ".") && n != ".." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		problems = append(problems, checkPortable(fset, f)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// checkPortable inspects one file that talks to the store (imports the
// driver); other files may use "$" strings freely (OpenAPI's $ref).
func checkPortable(fset *token.FileSet, f *ast.File) []string {
	usesDriver := false
	for _, imp := range f.Imports {
		usesDriver = usesDriver || strings.HasPrefix(strings.Trim(imp.Path.Value, `"`), "go.mongodb.org/mongo-driver")
	}
	if !usesDriver {
		return nil
	}
	var problems []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				return true
			}
			if operatorLit.MatchString(s) && !allowedOperators[s] {
				problems = append(problems, fset.Position(n.Pos()).String()+": operator "+s+" is outside the portable subset")
			}
			if strings.Contains(s, ".$") {
				problems = append(problems, fset.Position(n.Pos()).String()+": positional operator in "+strconv.Quote(s))
			}
		case *ast.SelectorExpr:
			if why, bad := forbiddenCalls[n.Sel.Name]; bad {
				problems = append(problems, fset.Position(n.Pos()).String()+": "+n.Sel.Name+": "+why)
			}
		}
		return true
	})
	return problems
}

func TestPortableSubsetCatches(t *testing.T) {
	src := `package x
import "go.mongodb.org/mongo-driver/v2/bson"
func f(c any) { _ = bson.D{{Key: "$lookup"}, {Key: "a.$.b"}, {Key: "$set"}}; c.Aggregate() }`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := checkPortable(fset, f); len(got) != 3 {
		t.Fatalf("want 3 problems ($lookup, positional, Aggregate), got %q", got)
	}
}
