// Package ui holds the HTML pages: the embedded templates and static files
// (web/), the renderer and the one error page (errors.go), form parsing and
// view models, and one small handler struct per feature (OrgPages,
// SurveyPages, BuilderPages, ResultPages, WorkOrderPages, BallotPages,
// AccountPages, HomePage, UserPages), each holding only what it uses. Every
// error a page handler returns becomes the error page (Renderer.Error);
// forms re-render with their field errors.
package ui

import (
	"time"

	"minyi/accounts"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/commitments"
	"minyi/feedback"
	"minyi/reports"
	"minyi/surveys"
)

// Pages are the feature page handlers, built once from the wired App.
type Pages struct {
	AccountPages    *AccountPages
	CompositePages  *CompositePages
	DashboardPages  *DashboardPages
	BallotPages     *BallotPages
	BuilderPages    *BuilderPages
	Commitments     *CommitmentPages
	HomePage        *HomePage
	OrgPages        *OrgPages
	ResultPages     *ResultPages
	SurveyPages     *SurveyPages
	UserPages       *UserPages
	WorkOrderPages  *WorkOrderPages
	AssessmentPages *AssessmentPages
}

// New builds every page handler from d, rendering with r.
func New(d httpx.Deps, r *Renderer) *Pages {
	a := d.App
	return &Pages{
		AccountPages:    &AccountPages{accounts: a.Accounts, pages: r, userOps: a.UserOps},
		DashboardPages:  &DashboardPages{ops: a.AssessOps, pages: r, surveys: a.Surveys, tallies: a.Tallies, assess: a.RateOps, workOrders: a.WorkOrders, commitments: a.CommitmentOps, scope: d.Scope(), now: a.Now},
		CompositePages:  &CompositePages{ops: a.AssessOps, orgs: a.Orgs, pages: r, surveys: a.Surveys},
		BallotPages:     &BallotPages{now: a.Now, pages: r, gate: d.Gate, submitter: a.Submitter},
		BuilderPages:    &BuilderPages{orgs: a.Orgs, pages: r, surveys: a.Surveys, svOps: a.SurveyOps},
		Commitments:     NewCommitmentPages(d, r),
		HomePage:        &HomePage{assess: a.RateOps, commitments: a.CommitmentOps, now: a.Now, pages: r, scope: d.Scope(), surveys: a.Surveys, workOrders: a.WorkOrders},
		OrgPages:        &OrgPages{members: a.Members, orgOps: a.OrgOps, orgs: a.Orgs, pages: r},
		ResultPages:     &ResultPages{exports: a.Exports, filter: d.Results(), gradeOps: a.GradeOps, orgs: a.Orgs, pages: r, scope: d.Scope(), source: d.Source, sv: d.Surveys()},
		SurveyPages:     &SurveyPages{baseURL: d.BaseURL, codes: a.Codes, orgs: a.Orgs, pages: r, surveys: a.Surveys, svOps: a.SurveyOps, tallies: a.Tallies, signals: a.Signals},
		UserPages:       &UserPages{accounts: a.Accounts, orgs: a.Orgs, pages: r, userOps: a.UserOps},
		WorkOrderPages:  &WorkOrderPages{accounts: a.Accounts, feedbackLimit: d.FeedbackLimit, now: a.Now, orderOps: a.OrderOps, orgs: a.Orgs, pages: r, scope: d.Scope(), workOrders: a.WorkOrders},
		AssessmentPages: &AssessmentPages{assess: a.RateOps, pages: r},
	}
}

// AccountPages serves /account: the caller's API tokens.
type AccountPages struct {
	accounts *accounts.Store
	pages    *Renderer
	userOps  *accounts.Service
}

// BallotPages serves the residents' ballot page and the operator's ballot entry.
type BallotPages struct {
	now       func() time.Time
	pages     *Renderer
	gate      httpx.BallotGate
	submitter *surveys.Submitter
}

// BuilderPages serves the survey builder and its live preview.
type BuilderPages struct {
	orgs    *surveys.OrgStore
	pages   *Renderer
	surveys *surveys.SurveyStore
	svOps   *surveys.SurveyService
}

// HomePage serves the home page: what the caller may do.
type HomePage struct {
	commitments *commitments.Service // overdue commitments for secretaries and admins
	pages       *Renderer
	scope       httpx.Scope
	surveys     *surveys.SurveyStore
	assess      *feedback.AssessmentService
	now         func() time.Time
	workOrders  *feedback.Store
}

// OrgPages serves the org tree and roster pages under /admin/orgs and /admin/members.
type OrgPages struct {
	members *surveys.MemberStore
	orgOps  *surveys.OrgService
	orgs    *surveys.OrgStore
	pages   *Renderer
}

// ResultPages serves the results page and the final-grade form.
type ResultPages struct {
	exports  *reports.Runner
	filter   httpx.Results
	gradeOps *analytics.GradeService
	orgs     *surveys.OrgStore
	pages    *Renderer
	scope    httpx.Scope
	source   *reports.Source
	sv       httpx.Surveys
}

// SurveyPages serves the survey list, a survey's page, its actions and their confirmations.
type SurveyPages struct {
	baseURL string
	codes   *surveys.CodeStore
	orgs    *surveys.OrgStore
	pages   *Renderer
	surveys *surveys.SurveyStore
	svOps   *surveys.SurveyService
	tallies *analytics.TallyStore
	signals *surveys.SignalStore
}

// UserPages serves user administration and the audit log pages.
type UserPages struct {
	accounts *accounts.Store
	orgs     *surveys.OrgStore
	pages    *Renderer
	userOps  *accounts.Service
}

// WorkOrderPages serves the call-taking, queue and public feedback pages.
type WorkOrderPages struct {
	accounts      *accounts.Store
	feedbackLimit httpx.Throttle
	now           func() time.Time
	orderOps      *feedback.Service
	orgs          *surveys.OrgStore
	pages         *Renderer
	scope         httpx.Scope
	workOrders    *feedback.Store
}
