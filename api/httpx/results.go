package httpx

import (
	"slices"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/reports"
	"minyi/surveys"
)

// Results checks what a caller may see of a survey's results, and the
// results filters, one way for the JSON, the page and the workbooks.
type Results struct {
	Orgs  *surveys.OrgStore
	Scope Scope
}

// Request is what the caller may see of survey sv in a workbook of kind.
func (s Results) Request(c *gin.Context, sv *surveys.Survey, kind string) (reports.Request, error) {
	p := Principal(c)
	if p == nil {
		return reports.Request{}, ErrNoCredentials
	}
	if kind == reports.KindBallots && p.Role != accounts.RoleAdmin {
		return reports.Request{}, minyi.ErrWrongRole
	}
	scope, err := s.Scope.OrgScope(c)
	if err != nil {
		return reports.Request{}, err
	}
	return reports.Request{
		Kind: kind, SurveyID: sv.ID, Query: reports.Query{Orgs: scope},
		Texts: scope == nil && p.Is(TextReaders...),
		Raw:   p.Role == accounts.RoleAdmin,
	}, nil
}

// Filter checks the results filter group and orgID for survey sv
// (?group= and ?org_id= of GET /surveys/{id}/results, /results/{id} and
// report.xlsx, the same fields of POST /exports, checked one way): an
// unknown group is 422 on field group; an org outside a secretary's scope
// is 403, an unknown org 404. Without orgID a secretary still sees only its
// subtree.
func (s Results) Filter(c *gin.Context, sv *surveys.Survey, group, orgID string) (reports.Query, error) {
	ctx := c.Request.Context()
	if group != "" && len(sv.RaterGroups) > 0 && !hasGroup(sv, group) {
		var fe minyi.FieldErrors
		fe.Add("group", "unknown_group", "本测评没有这个评价群体")
		return reports.Query{}, fe.Err()
	}
	scope, err := s.Scope.OrgScope(c)
	if err != nil {
		return reports.Query{}, err
	}
	q := reports.Query{Group: group, Orgs: scope}
	if orgID != "" {
		if err := s.Scope.RequireOrg(c, orgID); err != nil {
			return reports.Query{}, err
		}
		org, err := s.Orgs.Get(ctx, orgID)
		if err != nil {
			return reports.Query{}, err
		}
		if q.Orgs, err = s.Orgs.Subtree(ctx, orgID); err != nil {
			return reports.Query{}, err
		}
		q.OrgID, q.OrgName = org.ID, org.Name
	}
	return q, nil
}

// Filtered is Request narrowed by the results filters group
// and orgID; only the scorecard (survey_report) can be filtered.
func (s Results) Filtered(c *gin.Context, sv *surveys.Survey, kind, group, orgID string) (reports.Request, error) {
	req, err := s.Request(c, sv, kind)
	if err != nil || group == "" && orgID == "" {
		return req, err
	}
	if kind != reports.KindSurveyReport {
		var fe minyi.FieldErrors
		if group != "" {
			fe.Add("group", "not_filterable", "只有测评结果（survey_report）可以按评价群体筛选")
		}
		if orgID != "" {
			fe.Add("org_id", "not_filterable", "只有测评结果（survey_report）可以按组织筛选")
		}
		return reports.Request{}, fe.Err()
	}
	if req.Query, err = s.Filter(c, sv, group, orgID); err != nil {
		return reports.Request{}, err
	}
	return req, nil
}

func hasGroup(sv *surveys.Survey, key string) bool {
	return slices.ContainsFunc(sv.RaterGroups, func(g surveys.RaterGroup) bool { return g.Key == key })
}

// TextReaders may read residents' free-text answers: leaders (and admins).
var TextReaders = []accounts.Role{accounts.RoleLeader}
