package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/analytics"
	"minyi/surveys"
)

// textReaders may read residents' free-text answers: leaders (and admins).
var textReaders = []accounts.Role{accounts.RoleLeader}

// finalGradeInput is the body of PUT .../final-grade.
type finalGradeInput struct {
	Grade  string `json:"grade"`
	Reason string `json:"reason"`
}

// textItem is one free-text answer.
type textItem struct {
	BallotID   string    `json:"ballot_id"`
	Question   string    `json:"question"`
	Subject    string    `json:"subject,omitempty"`
	Text       string    `json:"text"`
	RaterGroup string    `json:"rater_group"`
	Channel    string    `json:"channel"`
	Valid      bool      `json:"valid"`
	CreatedAt  time.Time `json:"created_at"`
}

// getResults answers the scorecard from the tallies (never the ballots).
// ?group= shows one rater group's view, ?org_id= the subjects of an org's
// subtree; a secretary sees the subjects of its own subtree only.
func (s *Server) getResults(c *gin.Context) error {
	ctx := c.Request.Context()
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	q, err := s.resultsFilter(c, sv, c.Query("group"), c.Query("org_id"))
	if err != nil {
		return err
	}
	res, err := s.results(ctx, sv, q.Filter)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res)
	return nil
}

// results computes the scorecard from the tallies and the final grades.
func (s *Server) results(ctx context.Context, sv *surveys.Survey, f analytics.Filter) (*analytics.Results, error) {
	t, err := s.tallies.Load(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	final, err := s.finalGrades.Latest(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	return analytics.Compute(sv, t, f, final, s.now()), nil
}

// rebuildResults recounts the survey's tallies from its ballots.
func (s *Server) rebuildResults(c *gin.Context) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	n, err := s.tallies.Rebuild(c.Request.Context(), sv.ID)
	if err != nil {
		return err
	}
	s.audit(c, "survey.results_rebuild", "survey", sv.ID, "重新统计测评「"+sv.Title+"」的结果")
	c.JSON(http.StatusOK, rebuiltResults{SurveyID: sv.ID, Ballots: n})
	return nil
}

// setFinalGrade records a subject's final grade with a reason; earlier
// records stay as history and the latest one is shown in the results.
func (s *Server) setFinalGrade(c *gin.Context) error {
	var in finalGradeInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	r, err := s.recordFinalGrade(c, sv, c.Param("subject_id"), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// recordFinalGrade checks that the caller may grade subjectID of sv (a
// secretary only within its subtree), records the grade and audits it: PUT
// .../final-grade and the form of /results/{id} both come here.
func (s *Server) recordFinalGrade(c *gin.Context, sv *surveys.Survey, subjectID string, in finalGradeInput) (*analytics.FinalGradeRecord, error) {
	for _, sub := range sv.Subjects {
		if sub.ID == subjectID {
			if err := s.requireOrg(c, sub.OrgID); err != nil {
				return nil, err
			}
		}
	}
	by := ""
	if p := principal(c); p != nil {
		by = p.Login
		if by == "" {
			by = p.UserID
		}
	}
	r, err := s.finalGrades.Set(c.Request.Context(), sv, subjectID, in.Grade, in.Reason, by)
	if err != nil {
		return nil, err
	}
	s.audit(c, "survey.final_grade", "survey", sv.ID, "确定测评对象 "+subjectID+" 的等次为「"+r.Label+"」")
	return r, nil
}

// listFinalGrades lists every final grade recorded for the survey, oldest
// first (the history; the latest per subject is the one in force). A
// secretary sees those of its own subtree's subjects.
func (s *Server) listFinalGrades(c *gin.Context) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	scope, err := s.orgScope(c)
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
		if inScope(scope, orgOf[r.SubjectID]) {
			items = append(items, r)
		}
	}
	c.JSON(http.StatusOK, itemsOf(items))
	return nil
}

// listTexts pages through the free-text answers to one question, by
// ballot. Texts are not tallied, so this reads the ballots collection,
// filtered to ballots that hold text.
func (s *Server) listTexts(c *gin.Context) error {
	limit, after, err := page(c)
	if err != nil {
		return err
	}
	sv, err := s.loadSurvey(c)
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
	items := []textItem{}
	for _, b := range ballots {
		for _, a := range b.Answers {
			if a.Question == key && a.Text != "" {
				items = append(items, textItem{BallotID: b.ID, Question: key, Subject: a.Subject, Text: a.Text,
					RaterGroup: b.RaterGroup, Channel: b.Channel, Valid: b.Valid, CreatedAt: b.CreatedAt})
			}
		}
	}
	c.JSON(http.StatusOK, newList(items, next))
	return nil
}

func hasGroup(sv *surveys.Survey, key string) bool {
	return slices.ContainsFunc(sv.RaterGroups, func(g surveys.RaterGroup) bool { return g.Key == key })
}
