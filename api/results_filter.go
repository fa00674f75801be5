package api

import (
	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/reports"
	"minyi/surveys"
)

// resultsFilter checks the results filter group and orgID for survey sv
// (?group= and ?org_id= of GET /surveys/{id}/results, /results/{id} and
// report.xlsx, the same fields of POST /exports, checked one way): an
// unknown group is 422 on field group; an org outside a secretary's scope
// is 403, an unknown org 404. Without orgID a secretary still sees only its
// subtree.
func (s *Server) resultsFilter(c *gin.Context, sv *surveys.Survey, group, orgID string) (reports.Query, error) {
	ctx := c.Request.Context()
	if group != "" && len(sv.RaterGroups) > 0 && !hasGroup(sv, group) {
		var fe minyi.FieldErrors
		fe.Add("group", "unknown_group", "本测评没有这个评价群体")
		return reports.Query{}, fe.Err()
	}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return reports.Query{}, err
	}
	q := reports.Query{Group: group, Orgs: scope}
	if orgID != "" {
		if err := s.scope.RequireOrg(c, orgID); err != nil {
			return reports.Query{}, err
		}
		org, err := s.orgs.Get(ctx, orgID)
		if err != nil {
			return reports.Query{}, err
		}
		if q.Orgs, err = s.orgs.Subtree(ctx, orgID); err != nil {
			return reports.Query{}, err
		}
		q.OrgID, q.OrgName = org.ID, org.Name
	}
	return q, nil
}

// filteredReport is reportRequest narrowed by the results filters group
// and orgID; only the scorecard (survey_report) can be filtered.
func (s *Server) filteredReport(c *gin.Context, sv *surveys.Survey, kind, group, orgID string) (reports.Request, error) {
	req, err := s.reportRequest(c, sv, kind)
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
	if req.Query, err = s.resultsFilter(c, sv, group, orgID); err != nil {
		return reports.Request{}, err
	}
	return req, nil
}
