package api_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"minyi/api"
)

// TestOpenAPIDocumentFile writes the served document to the file named by
// MINYI_OPENAPI_OUT, for scripts/test.sh to lint with an independent
// linter. It goes through the production route table and router.
func TestOpenAPIDocumentFile(t *testing.T) {
	out := os.Getenv("MINYI_OPENAPI_OUT")
	if out == "" {
		t.Skip("MINYI_OPENAPI_OUT not set")
	}
	w := httptest.NewRecorder()
	api.New(api.Options{}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", w.Code, w.Body)
	}
	if err := os.WriteFile(out, w.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
