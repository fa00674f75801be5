package api

import (
	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/analytics"
	"minyi/reports"
	"minyi/surveys"
)

// resultsQuery is what a results reader asked to see and may see: the
// ?group= and ?org_id= of GET /surveys/{id}/results, the same query of
// report.xlsx and the same fields of POST /exports, checked one way.
type resultsQuery struct {
	Filter analytics.Filter // with Orgs set from orgs
	Orgs   []string         // the org filter's subtree, else the caller's scope; nil: every subject
	Org    *surveys.Org     // the org filter, nil without one
}

// resultsFilter checks group and orgID for survey sv: an unknown group is
// 422 on field group; an org outside a secretary's scope is 403, an
// unknown org 404. Without orgID a secretary still sees only its subtree.
func (s *Server) resultsFilter(c *gin.Context, sv *surveys.Survey, group, orgID string) (resultsQuery, error) {
	ctx := c.Request.Context()
	f := analytics.Filter{Group: group}
	if f.Group != "" && len(sv.RaterGroups) > 0 && !hasGroup(sv, f.Group) {
		var fe minyi.FieldErrors
		fe.Add("group", "unknown_group", "本测评没有这个评价群体")
		return resultsQuery{}, fe.Err()
	}
	scope, err := s.orgScope(c)
	if err != nil {
		return resultsQuery{}, err
	}
	v := resultsQuery{Orgs: scope}
	if orgID != "" {
		if err := s.requireOrg(c, orgID); err != nil {
			return resultsQuery{}, err
		}
		if v.Org, err = s.orgs.Get(ctx, orgID); err != nil {
			return resultsQuery{}, err
		}
		if v.Orgs, err = s.orgs.Subtree(ctx, orgID); err != nil {
			return resultsQuery{}, err
		}
	}
	v.Filter = f.WithOrgs(v.Orgs)
	return v, nil
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
	v, err := s.resultsFilter(c, sv, group, orgID)
	if err != nil {
		return reports.Request{}, err
	}
	req.Group, req.Orgs = group, v.Orgs
	if v.Org != nil {
		req.OrgID, req.OrgName = v.Org.ID, v.Org.Name
	}
	return req, nil
}
