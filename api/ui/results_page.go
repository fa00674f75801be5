package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/decimal"
	"minyi/reports"
	"minyi/surveys"
)

// /results/{id}: the leadership page of one survey's results — ranking,
// grade counts, a chart and the downloads — for leaders, secretaries (their
// subjects) and admins. A GET form filters it by rater group and org
// (?group=&org_id=, checked by resultsFilter as GET /results is) and the
// downloads carry the same filter. Admins and secretaries (within their
// subtree) record final grades from the ranking table; the form posts to
// /results/{id}/subjects/{subject_id}/final-grade, which goes through
// the final-grade operation as PUT .../final-grade does (analytics.GradeService).

// resultsView is the results page.
type resultsView struct {
	Survey    *surveys.Survey
	Kind      string
	Valid     int64
	Invalid   int64
	Rows      []resultRow
	Grades    []gradeCount
	Chart     barChart
	Report    string // the direct download, with the filter
	CanExport bool
	CanRaw    bool
	Scoped    bool

	// The filter form.
	Group, OrgID string
	GroupOptions []option
	OrgOptions   []option
	Filter       string // the active filter in words, "" without one

	// Final grades: CanGrade adds the column; each row says whether its
	// subject may be graded by the caller.
	CanGrade     bool
	GradeOptions []option
	Saved        string // notice after a final grade was recorded

	// Which columns the ranking has: 总排名 under a scope, 满意率 when a
	// question has satisfied options, votes and their rates in an
	// appraisal; Questions are the questions not asked per subject.
	Overall, Sat, Votes bool
	BestRate, WorstRate string // "优秀率", "不合格率"
	Questions           []questionView
}

type resultRow struct {
	SubjectID                                  string
	Rank, Name, Org, Score, Rate, Grade, Final string
	FinalReason                                string
	GradeClass                                 string
	OverallRank, BestRate, WorstRate           string
	Votes                                      *voteView
	Detail                                     string // the subject's detail page

	CanGrade            bool
	FormGrade           string // the select's choice: the answer after an error, else the final or recommended grade
	FormReason          string
	Error               string // the form's general error
	GradeErr, ReasonErr string
}

type gradeCount struct {
	Label              string
	Recommended, Final int
}

// gradeAttempt is a refused final-grade form, shown again by its subject.
type gradeAttempt struct {
	SubjectID, Grade, Reason string
	Message                  string
	Fields                   map[string]string
}

// resultsPage is GET /results/{id}.
func (s *ResultPages) ResultsPage(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	return s.renderResults(c, http.StatusOK, sv, c.Query("group"), c.Query("org_id"), nil)
}

// renderResults renders the results of sv filtered by group and orgID; a
// filter the caller may not use answers the error page (as GET /results
// answers the error). The figures are those of GET /results and the
// workbook (reports.Source.Results); this only formats them.
func (s *ResultPages) renderResults(c *gin.Context, status int, sv *surveys.Survey, group, orgID string, attempt *gradeAttempt) error {
	ctx := c.Request.Context()
	req, err := s.filter.Request(c, sv, reports.KindSurveyReport)
	if err != nil {
		return err
	}
	q, err := s.filter.Filter(c, sv, group, orgID)
	if err != nil {
		return err
	}
	res, err := s.source.Results(ctx, sv, q)
	if err != nil {
		return err
	}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return err
	}
	p := httpx.Principal(c)
	scores := res.Scores
	v := resultsView{Survey: sv, Kind: sv.Kind.Label(), Valid: scores.Ballots.Valid, Invalid: scores.Ballots.Invalid,
		CanExport: s.exports != nil, CanRaw: req.Raw, Scoped: scope != nil, Chart: newBarChart(scores.Subjects),
		Group: group, OrgID: orgID, Filter: res.Filter.Words(),
		CanGrade: len(sv.Scoring.Grades) > 0 && (p.Role == accounts.RoleAdmin || p.Role == accounts.RoleSecretary)}
	if err := s.resultsFilterForm(c, &v, sv, scope); err != nil {
		return err
	}
	for _, g := range sv.Scoring.Grades {
		v.GradeOptions = append(v.GradeOptions, option{g.Key, g.Label})
	}
	if id := c.Query("saved"); id != "" {
		for _, r := range scores.Subjects {
			if r.Subject.ID == id && r.FinalGrade != nil {
				v.Saved = "已确定「" + r.Subject.Name + "」的最终等次为「" + r.FinalGrade.Label + "」。"
			}
		}
	}
	v.Sat, v.Questions = hasSubjectSatisfied(sv), surveyQuestions(sv, scores.Questions)
	gq := analytics.GradeQuestion(sv)
	if gq != nil {
		v.Votes = true
		best, worst := voteWords(gq)
		v.BestRate, v.WorstRate = best+"率", worst+"率"
	}
	for _, r := range scores.Subjects {
		row := newResultRow(sv, r)
		v.Overall = v.Overall || r.OverallRank != nil
		row.Votes, row.BestRate, row.WorstRate = newVoteView(gq, r), pctPtr(r.ExcellentRate), pctPtr(r.UnqualifiedRate)
		row.Detail = subjectURL(sv.ID, r.Subject.ID, group, orgID)
		row.CanGrade = v.CanGrade && httpx.InScope(scope, r.Subject.OrgID)
		if attempt != nil && attempt.SubjectID == r.Subject.ID {
			row.FormGrade, row.FormReason, row.Error = attempt.Grade, attempt.Reason, attempt.Message
			row.GradeErr, row.ReasonErr = attempt.Fields["grade"], attempt.Fields["reason"]
		}
		v.Rows = append(v.Rows, row)
	}
	for _, g := range scores.Grades {
		v.Grades = append(v.Grades, gradeCount{Label: g.Grade.Label, Recommended: g.Recommended, Final: g.Final})
	}
	return s.pages.Render(c, status, "results", PageView{Title: sv.Title + " · 测评结果", Data: v})
}

// newResultRow is one subject's row of the ranking, its numbers as the
// page shows them (2 decimals; the rate as a percent with one).
func newResultRow(sv *surveys.Survey, r analytics.SubjectResult) resultRow {
	row := resultRow{SubjectID: r.Subject.ID, Name: r.Subject.Name, Org: r.Subject.OrgName, Score: "—", Rate: "—"}
	if r.Subject.Type == surveys.SubjectOrg {
		row.Org = "" // a branch is its own org
	}
	if r.Rank != nil {
		row.Rank = fmt.Sprint(*r.Rank)
	}
	if r.OverallRank != nil {
		row.OverallRank = fmt.Sprint(*r.OverallRank)
	}
	if r.Score.Valid {
		row.Score = decimal.Format(r.Score.Value, decimal.DisplayPlaces)
	}
	if r.SatisfactionRate.Valid {
		row.Rate = decimal.Format(r.SatisfactionRate.Value*100, 1) + "%"
	}
	if r.Grade != nil {
		row.Grade = r.Grade.Label
		row.FormGrade = r.Grade.Key
		row.GradeClass = gradeClass(sv.Scoring.Grades, r.Grade.Key)
	}
	if r.FinalGrade != nil {
		row.Final, row.FinalReason = r.FinalGrade.Label, r.FinalGrade.Reason
		row.FormGrade = r.FinalGrade.Key
	}
	return row
}

// resultsFilterForm fills the filter form's choices (the survey's rater
// groups; the orgs the caller may filter by: its subtree for a secretary,
// every org otherwise) and the download link carrying the filter.
func (s *ResultPages) resultsFilterForm(c *gin.Context, v *resultsView, sv *surveys.Survey, scope []string) error {
	orgs, _, err := orgOptions(c.Request.Context(), s.orgs)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if httpx.InScope(scope, o.Value) {
			v.OrgOptions = append(v.OrgOptions, o)
		}
	}
	for _, g := range sv.RaterGroups {
		v.GroupOptions = append(v.GroupOptions, option{g.Key, g.Name})
	}
	v.Report = "/api/v1/surveys/" + url.PathEscape(sv.ID) + "/report.xlsx"
	if q := resultsQueryString(v.Group, v.OrgID); q != "" {
		v.Report += "?" + q
	}
	return nil
}

// resultsQueryString is ?group=&org_id= without the empty ones.
func resultsQueryString(group, orgID string) string {
	q := url.Values{}
	if group != "" {
		q.Set("group", group)
	}
	if orgID != "" {
		q.Set("org_id", orgID)
	}
	return q.Encode()
}

// resultsFinalGrade is the final-grade form's POST. On success back to the
// page with the same filter (303, so a reload does not post again); a
// refused grade or reason shows the page again with the answers and the
// messages by that subject's form; anything else (out of scope, no such
// subject) the error page.
func (s *ResultPages) ResultsFinalGrade(c *gin.Context) error {
	subjectID := c.Param("subject_id")
	in := rest.FinalGradeInput{Grade: c.PostForm("grade"), Reason: c.PostForm("reason")}
	group, orgID := c.PostForm("group"), c.PostForm("org_id")
	if _, gerr := s.gradeOps.RecordFinalGrade(c.Request.Context(), c.Param("id"), subjectID, analytics.FinalGradeInput(in)); gerr != nil {
		status, fields, body, err := formFailure(c, gerr)
		if err != nil {
			return err
		}
		if len(fields) == 0 {
			return gerr
		}
		sv, err := s.sv.Load(c)
		if err != nil {
			return err
		}
		a := &gradeAttempt{SubjectID: subjectID, Grade: in.Grade, Reason: in.Reason, Message: body.Message, Fields: fields}
		return s.renderResults(c, status, sv, group, orgID, a)
	}
	q, _ := url.ParseQuery(resultsQueryString(group, orgID))
	q.Set("saved", subjectID)
	c.Redirect(http.StatusSeeOther, "/results/"+url.PathEscape(c.Param("id"))+"?"+q.Encode()+"#ranking")
	return nil
}
