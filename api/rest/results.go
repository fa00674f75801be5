package rest

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/surveys"
)

// FinalGradeInput is the body of PUT .../final-grade.
type FinalGradeInput struct {
	Grade  string `json:"grade"`
	Reason string `json:"reason"`
}

// TextItem is one free-text answer.
type TextItem struct {
	BallotID   string          `json:"ballot_id"`
	Question   string          `json:"question"`
	Subject    string          `json:"subject,omitempty"`
	Text       string          `json:"text"`
	RaterGroup string          `json:"rater_group"`
	Channel    surveys.Channel `json:"channel"`
	Valid      bool            `json:"valid"`
	CreatedAt  time.Time       `json:"created_at"`
}

// getResults answers the scorecard from the tallies (never the ballots).
// ?group= shows one rater group's view, ?org_id= the subjects of an org's
// subtree; a secretary sees the subjects of its own subtree only.
func (s *Results) GetResults(c *gin.Context) error {
	ctx := c.Request.Context()
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	q, err := s.filter.Filter(c, sv, c.Query("group"), c.Query("org_id"))
	if err != nil {
		return err
	}
	res, err := s.source.Results(ctx, sv, q)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res.Scores)
	return nil
}

// rebuildResults recounts the survey's tallies from its ballots.
func (s *Results) RebuildResults(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	n, err := s.tallies.Rebuild(c.Request.Context(), sv.ID)
	if err != nil {
		return err
	}
	audit(c, s.auditor, "survey.results_rebuild", "survey", sv.ID, "重新统计测评「"+sv.Title+"」的结果")
	c.JSON(http.StatusOK, RebuiltResults{SurveyID: sv.ID, Ballots: n})
	return nil
}

// setFinalGrade records a subject's final grade with a reason; earlier
// records stay as history and the latest one is shown in the results.
func (s *Results) SetFinalGrade(c *gin.Context) error {
	var in FinalGradeInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.gradeOps.RecordFinalGrade(c.Request.Context(), c.Param("id"), c.Param("subject_id"), analytics.FinalGradeInput(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// listFinalGrades lists every final grade recorded for the survey, oldest
// first (the history; the latest per subject is the one in force). A
// secretary sees those of its own subtree's subjects.
func (s *Results) ListFinalGrades(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return err
	}
	all, err := s.finalGrades.History(c.Request.Context(), sv.ID)
	if err != nil {
		return err
	}
	orgOf := map[string]string{}
	for _, sub := range sv.Subjects {
		orgOf[sub.ID] = sub.OrgID
	}
	items := []analytics.FinalGradeRecord{}
	for _, r := range all {
		if httpx.InScope(scope, orgOf[r.SubjectID]) {
			items = append(items, r)
		}
	}
	c.JSON(http.StatusOK, httpx.ItemsOf(items))
	return nil
}

// listTexts pages through the free-text answers to one question, by
// ballot. Texts are not tallied, so this reads the ballots collection,
// filtered to ballots that hold text.
func (s *Results) ListTexts(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	key := c.Query("question")
	if q, ok := sv.Question(key); !ok || q.Type != surveys.QText {
		var fe minyi.FieldErrors
		fe.Add("question", "not_text_question", "请指定本测评的一道文字题")
		return fe.Err()
	}
	ballots, next, err := s.ballots.PageTexts(c.Request.Context(), sv.ID, key, after, limit)
	if err != nil {
		return err
	}
	items := []TextItem{}
	for _, b := range ballots {
		for _, a := range b.Answers {
			if a.Question == key && a.Text != "" {
				items = append(items, TextItem{BallotID: b.ID, Question: key, Subject: a.Subject, Text: a.Text,
					RaterGroup: b.RaterGroup, Channel: b.Channel, Valid: b.Valid, CreatedAt: b.CreatedAt})
			}
		}
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}
