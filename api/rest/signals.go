package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/surveys"
)

// BallotSignals answers an open-link survey's stuffing signals: ballots
// from devices that had submitted before and from bursts at one address
// (admin). Counts only: nothing in them points to a ballot.
func (s *Ballots) BallotSignals(c *gin.Context) error {
	sv, err := s.submitter.Surveys.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	out := &surveys.Signals{SurveyID: sv.ID}
	if s.gate.Signals != nil {
		if out, err = s.gate.Signals.Get(c.Request.Context(), sv.ID); err != nil {
			return err
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}
