// Package rest holds the JSON API under /api/v1: one small handler struct
// per feature (Orgs, Members, Surveys, Codes, Ballots, Results, Reports,
// WorkOrders, Users, Tokens, Audit), each holding only the stores and
// domain services it uses, with the request and answer types the OpenAPI
// document is built from. A handler decodes, calls one domain operation and
// writes JSON; errors go back to the edge (package api), which maps them
// once (httpx).
package rest

import (
	"log/slog"
	"time"

	"minyi"
	"minyi/accounts"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/feedback"
	"minyi/reports"
	"minyi/secret"
	"minyi/surveys"
)

// Handlers are the JSON API's feature handlers, built once from the wired App.
type Handlers struct {
	Composite      *Composite
	Assessment     *Assessment
	Audit          *Audit
	Ballots        *Ballots
	Codes          *Codes
	Commitments    *Commitments
	LoginThrottles *LoginThrottles
	Members        *Members
	Orgs           *Orgs
	Reports        *Reports
	Results        *Results
	Surveys        *Surveys
	Tokens         *Tokens
	Users          *Users
	WorkOrders     *WorkOrders
}

// New builds every feature handler from d.
func New(d httpx.Deps) *Handlers {
	a := d.App
	return &Handlers{
		Composite:      &Composite{ops: a.AssessOps},
		Assessment:     &Assessment{assess: a.RateOps, auditor: a.Auditor, log: a.Logger, now: a.Now},
		Audit:          &Audit{accounts: a.Accounts},
		Ballots:        &Ballots{ballots: a.Ballots, now: a.Now, gate: d.Gate, submitter: a.Submitter},
		Codes:          &Codes{auditor: a.Auditor, baseURL: d.BaseURL, codes: a.Codes, surveys: a.Surveys, sv: d.Surveys(), svOps: a.SurveyOps},
		Commitments:    NewCommitments(a.CommitmentOps, a.Auditor, d.BaseURL),
		LoginThrottles: &LoginThrottles{accounts: a.Accounts, auditor: a.Auditor},
		Members:        &Members{members: a.Members, orgOps: a.OrgOps, orgs: a.Orgs, scope: d.Scope()},
		Orgs:           &Orgs{orgOps: a.OrgOps, orgs: a.Orgs, scope: d.Scope()},
		Reports:        &Reports{auditor: a.Auditor, source: d.Source, exports: a.Exports, filter: d.Results(), log: a.Logger, now: a.Now, sv: d.Surveys()},
		Results:        &Results{auditor: a.Auditor, source: d.Source, ballots: a.Ballots, filter: d.Results(), finalGrades: a.FinalGrades, gradeOps: a.GradeOps, scope: d.Scope(), sv: d.Surveys(), tallies: a.Tallies},
		Surveys:        &Surveys{baseURL: d.BaseURL, scope: d.Scope(), surveys: a.Surveys, sv: d.Surveys(), svOps: a.SurveyOps},
		Tokens:         &Tokens{accounts: a.Accounts, userOps: a.UserOps},
		Users:          &Users{accounts: a.Accounts, userOps: a.UserOps},
		WorkOrders:     &WorkOrders{auditor: a.Auditor, feedbackLimit: d.FeedbackLimit, keys: a.Keys, log: a.Logger, now: a.Now, orderOps: a.OrderOps, orgs: a.Orgs, scope: d.Scope(), workOrders: a.WorkOrders},
	}
}

// Audit answers the audit log.
type Audit struct {
	accounts *accounts.Store
}

// Ballots takes ballots (public and operator) and lists raw ballots.
type Ballots struct {
	ballots   *surveys.BallotStore
	now       func() time.Time
	gate      httpx.BallotGate
	submitter *surveys.Submitter
}

// Codes issues ballot codes and prints them (workbook, PNG, PDF, QR).
type Codes struct {
	auditor minyi.Auditor
	baseURL string
	codes   *surveys.CodeStore
	surveys *surveys.SurveyStore
	sv      httpx.Surveys
	svOps   *surveys.SurveyService
}

// LoginThrottles lists and clears login throttles for admins.
type LoginThrottles struct {
	accounts *accounts.Store
	auditor  minyi.Auditor
}

// Members answers the roster under /members, its import and template.
type Members struct {
	members *surveys.MemberStore
	orgOps  *surveys.OrgService
	orgs    *surveys.OrgStore
	scope   httpx.Scope
}

// Orgs answers the org tree under /orgs.
type Orgs struct {
	orgOps *surveys.OrgService
	orgs   *surveys.OrgStore
	scope  httpx.Scope
}

// Reports writes scorecard workbooks and runs background exports.
type Reports struct {
	source  *reports.Source
	auditor minyi.Auditor
	exports *reports.Runner
	filter  httpx.Results
	log     *slog.Logger
	now     func() time.Time
	sv      httpx.Surveys
}

// Results answers results, final grades and free-text answers.
type Results struct {
	source      *reports.Source
	auditor     minyi.Auditor
	ballots     *surveys.BallotStore
	filter      httpx.Results
	finalGrades *analytics.FinalGradeStore
	gradeOps    *analytics.GradeService
	scope       httpx.Scope
	sv          httpx.Surveys
	tallies     *analytics.TallyStore
}

// Surveys answers survey definitions and templates under /surveys.
type Surveys struct {
	baseURL string
	scope   httpx.Scope
	surveys *surveys.SurveyStore
	sv      httpx.Surveys
	svOps   *surveys.SurveyService
}

// Tokens issues, lists and revokes API tokens.
type Tokens struct {
	accounts *accounts.Store
	userOps  *accounts.Service
}

// Users answers user administration under /users.
type Users struct {
	accounts *accounts.Store
	userOps  *accounts.Service
}

// WorkOrders answers hotline work orders, their events, statistics and ledger.
type WorkOrders struct {
	auditor       minyi.Auditor
	feedbackLimit httpx.Throttle
	keys          *secret.Keyring
	log           *slog.Logger
	now           func() time.Time
	orderOps      *feedback.Service
	orgs          *surveys.OrgStore
	scope         httpx.Scope
	workOrders    *feedback.Store
}
