package httpx

import (
	"github.com/gin-gonic/gin"

	"minyi/surveys"
)

// Surveys reads a survey for a handler, within the caller's org scope.
type Surveys struct {
	Store *surveys.SurveyStore
	Scope Scope
}

// surveyInScope: a secretary sees a survey run by an org of its subtree or
// rating one.
func surveyInScope(scope []string, sv *surveys.Survey) bool { return surveys.SurveyInScope(scope, sv) }

// Load reads survey :id, answering 403 when it is outside the
// caller's org scope.
func (s Surveys) Load(c *gin.Context) (*surveys.Survey, error) {
	return s.LoadByID(c, c.Param("id"))
}

// LoadByID is Load for an id that is not in the path.
func (s Surveys) LoadByID(c *gin.Context, id string) (*surveys.Survey, error) {
	sv, err := s.Store.Get(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	scope, err := s.Scope.OrgScope(c)
	if err != nil {
		return nil, err
	}
	if !surveyInScope(scope, sv) {
		return nil, ErrOutOfScope
	}
	return sv, nil
}
