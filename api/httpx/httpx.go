// Package httpx holds what the JSON handlers (api/rest) and the pages
// (api/ui) both need from the HTTP edge: the handler signature, the one
// table from error kinds to status codes and its classification, the
// request id, principal and session access, JSON, query and form decoding,
// the paged list shapes, org-scope helpers, the client hash and the rate
// limiter. It knows no route and renders no page.
package httpx

import (
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/app"
	"minyi/reports"
	"minyi/secret"
)

// HandlerFunc is how handlers are written: return an error, and the edge
// maps it once (as JSON in the API, as a page in the UI).
type HandlerFunc func(c *gin.Context) error

const (
	ctxRequestID = "minyi.request_id"
	ctxSession   = "minyi.session_id" // the raw session id, for the CSRF token
	ctxScope     = "minyi.scope"
)

var (
	// ErrNoCredentials is the refusal of a request without credentials.
	ErrNoCredentials = minyi.E(minyi.ErrUnauthorized, "unauthorized", "请先登录")
	// ErrRateLimited is the refusal of a client over its limit.
	ErrRateLimited = minyi.E(minyi.ErrRateLimited, "rate_limited", "提交过于频繁，请稍后再试")
)

// SetRequestID keeps the request's id for the handlers and the error answers.
func SetRequestID(c *gin.Context, id string) { c.Set(ctxRequestID, id) }

// RequestID is the request's id ("" before the middleware ran).
func RequestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// SetPrincipal puts the authenticated caller into the request's context,
// where the domain operations find it (minyi.PrincipalFrom).
func SetPrincipal(c *gin.Context, p *accounts.Principal) {
	c.Request = c.Request.WithContext(minyi.WithAuditMark(minyi.WithPrincipal(c.Request.Context(), p)))
}

// Principal is the authenticated caller of a protected route.
func Principal(c *gin.Context) *accounts.Principal {
	return minyi.PrincipalFrom(c.Request.Context())
}

// SetSessionID keeps the raw session id of a cookie-authenticated request.
func SetSessionID(c *gin.Context, id string) { c.Set(ctxSession, id) }

// SessionID is the raw session id, "" when the request came without a
// session cookie.
func SessionID(c *gin.Context) string { return c.GetString(ctxSession) }

// CSRFToken is the CSRF token of the request's session, "" when the request
// did not come with a session cookie.
func CSRFToken(c *gin.Context, acc *accounts.Store) string {
	id := SessionID(c)
	if id == "" || acc == nil {
		return ""
	}
	return acc.CSRFToken(id)
}

// Clients identifies clients for rate limits without keeping addresses.
type Clients struct {
	Keys *secret.Keyring
	Now  func() time.Time
}

// Deps is what the edge's handlers are built from: the wired App (never
// nil: api gives an empty one to tests of the edge alone) and the edge's
// own settings.
type Deps struct {
	App           *app.App
	BaseURL       string
	PublicLimit   Throttle   // public ballots without a code, per client
	Gate          BallotGate // what public ballots pass (ballot_gate.go)
	FeedbackLimit Throttle   // public online opinions, per client
	Source        *reports.Source
}

// Scope is the org scope helper over the App's org tree.
func (d Deps) Scope() Scope { return Scope{Orgs: d.App.Orgs} }

// Clients identifies clients with the App's keys and clock.
func (d Deps) Clients() Clients { return Clients{Keys: d.App.Keys, Now: d.App.Now} }

// Surveys loads surveys within the caller's scope.
func (d Deps) Surveys() Surveys { return Surveys{Store: d.App.Surveys, Scope: d.Scope()} }

// Results checks results requests and filters.
func (d Deps) Results() Results { return Results{Orgs: d.App.Orgs, Scope: d.Scope()} }
