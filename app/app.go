// Package app wires Minyi's services over a store, once. `minyi serve`,
// `minyi export`, `minyi bench` and every test that needs the whole system
// build it with New, so what a benchmark or a test measures is what
// production runs. It knows nothing of HTTP: the api package builds the
// handler over an App.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"minyi"
	"minyi/accounts"
	"minyi/analytics"
	"minyi/assessments"
	"minyi/commitments"
	"minyi/feedback"
	"minyi/reports"
	"minyi/secret"
	"minyi/store"
	"minyi/surveys"
)

// SurveyCacheTTL is how long the submission path trusts a cached survey
// definition before it checks the stored version again.
const SurveyCacheTTL = 2 * time.Second

// Config is what varies between deployments (and tests); everything else
// is fixed by New.
type Config struct {
	Logger    *slog.Logger     // default: discard
	Now       func() time.Time // default: time.Now
	SecretKey string           // sealing and keyed-hash key material (see secret)
	// Policy is the work-order calendar and deadlines (feedback.LoadPolicy);
	// nil means feedback.DefaultPolicy.
	Policy *feedback.Policy
	// Argon2 overrides the password hashing cost (tests use a cheap one);
	// nil keeps accounts.DefaultArgon2.
	Argon2 *accounts.Argon2Params
	// Batch tunes the group commit (zero values: the defaults).
	BatchWait     time.Duration
	BatchFlushers int
	// RateSettings are the 三率 assessment's rules; nil means
	// feedback.DefaultAssessSettings.
	RateSettings *feedback.AssessSettings
}

// App is the wired system: every store and service, each built once.
type App struct {
	Store  *store.Store
	Logger *slog.Logger
	Now    func() time.Time
	Keys   *secret.Keyring

	// The background read that fills the work-order statistics' cache at
	// start; Close stops it.
	stopWarming context.CancelFunc
	warmed      chan struct{}

	Accounts    *accounts.Store
	Orgs        *surveys.OrgStore
	Members     *surveys.MemberStore
	Surveys     *surveys.SurveyStore
	Codes       *surveys.CodeStore
	Ballots     *surveys.BallotStore
	Tallies     *analytics.TallyStore
	FinalGrades *analytics.FinalGradeStore
	WorkOrders  *feedback.Store
	Categories  *feedback.Categories // the work-order category catalogue
	Calendar    *feedback.Calendar   // administrators' holidays and make-up workdays
	Exports     *reports.Runner
	Batcher     *surveys.Batcher
	Submitter   *surveys.Submitter
	Signals     *surveys.SignalStore // stuffing signals of open-link surveys (ballots issue)

	// The domain operations (state change, authorisation, audit) that the
	// JSON handlers and the pages both call.
	Auditor   minyi.Auditor
	OrgOps    *surveys.OrgService
	SurveyOps *surveys.SurveyService
	GradeOps  *analytics.GradeService
	UserOps   *accounts.Service
	OrderOps  *feedback.Service

	Assessments *assessments.Store
	AssessOps   *assessments.Service
	// Public commitments (承诺践诺), their store and operations.
	Commitments   *commitments.Store
	CommitmentOps *commitments.Service
	RateOps       *feedback.AssessmentService // the 三率 assessment (issue 14)
}

// New creates the missing indexes on st and builds every service over it.
// Close releases what New started; the store itself stays open (its owner
// closes it).
func New(ctx context.Context, st *store.Store, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Policy == nil {
		p, err := feedback.DefaultPolicy()
		if err != nil {
			return nil, err
		}
		cfg.Policy = p
	}
	if err := surveys.RetireMemberNameIndex(ctx, st.DB); err != nil { // same-name members may differ by number
		return nil, err
	}
	if err := st.EnsureIndexes(ctx, st.DB, Indexes()); err != nil {
		return nil, err
	}
	now, log := cfg.Now, cfg.Logger
	a := &App{Store: st, Logger: log, Now: now, Keys: secret.New(cfg.SecretKey)}
	a.Accounts = accounts.NewStore(st.DB, a.Keys, now)
	if err := a.Accounts.EnsureAuditIndexed(ctx); err != nil { // entries stored before the audit timeline existed
		return nil, err
	}
	if cfg.Argon2 != nil {
		a.Accounts.WithArgon2(*cfg.Argon2)
	}
	a.Orgs = surveys.NewOrgStore(st.DB, now)
	a.Members = surveys.NewMemberStore(st.DB, a.Orgs, now)
	a.Surveys = surveys.NewSurveyStore(st.DB, a.Orgs, a.Members, now)
	a.Codes = surveys.NewCodeStore(st.DB, a.Keys, now)
	a.Ballots = surveys.NewBallotStore(st.DB)
	a.Tallies = analytics.NewTallyStore(st.DB, a.Ballots, log)
	a.Tallies.StartFolding() // ballots are answered after their insert, folded in the background
	a.FinalGrades = analytics.NewFinalGradeStore(st.DB, now)
	a.WorkOrders = feedback.NewStore(st.DB, now, cfg.Policy)
	if err := a.WorkOrders.EnsureIndexed(ctx); err != nil { // orders stored before the work-order index existed
		a.Tallies.Close()
		return nil, err
	}
	if err := a.WorkOrders.EnsureStatsIndexed(ctx); err != nil { // orders stored before the statistics' day documents
		a.Tallies.Close()
		return nil, err
	}
	results := &reports.Source{
		Surveys: a.Surveys, Ballots: a.Ballots, Tallies: a.Tallies, Finals: a.FinalGrades, Codes: a.Codes, Orgs: a.Orgs, Now: now,
	}
	exports, err := reports.NewRunner(st.DB, results, reports.RunnerConfig{Logger: log, Now: now})
	if err != nil {
		a.Tallies.Close()
		return nil, fmt.Errorf("exports: %w", err)
	}
	a.Exports = exports
	a.Batcher = surveys.NewBatcher(st.DB, surveys.BatcherConfig{
		MaxWait: cfg.BatchWait, Flushers: cfg.BatchFlushers, Codes: a.Codes, Logger: log,
		AfterCommit: a.Tallies, // every committed batch is queued for the background fold
	})
	a.Submitter = &surveys.Submitter{
		Surveys: a.Surveys.Cache(SurveyCacheTTL), // the store forgets what it changes
		Codes:   a.Codes, Ballots: a.Ballots, Writer: a.Batcher, Now: now,
	}
	a.Signals = surveys.NewSignalStore(st.DB, now, log)
	a.Auditor = accounts.NewAuditor(a.Accounts, log)
	a.Categories = feedback.NewCategories(st.DB, now, a.Auditor)
	a.Calendar = feedback.NewCalendar(st.DB, cfg.Policy, now, a.Auditor)
	a.WorkOrders.WithSettings(a.Categories, a.Calendar)
	if err := a.Calendar.Refresh(ctx); err != nil {
		a.Close() // exports, batcher and tallies have started
		return nil, err
	}
	if years := cfg.Policy.Uncovered(now()); len(years) > 0 {
		log.Warn("the work-order calendar does not cover the coming 60 days: enter the official holidays and make-up workdays at /admin/calendar (or in MINYI_CALENDAR), else deadlines count holidays as working days",
			slog.Any("years", years))
	}
	a.OrgOps = surveys.NewOrgService(a.Orgs, a.Members, a.Auditor)
	a.SurveyOps = surveys.NewSurveyService(a.Surveys, a.Codes, a.Auditor).WithLogger(log)
	a.GradeOps = analytics.NewGradeService(a.FinalGrades, a.Surveys, a.Orgs, a.Auditor)
	a.UserOps = accounts.NewService(a.Accounts, a.Orgs, a.Auditor)
	a.OrderOps = feedback.NewService(a.WorkOrders, a.Keys, a.Orgs, a.Auditor)
	a.Commitments = commitments.NewStore(st.DB, now)
	a.CommitmentOps = commitments.NewService(a.Commitments, a.Orgs, a.Members, a.SurveyOps,
		commitmentScores{surveys: a.Surveys, source: results}, a.Auditor, now)
	// The 三率 assessment: its records of orders stored before them, once.
	if err := a.WorkOrders.EnsureAssessed(ctx); err != nil {
		a.Tallies.Close()
		return nil, err
	}
	a.RateOps = feedback.NewAssessmentService(a.WorkOrders, orgUnits{a.Orgs}, cfg.assessSettings(), now)
	a.Assessments = assessments.NewStore(st.DB, now)
	a.AssessOps = assessments.NewService(a.Assessments, a.Orgs, a.Members, a.Surveys, assessments.Sources{
		Survey: surveySource(a.Surveys, results), Commitments: commitmentSource(a.CommitmentOps),
		Hotline: hotlineSource(a.RateOps),
	}, a.Auditor, now, cfg.Policy.Location())
	warm, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stopWarming, a.warmed = stop, make(chan struct{})
	go func() {
		defer close(a.warmed)
		if err := a.WorkOrders.WarmStats(warm); err != nil && warm.Err() == nil {
			log.Warn("warm the work-order statistics", "err", err)
		}
	}()
	return a, nil
}

// Indexes lists every collection's indexes, for New and for tools that
// prepare a database.
func Indexes() []store.Index {
	var idx []store.Index
	idx = append(idx, surveys.OrgIndexes()...)
	idx = append(idx, feedback.Indexes()...)
	idx = append(idx, accounts.Indexes()...)
	idx = append(idx, surveys.BallotIndexes()...)
	idx = append(idx, analytics.TallyIndexes()...)
	idx = append(idx, reports.Indexes()...)
	idx = append(idx, analytics.FinalGradeIndexes()...)
	idx = append(idx, surveys.MemberIndexes()...)
	idx = append(idx, surveys.SurveyIndexes()...)
	idx = append(idx, surveys.CodeIndexes()...)
	return idx
}

// Start runs what a serving process runs besides the handler: export jobs
// a previous process left unfinished are marked failed and the export
// janitor starts.
func (a *App) Start(ctx context.Context) error {
	return a.Exports.Start(ctx)
}

// OpenSurveys lists the published surveys' ids, for the tally reconciler.
func (a *App) OpenSurveys(ctx context.Context) ([]string, error) {
	var ids []string
	after := ""
	for {
		page, next, err := a.Surveys.List(ctx, surveys.StatusPublished, after, 500)
		if err != nil {
			return ids, err
		}
		for _, sv := range page {
			ids = append(ids, sv.ID)
		}
		if next == "" {
			return ids, nil
		}
		after = next
	}
}

// Close stops running exports (their partial chunks removed), flushes
// queued ballots and folds what they left for the tallies. Call it after the HTTP server stopped, so no request
// still waits on the batcher, and before the store closes.
func (a *App) Close() {
	if a.stopWarming != nil {
		a.stopWarming()
		<-a.warmed
	}
	a.Exports.Close()
	a.Batcher.Close()
	a.Tallies.Close()
	if a.Signals != nil {
		a.Signals.Close()
	}
}
