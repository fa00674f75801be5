package rest

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/assessments"
	"minyi/exports"
)

// Composite is the periodic assessment of branches and members (考核):
// schemes, results, 公示 and objections, final tiers, trends and the
// annual scorecard workbook.
type Composite struct {
	ops *assessments.Service
}

// CompositeInput is the body of POST /assessments (API.md, Assessments).
type CompositeInput struct {
	Title      string                  `json:"title"`
	Period     assessments.Period      `json:"period"`
	Subjects   assessments.Scope       `json:"subjects"`
	PreviousID string                  `json:"previous_id"`
	Components []assessments.Component `json:"components"`
	Tiers      []assessments.Tier      `json:"tiers"`
	Vetoes     []assessments.Veto      `json:"vetoes"`
}

// ManualInput is the body of PUT …/manual.
type ManualInput struct {
	Points float64 `json:"points"`
	Reason string  `json:"reason"`
}

// PublishInput is the body of POST …/publish.
type PublishInput struct {
	Days int `json:"days"`
}

// ObjectionInput is the body of POST …/objections.
type ObjectionInput struct {
	SubjectID string `json:"subject_id"`
	Text      string `json:"text"`
}

// AnswerInput is the body of POST …/objections/{seq}/answer.
type AnswerInput struct {
	Answer string `json:"answer"`
}

// FinalTierInput is the body of PUT …/final-tier.
type FinalTierInput struct {
	Tier   string `json:"tier"`
	Reason string `json:"reason"`
}

// CreateComposite stores a new scheme (admin).
func (s *Composite) CreateComposite(c *gin.Context) error {
	var in CompositeInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.ops.Create(c.Request.Context(), &assessments.Assessment{Title: in.Title, Period: in.Period, Subjects: in.Subjects,
		PreviousID: in.PreviousID, Components: in.Components, Tiers: in.Tiers, Vetoes: in.Vetoes})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, a)
	return nil
}

// ListComposites lists the assessments the reader may see, newest first.
func (s *Composite) ListComposites(c *gin.Context) error {
	list, err := s.ops.List(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.ItemsOf(list))
	return nil
}

// GetComposite answers one scheme with what was recorded on it.
func (s *Composite) GetComposite(c *gin.Context) error {
	a, err := s.ops.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, a)
	return nil
}

// GetCompositeResults answers the scored, ranked, tiered subjects.
func (s *Composite) GetCompositeResults(c *gin.Context) error {
	v, err := s.ops.Results(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// GetCompositeTrend answers every subject's score across the periods.
func (s *Composite) GetCompositeTrend(c *gin.Context) error {
	t, err := s.ops.Trend(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, t)
	return nil
}

// SetCompositeManual records a subject's 加减分 with its reason.
func (s *Composite) SetCompositeManual(c *gin.Context) error {
	var in ManualInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.ops.SetManual(c.Request.Context(), c.Param("id"), c.Param("subject_id"), in.Points, in.Reason)
	return answer(c, a, err)
}

// PublishComposite freezes the results and opens 公示.
func (s *Composite) PublishComposite(c *gin.Context) error {
	var in PublishInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.ops.Publish(c.Request.Context(), c.Param("id"), in.Days)
	return answer(c, a, err)
}

// AddCompositeObjection records an objection during 公示.
func (s *Composite) AddCompositeObjection(c *gin.Context) error {
	var in ObjectionInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.ops.Object(c.Request.Context(), c.Param("id"), in.SubjectID, in.Text)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, a)
	return nil
}

// AnswerCompositeObjection answers one objection.
func (s *Composite) AnswerCompositeObjection(c *gin.Context) error {
	var in AnswerInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	seq, err := strconv.Atoi(c.Param("seq"))
	if err != nil {
		return minyi.NotFound("objection_not_found", "异议")
	}
	a, err := s.ops.Answer(c.Request.Context(), c.Param("id"), seq, in.Answer)
	return answer(c, a, err)
}

// CloseComposite ends 公示.
func (s *Composite) CloseComposite(c *gin.Context) error {
	a, err := s.ops.Close(c.Request.Context(), c.Param("id"))
	return answer(c, a, err)
}

// SetCompositeFinalTier records a subject's final tier with its reason.
func (s *Composite) SetCompositeFinalTier(c *gin.Context) error {
	var in FinalTierInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.ops.SetFinalTier(c.Request.Context(), c.Param("id"), c.Param("subject_id"), in.Tier, in.Reason)
	return answer(c, a, err)
}

// GetCompositeReport writes the annual scorecard workbook.
func (s *Composite) GetCompositeReport(c *gin.Context) error {
	ctx := c.Request.Context()
	v, t, err := s.ops.Report(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	w := &xlsxDownload{c: c, name: v.Assessment.Title + ".xlsx", ascii: "assessment.xlsx", started: func() {
		audit(c, s.ops.Auditor(), "export.download", "assessment", v.Assessment.ID, "下载考评结果「"+v.Assessment.Title+"」")
	}}
	return exports.WriteAssessment(w, v, t, s.ops.Location())
}

func answer(c *gin.Context, a *assessments.Assessment, err error) error {
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, a)
	return nil
}
