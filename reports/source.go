// Package reports builds the survey workbooks from the stores and runs the
// large ones as background export jobs. package exports writes workbooks
// from plain values; this package gathers those values (the survey, its
// results from the tallies, final grades, code counts, a ballot cursor),
// keeps the jobs in the "exports" collection and their files as chunks in
// the store (so any instance serves any job), and removes both after a day.
package reports

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode"

	"minyi"
	"minyi/analytics"
	"minyi/exports"
	"minyi/surveys"
)

// Export kinds.
const (
	KindSurveyReport = "survey_report" // the scorecard workbook
	KindBallots      = "ballots"       // 原始答卷 alone
)

// Request is one workbook to build and what its reader may see: Query
// filters the scorecard as it filters the results.
type Request struct {
	Kind     string
	SurveyID string
	Query
	// Texts adds 意见建议 (residents' free text); Raw adds 原始答卷.
	Texts bool
	Raw   bool
}

// Source reads what the workbooks need.
type Source struct {
	Surveys  *surveys.SurveyStore
	Ballots  *surveys.BallotStore
	Tallies  *analytics.TallyStore
	Finals   *analytics.FinalGradeStore // nil: no final grades
	Codes    *surveys.CodeStore         // nil: no code counts
	Orgs     *surveys.OrgStore          // nil: no 组织单位 in the title block
	Location *time.Location             // times in the workbook (default UTC+8, China has no DST)
	Now      func() time.Time
	TmpDir   string // excelize's temporary files
	MaxRows  int    // rows per streamed sheet (0: Excel's limit)
}

func (s *Source) loc() *time.Location {
	if s.Location == nil {
		return surveys.ChinaTime
	}
	return s.Location
}

func (s *Source) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// CheckKind validates a request's kind.
func CheckKind(kind string) error {
	if kind != KindSurveyReport && kind != KindBallots {
		var fe minyi.FieldErrors
		fe.Add("kind", "invalid_kind", "导出类型只能是 survey_report（测评结果）或 ballots（原始答卷）")
		return fe.Err()
	}
	return nil
}

// Write builds the workbook req asks for on survey sv into w. progress,
// when set, hears how many ballots were written of about how many.
func (s *Source) Write(ctx context.Context, w io.Writer, sv *surveys.Survey, req Request, progress func(done, total int64)) error {
	if err := CheckKind(req.Kind); err != nil {
		return err
	}
	if req.Kind == KindBallots {
		t, err := s.Tallies.Load(ctx, sv.ID)
		if err != nil {
			return err
		}
		return exports.WriteBallots(ctx, w, exports.BallotsWorkbook{
			Survey: sv, Ballots: s.stream(ctx, sv), Location: s.loc(), MaxRows: s.MaxRows,
			Progress: progressOf(progress, t.Total()), TmpDir: s.TmpDir,
		})
	}
	res, err := s.Results(ctx, sv, req.Query)
	if err != nil {
		return err
	}
	sc, err := s.scorecard(ctx, res, req)
	if err != nil {
		return err
	}
	sc.Progress = progressOf(progress, res.Total)
	if progress != nil {
		progress(0, res.Total)
	}
	return exports.WriteScorecard(ctx, w, sc)
}

// scorecard is the scorecard workbook of res for req: the same numbers and
// the same filter as the results page.
func (s *Source) scorecard(ctx context.Context, res *Results, req Request) (exports.Scorecard, error) {
	sv := res.Survey
	sc := exports.Scorecard{
		Survey: sv, Results: res.Scores, Counts: res.Counts, OrgName: res.OrgName, Location: s.loc(), Now: res.Scores.GeneratedAt,
		Scope: res.Filter.Scope(), FilterLine: res.Filter.Line(req.Raw),
		MaxRows: s.MaxRows, TmpDir: s.TmpDir, RawBallots: req.Raw,
	}
	if s.Codes != nil && sv.Access.Mode == surveys.AccessCode {
		counts, err := s.Codes.Counts(ctx, sv.ID)
		if err != nil {
			return exports.Scorecard{}, err
		}
		sc.Issued = make(map[string]int64, len(counts))
		for g, c := range counts {
			sc.Issued[g] = int64(c.Issued)
		}
	}
	if req.Texts || req.Raw {
		sc.Ballots = s.stream(ctx, sv)
	}
	sc.KeepComment = keepComment(sv, req)
	return sc, nil
}

// keepComment picks the free-text answers 意见建议 shows: none without
// req.Texts, else those of the filter's rater group about subjects the
// filter keeps (nil: every one).
func keepComment(sv *surveys.Survey, req Request) func(*surveys.Ballot, *surveys.Answer) bool {
	f := req.Filter()
	switch {
	case !req.Texts:
		return func(*surveys.Ballot, *surveys.Answer) bool { return false }
	case f.Orgs != nil:
		subjects := make(map[string]surveys.Subject, len(sv.Subjects))
		for _, sub := range sv.Subjects {
			subjects[sub.ID] = sub
		}
		return func(b *surveys.Ballot, a *surveys.Answer) bool {
			return a.Subject != "" && f.Keeps(subjects[a.Subject]) && (req.Group == "" || b.RaterGroup == req.Group)
		}
	case req.Group != "":
		return func(b *surveys.Ballot, _ *surveys.Answer) bool { return b.RaterGroup == req.Group }
	}
	return nil
}

func (s *Source) stream(ctx context.Context, sv *surveys.Survey) func(fn func(*surveys.Ballot) error) error {
	return func(fn func(*surveys.Ballot) error) error { return s.Ballots.Stream(ctx, sv.ID, fn) }
}

// progressOf reports ballots written against about total.
func progressOf(progress func(done, total int64), total int64) func(int64) {
	if progress == nil {
		return nil
	}
	return func(n int64) { progress(n, max(total, n)) }
}

// FileName is the download name of a workbook: the survey's title, what it
// holds and the date, e.g. "2026年民主评议党员-测评结果-20261125.xlsx", and
// an ASCII name for clients that cannot read RFC 5987.
func FileName(sv *surveys.Survey, kind string, at time.Time) (name, ascii string) {
	what := "测评结果"
	if kind == KindBallots {
		what = "原始答卷"
	}
	date := at.Format("20060102")
	title := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(sv.Title))
	if len([]rune(title)) > 60 {
		title = string([]rune(title)[:60])
	}
	if title == "" {
		title = "测评"
	}
	safeID := strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return r
		}
		return -1
	}, sv.ID)
	return fmt.Sprintf("%s-%s-%s.xlsx", title, what, date), fmt.Sprintf("survey-%s-%s-%s.xlsx", safeID, strings.ReplaceAll(kind, "_", "-"), date)
}

// ContentDisposition is an attachment header naming the file both ways:
// filename="ascii" for old clients and filename* (RFC 5987, UTF-8,
// percent-encoded) for the Chinese name.
func ContentDisposition(name, ascii string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, encodeRFC5987(name))
}

// encodeRFC5987 percent-encodes every byte outside RFC 5987's attr-char.
func encodeRFC5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// DecodeDisposition returns the UTF-8 file name of a Content-Disposition
// header written by ContentDisposition (for tests and the CLI).
func DecodeDisposition(h string) (string, error) {
	_, enc, ok := strings.Cut(h, "filename*=UTF-8''")
	if !ok {
		return "", fmt.Errorf("no filename* in %q", h)
	}
	return url.PathUnescape(enc)
}
