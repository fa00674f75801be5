package ui

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/surveys"
)

// The operator's ballot entry page: the same form a resident sees, filled
// in on a caller's behalf (热线电话), from a paper ballot or a visit. It
// posts with the session's CSRF token, records the operator, and ends on a
// "next ballot" link so a stack of paper ballots goes quickly.

func operatorBallotPath(id string) string { return "/operator/surveys/" + id + "/ballot" }

func (s *BallotPages) OperatorBallotForm(c *gin.Context) error {
	sv, err := s.submitter.Surveys.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if err := sv.Accepting(s.now(), false); err != nil {
		return err
	}
	// ?code= (the lookup form above the ballot): the paper ballot's code
	// shows only the subjects it may rate (a scoped or personal code).
	code := ""
	if sv.Access.Mode == surveys.AccessCode {
		code = surveys.NormalizeCode(c.Query("code"))
	}
	view, err := s.submitter.ViewFor(c.Request.Context(), sv, code)
	if err != nil {
		return err
	}
	p := newBallotPage(view, code, newSubmissionID(), nil, nil)
	p.Action, p.Operator = operatorBallotPath(sv.ID), true
	p.CodeField, p.GroupChoice = sv.Access.Mode == surveys.AccessCode, p.GroupChoice && sv.Access.Mode != surveys.AccessCode
	return s.pages.Render(c, http.StatusOK, "ballot", PageView{Title: "代录答卷：" + sv.Title, Data: p})
}

func (s *BallotPages) OperatorBallotPost(c *gin.Context) error {
	if err := c.Request.ParseForm(); err != nil {
		return errBadForm
	}
	form := c.Request.PostForm
	sv, err := s.submitter.Surveys.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	channel := surveys.Channel(form.Get("channel"))
	if !rest.OperatorChannel(channel) {
		channel = surveys.ChannelHotline
	}
	code := surveys.NormalizeCode(form.Get("code"))
	// A scoped or personal code's paper ballot rates only its subjects:
	// the grades typed for others are not part of it.
	view, err := s.submitter.ViewFor(c.Request.Context(), sv, code)
	if err != nil {
		return err
	}
	sub := surveys.Submission{SurveyID: sv.ID, Channel: channel, EnteredBy: httpx.Principal(c).Login,
		SubmissionID: form.Get("submission_id"), Code: code,
		RaterGroup: form.Get("rater_group"), Answers: formAnswers(view, form)}
	r, err := s.submitter.Submit(c.Request.Context(), sub)
	var ce *surveys.CheckError
	if errors.As(err, &ce) {
		p := newBallotPage(sv, sub.Code, sub.SubmissionID, form, ce)
		p.Action, p.Operator, p.Channel = operatorBallotPath(sv.ID), true, channel
		p.CodeField, p.GroupChoice = sv.Access.Mode == surveys.AccessCode, p.GroupChoice && sv.Access.Mode != surveys.AccessCode
		return s.pages.Render(c, http.StatusUnprocessableEntity, "ballot", PageView{Title: "代录答卷：" + sv.Title, Data: p})
	}
	if err != nil {
		return err
	}
	return s.pages.Render(c, http.StatusOK, "ballot_done", PageView{Title: "已录入", Data: gin.H{
		"Title": sv.Title, "Valid": r.Valid, "Reason": r.Reason, "Repeat": false, "Next": operatorBallotPath(sv.ID)}})
}
