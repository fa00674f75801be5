package reports

import (
	"context"
	"strings"

	"minyi/analytics"
	"minyi/exports"
	"minyi/surveys"
)

// Query is what a results reader asked to see and may see: the ?group= and
// ?org_id= of GET /surveys/{id}/results, of /results/{id}, of report.xlsx
// and the same fields of POST /exports.
type Query struct {
	// Group keeps one rater group's ballots ("" every group).
	Group string
	// Orgs, when not nil, limits the results to the subjects of these orgs
	// (a secretary's subtree, or the subtree of OrgID).
	Orgs []string
	// OrgID is the org whose subtree Orgs is when the reader filtered by org
	// (?org_id=), OrgName its name; both "" without that filter.
	OrgID   string
	OrgName string
}

// Filter is the analytics filter of q.
func (q Query) Filter() analytics.Filter {
	return analytics.Filter{Group: q.Group}.WithOrgs(q.Orgs)
}

// Results is one survey's results as every reader gets them: the JSON of
// GET /surveys/{id}/results is Scores, the results page and the scorecard
// workbook show Scores (ranks, grades, grade counts) and state Filter.
// Nothing downstream recomputes a number.
type Results struct {
	Survey *surveys.Survey
	Scores *analytics.Results
	Filter FilterText
	// Counts are the ballots by group, channel and validity that the
	// scores rest on (the group filter's only, when there is one).
	Counts []exports.BallotCount
	// Total counts every ballot stored, whatever the filter (what 原始答卷
	// lists).
	Total int64
	// OrgName is the organising org (组织单位): the survey's org, or the
	// top of the org tree when the survey names none ("" without orgs).
	OrgName string
}

// Results assembles survey sv's results for q from the tallies and the
// final grades.
func (s *Source) Results(ctx context.Context, sv *surveys.Survey, q Query) (*Results, error) {
	t, err := s.Tallies.Load(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	var final map[string]analytics.FinalGrade
	if s.Finals != nil {
		if final, err = s.Finals.Latest(ctx, sv.ID); err != nil {
			return nil, err
		}
	}
	r := &Results{
		Survey: sv,
		Scores: analytics.Compute(sv, t, q.Filter(), final, s.now()),
		Filter: describe(sv, q),
		Total:  t.Total(),
	}
	if r.OrgName, err = s.orgName(ctx, sv); err != nil {
		return nil, err
	}
	for k, n := range t.Ballots {
		if q.Group != "" && k.Group != q.Group {
			continue // the summary counts the ballots the scores rest on
		}
		r.Counts = append(r.Counts, exports.BallotCount{Group: k.Group, Channel: k.Channel, Valid: k.Valid, Count: n})
	}
	return r, nil
}

// FilterText is a results filter as a reader is told it, on the page and
// in the workbook alike.
type FilterText struct {
	Group  string // the rater group's name, "" for every group
	Org    string // the name of the org whose subtree is kept, "" without ?org_id=
	Scoped bool   // only some subjects are shown: an org filter or the reader's own subtree
}

func describe(sv *surveys.Survey, q Query) FilterText {
	d := FilterText{Org: q.OrgName, Scoped: q.Orgs != nil}
	if q.Group != "" {
		d.Group = sv.GroupName(q.Group)
	}
	return d
}

// Words is the results page's 当前筛选, e.g. "评价群体：群众；组织：第一党支部（含下级）";
// "" when nothing is filtered (a reader's own scope is stated apart).
func (d FilterText) Words() string {
	var parts []string
	if d.Group != "" {
		parts = append(parts, "评价群体："+d.Group)
	}
	if d.Org != "" {
		parts = append(parts, "组织："+d.Org+"（含下级）")
	}
	return strings.Join(parts, "；")
}

// Line is the line under the title of 汇总: the page's 当前筛选 in the
// same words, e.g. "当前筛选：评价群体：群众；组织：第一党支部（含下级）";
// "" when nothing is filtered. raw says 原始答卷 is in the workbook, which
// always lists every ballot.
func (d FilterText) Line(raw bool) string {
	words := d.Words()
	if words == "" {
		return ""
	}
	text := "当前筛选：" + words
	if raw {
		text += "（原始答卷不筛选，列出全部答卷）"
	}
	return text
}

// Scope is 汇总's 统计范围: whose subjects and whose ballots are counted.
func (d FilterText) Scope() string {
	scope := "全部评价对象"
	switch {
	case d.Org != "":
		scope = d.Org + "及下级组织的评价对象"
	case d.Scoped:
		scope = "本组织及下级组织的评价对象"
	}
	if d.Group != "" {
		scope += "；仅" + d.Group + "的评价"
	}
	return scope
}

// orgName is the name of the org that runs sv: its own org, else the root
// of the tree (the committee that runs a survey of all its branches). The
// tree is small reference data, read whole.
func (s *Source) orgName(ctx context.Context, sv *surveys.Survey) (string, error) {
	if s.Orgs == nil {
		return "", nil
	}
	all, err := s.Orgs.All(ctx)
	if err != nil {
		return "", err
	}
	for _, o := range all {
		if sv.OrgID != "" && o.ID == sv.OrgID {
			return o.Name, nil
		}
	}
	for _, o := range all {
		if o.ParentID == "" {
			return o.Name, nil
		}
	}
	return "", nil
}
