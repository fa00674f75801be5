// Package reports builds the survey workbooks from the stores and runs the
// large ones as background export jobs. package exports writes workbooks
// from plain values; this package gathers those values (the survey, its
// results from the tallies, final grades, code counts, a ballot cursor),
// keeps the jobs in the "exports" collection and their files on disk, and
// removes both after a day.
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

// Request is one workbook to build and what its reader may see.
type Request struct {
	Kind     string
	SurveyID string
	// Orgs, when not nil, limits the scorecard to the subjects of these
	// orgs (a secretary's subtree, or the subtree of OrgID).
	Orgs []string
	// Group keeps one rater group's ballots (as ?group= of the results);
	// OrgID is the org whose subtree Orgs is when the reader filtered by
	// org (?org_id=), OrgName its name for the 汇总 sheet.
	Group   string
	OrgID   string
	OrgName string
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
	t, err := s.Tallies.Load(ctx, sv.ID)
	if err != nil {
		return err
	}
	total := t.Total()
	var prog func(int64)
	if progress != nil {
		prog = func(n int64) { progress(n, max(total, n)) }
	}
	each := func(fn func(*surveys.Ballot) error) error { return s.Ballots.Stream(ctx, sv.ID, fn) }
	if req.Kind == KindBallots {
		return exports.WriteBallots(ctx, w, exports.BallotsWorkbook{
			Survey: sv, Ballots: each, Location: s.loc(), MaxRows: s.MaxRows, Progress: prog, TmpDir: s.TmpDir,
		})
	}
	f := analytics.Filter{Group: req.Group}.WithOrgs(req.Orgs)
	inScope := f.Orgs
	var final map[string]analytics.FinalGrade
	if s.Finals != nil {
		if final, err = s.Finals.Latest(ctx, sv.ID); err != nil {
			return err
		}
	}
	now := s.now()
	sc := exports.Scorecard{
		Survey: sv, Results: analytics.Compute(sv, t, f, final, now), Location: s.loc(), Now: now,
		MaxRows: s.MaxRows, Progress: prog, TmpDir: s.TmpDir, RawBallots: req.Raw,
	}
	for k, n := range t.Ballots {
		if req.Group != "" && k.Group != req.Group {
			continue // the summary counts the ballots the scores rest on
		}
		sc.Counts = append(sc.Counts, exports.BallotCount{Group: k.Group, Channel: k.Channel, Valid: k.Valid, Count: n})
	}
	switch {
	case req.OrgID != "":
		sc.Scope = req.OrgName + "及下级组织的评价对象"
		sc.FilterOrg = req.OrgName
	case req.Orgs != nil:
		sc.Scope = "本组织及下级组织的评价对象"
	}
	if s.Codes != nil && sv.Access.Mode == surveys.AccessCode {
		counts, err := s.Codes.Counts(ctx, sv.ID)
		if err != nil {
			return err
		}
		sc.Issued = make(map[string]int64, len(counts))
		for g, c := range counts {
			sc.Issued[g] = int64(c.Issued)
		}
	}
	if req.Texts || req.Raw {
		sc.Ballots = each
	}
	if !req.Texts {
		sc.KeepComment = func(*surveys.Ballot, *surveys.Answer) bool { return false }
	} else if req.Group != "" && inScope == nil {
		sc.KeepComment = func(b *surveys.Ballot, _ *surveys.Answer) bool { return b.RaterGroup == req.Group }
	} else if inScope != nil {
		subjectOrg := map[string]string{}
		for _, sub := range sv.Subjects {
			org := sub.OrgID
			if sub.Type == surveys.SubjectOrg {
				org = sub.ID
			}
			subjectOrg[sub.ID] = org
		}
		sc.KeepComment = func(b *surveys.Ballot, a *surveys.Answer) bool {
			return a.Subject != "" && inScope[subjectOrg[a.Subject]] && (req.Group == "" || b.RaterGroup == req.Group)
		}
	}
	if progress != nil {
		progress(0, total)
	}
	return exports.WriteScorecard(ctx, w, sc)
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
