package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/surveys"
)

// Confirmation pages of /admin/surveys/{id}: publishing, closing and
// deleting a draft each change what can be done with a survey for good, so
// the buttons of the survey page lead to a GET page that says what the
// action freezes, stops or removes, and only its POST button acts. The POST
// endpoints are the ones the survey page always had (publish, close) and
// are the same domain operations as the JSON API's (surveys.SurveyService).

// confirmItem is one thing a publish freezes, with its details.
type confirmItem struct {
	Label string
	Lines []string
}

type confirmView struct {
	Survey   *surveys.Survey
	Action   string // publish, close or delete: the template's branch and the form's path
	Kind     string
	Status   string
	Freezes  []confirmItem
	Problems []minyi.FieldError // publish: why it would be refused now
	CodeMode bool
	Ballots  string // close: ballots returned so far
	Issued   int    // delete: codes that go with the draft
	// publish: where the link and QR codes will point, and a warning when
	// that is this machine only while the admin is elsewhere.
	LinkBase, LinkWarning string
}

var confirmTitles = map[string]string{"publish": "确认发布", "close": "确认结束", "delete": "确认删除草稿"}

// Why a confirmation page is not offered for a survey in another state.
var (
	errPublishNotDraft = minyi.E(minyi.ErrConflict, "survey_not_draft", "只有草稿状态的测评可以发布")
	errCloseNotOpen    = minyi.E(minyi.ErrConflict, "survey_not_published", "测评尚未发布或已经结束")
	errDeleteNotDraft  = minyi.E(minyi.ErrConflict, "survey_not_draft", "只有草稿状态的测评可以删除；已发布或已结束的测评是历史记录，可以结束但不能删除")
)

// confirmPage is GET /admin/surveys/{id}/{action}.
func (s *SurveyPages) ConfirmPage(action string) httpx.HandlerFunc {
	return func(c *gin.Context) error {
		ctx := c.Request.Context()
		sv, err := s.surveys.Get(ctx, c.Param("id"))
		if err != nil {
			return err
		}
		v := confirmView{Survey: sv, Action: action, Kind: sv.Kind.Label(), Status: sv.Status.Label(),
			CodeMode: sv.Access.Mode == surveys.AccessCode}
		switch action {
		case "publish":
			if sv.Status != surveys.StatusDraft {
				return errPublishNotDraft
			}
			if err := s.describePublish(c, sv, &v); err != nil {
				return err
			}
			v.LinkBase = httpx.BaseOf(c, s.baseURL) + "/s/"
			v.LinkWarning = httpx.LoopbackWarning(c, v.LinkBase)
		case "close":
			if sv.Status != surveys.StatusPublished {
				return errCloseNotOpen
			}
			counts, err := s.tallies.Counts(ctx, []string{sv.ID})
			if err != nil {
				return err
			}
			v.Ballots = ballotsLabel(counts[sv.ID].Valid, counts[sv.ID].Invalid)
		case "delete":
			if sv.Status != surveys.StatusDraft {
				return errDeleteNotDraft
			}
			_, total, err := httpx.GroupCounts(ctx, s.codes, sv)
			if err != nil {
				return err
			}
			v.Issued = total.Issued
		}
		return s.pages.Render(c, http.StatusOK, "admin_confirm", PageView{Title: confirmTitles[action] + " · " + sv.Title, Data: v})
	}
}

// describePublish lists what a publish of sv would freeze, and the problems
// that would make it fail now, from the store's own plan of the publish
// (the same checks and expansion the POST runs again), so the page can say
// it before the button.
func (s *SurveyPages) describePublish(c *gin.Context, sv *surveys.Survey, v *confirmView) error {
	def := *sv
	plan, err := s.surveys.PlanPublish(c.Request.Context(), &def)
	if err != nil {
		return err
	}
	subjects := []string{fmt.Sprintf("共 %d 个", len(plan.Subjects))}
	for i, sub := range def.Subjects {
		if n, ok := plan.Expanded[i]; ok {
			subjects = append(subjects, fmt.Sprintf("“%s”在发布时按当前名册展开为 %d 名党员", sub.Name, n))
		}
	}

	var groups []string
	for _, g := range def.RaterGroups {
		groups = append(groups, fmt.Sprintf("%s：权重 %s", g.Name, num(g.Weight, 4)))
	}
	perSubject := 0
	for _, q := range def.Questions {
		if q.PerSubject {
			perSubject++
		}
	}
	questions := fmt.Sprintf("共 %d 道", len(def.Questions))
	if perSubject > 0 {
		questions += fmt.Sprintf("（其中逐个评价测评对象的 %d 道）", perSubject)
	}
	access := []string{def.Access.Mode.Label()}
	if t := def.Access.OpensAt; t != nil {
		access = append(access, "开始时间："+pageTime(*t))
	}
	v.Freezes = []confirmItem{
		{"测评对象", subjects},
		{"评价群体与权重", orNone(groups)},
		{"题目", []string{questions}},
		{"答卷规则", orNone(ruleLines(&def))},
		{"计分方式", scoringLines(def.Scoring)},
		{"参与方式", access},
	}
	v.Problems = plan.Problems
	return nil
}

func orNone(lines []string) []string {
	if len(lines) == 0 {
		return []string{"无"}
	}
	return lines
}

// ballotsLabel is the ballots returned as a page shows them: every ballot,
// and the invalid ones among them when there are any.
func ballotsLabel(valid, invalid int64) string {
	out := fmt.Sprintf("%d", valid+invalid)
	if invalid > 0 {
		out += fmt.Sprintf("（其中无效 %d）", invalid)
	}
	return out
}

// adminDeleteSurvey is the delete confirmation's POST: the draft and its
// codes go as with DELETE /api/v1/surveys/{id}; back to the list naming it.
func (s *SurveyPages) AdminDeleteSurvey(c *gin.Context) error {
	sv, err := s.svOps.DeleteDraft(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/surveys?"+url.Values{"deleted": {strings.TrimSpace(sv.Title)}}.Encode())
	return nil
}
