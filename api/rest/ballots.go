package rest

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/surveys"
)

// BallotRequest is a submission as API.md gives it; Channel only on
// operator entry.
type BallotRequest struct {
	SubmissionID string           `json:"submission_id"`
	Code         string           `json:"code"`
	RaterGroup   string           `json:"rater_group"`
	Channel      surveys.Channel  `json:"channel"`
	Answers      []surveys.Answer `json:"answers"`
}

// ReceiptBody is the answer to a submission.
type ReceiptBody struct {
	ID           string `json:"id"`
	Valid        bool   `json:"valid"`
	Reason       string `json:"reason,omitempty"`
	RepeatDevice bool   `json:"repeat_device,omitempty"` // this device already submitted to this survey
}

// submitPublic is a resident's submission through the link or QR code.
func (s *Ballots) SubmitPublic(c *gin.Context) error {
	var in BallotRequest
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	sv, err := s.submitter.Surveys.GetBySlug(c.Request.Context(), c.Param("slug"))
	if err != nil && !errors.Is(err, minyi.ErrNotFound) {
		return err
	}
	code := surveys.NormalizeCode(in.Code)
	if err := s.gate.Before(c, sv, code); err != nil {
		return err
	}
	if in.Channel != "" && in.Channel != surveys.ChannelWeb {
		var fe minyi.FieldErrors
		fe.Add("channel", "not_allowed", "网上提交不能指定渠道")
		return fe.Err()
	}
	r, err := s.submitter.Submit(c.Request.Context(), surveys.Submission{
		Slug: c.Param("slug"), Channel: surveys.ChannelWeb,
		SubmissionID: in.SubmissionID, Code: in.Code, RaterGroup: in.RaterGroup, Answers: in.Answers,
	})
	if err != nil {
		s.gate.After(c, code, r, err, false)
		return err
	}
	repeat := httpx.MarkDevice(c, r)
	s.gate.After(c, code, r, nil, repeat)
	status := http.StatusCreated
	if r.Replayed {
		status = http.StatusOK
	}
	c.JSON(status, ReceiptBody{ID: r.ID, Valid: r.Valid, Reason: r.Reason, RepeatDevice: repeat})
	return nil
}

// submitOperator is a ballot typed in by an operator from a call, a paper
// ballot or a visit.
func (s *Ballots) SubmitOperator(c *gin.Context) error {
	var in BallotRequest
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if !OperatorChannel(in.Channel) {
		var fe minyi.FieldErrors
		fe.Add("channel", "invalid", "渠道应为 hotline（电话）、paper（纸质）或 visit（走访）")
		return fe.Err()
	}
	r, err := s.submitter.Submit(c.Request.Context(), surveys.Submission{
		SurveyID: c.Param("id"), Channel: in.Channel, EnteredBy: httpx.Principal(c).Login,
		SubmissionID: in.SubmissionID, Code: in.Code, RaterGroup: in.RaterGroup, Answers: in.Answers,
	})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if r.Replayed {
		status = http.StatusOK
	}
	c.JSON(status, ReceiptBody{ID: r.ID, Valid: r.Valid, Reason: r.Reason})
	return nil
}

// OperatorChannel says whether ch is a channel an operator enters ballots
// from (the web is the residents' own).
func OperatorChannel(ch surveys.Channel) bool {
	switch ch {
	case surveys.ChannelHotline, surveys.ChannelPaper, surveys.ChannelVisit:
		return true
	}
	return false
}

// listBallots pages through a survey's raw ballots (admin).
func (s *Ballots) ListBallots(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	if _, err := s.submitter.Surveys.Get(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	items, next, err := s.ballots.Page(c.Request.Context(), c.Param("id"), after, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}

// getPublicSurvey answers the survey as a rater sees it; a closed or not yet
// open survey answers 410 with the reason.
func (s *Ballots) GetPublicSurvey(c *gin.Context) error {
	sv, err := s.submitter.Surveys.GetBySlug(c.Request.Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	if err := sv.Accepting(s.now(), true); err != nil {
		return err
	}
	view, err := s.submitter.ViewFor(c.Request.Context(), sv, c.Query("code"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.ToPublic(view))
	return nil
}
