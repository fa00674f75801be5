package ui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
)

// The public online feedback form (网上征询).

func (s *WorkOrderPages) PublicFeedbackPage(c *gin.Context) error {
	v, _, err := s.newFormView(c.Request.Context(), "/feedback")
	if err != nil {
		return err
	}
	return s.renderWO(c, http.StatusOK, "wo_public", "网上征询", v)
}

func (s *WorkOrderPages) SubmitPublicFeedback(c *gin.Context) error {
	if !httpx.FormCSRFOK(c, feedbackCSRFCookie) {
		return s.publicFeedbackError(c, errFeedbackCSRF)
	}
	if err := s.feedbackLimit.Take(c); err != nil {
		return s.publicFeedbackError(c, err)
	}
	return s.submitWOForm(c, "/feedback", true, "网上征询")
}

// publicFeedbackError shows the public form with a message (403, 429).
func (s *WorkOrderPages) publicFeedbackError(c *gin.Context, err error) error {
	status, body := httpx.Classify(c.Request.Context(), err)
	if status >= 500 {
		return err
	}
	v, _, verr := s.newFormView(c.Request.Context(), "/feedback")
	if verr != nil {
		return verr
	}
	v.Form = readWOForm(c)
	v.Error = body.Error.Message
	return s.renderWO(c, status, "wo_public", "网上征询", v)
}
