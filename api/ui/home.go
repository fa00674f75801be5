package ui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/commitments"
	"minyi/surveys"
)

// The home page: where a signed-in user starts. It lists what the role
// works with — surveys and their results for leaders, secretaries and
// admins; the call-taking and queue pages for operators and secretaries;
// administration for admins — so nobody has to know an address by heart.

type homeView struct {
	Surveys    []homeSurvey
	Entry      []homeSurvey // surveys an operator may enter ballots for
	More       string       // cursor of the next page of surveys
	SeeResults bool
	Operator   bool
	Secretary  bool
	Admin      bool
	// Commitments: the commitment pages apply; Overdue the approved
	// commitments past their due date without an outcome, in scope.
	Commitments bool
	Overdue     []commitments.OpenEntry
	Leader      *homeLeader // the work-order figures of a leader's (or admin's) home (home_leader.go)
}

type homeSurvey struct {
	ID, Title, Kind, Status, Slug string
	ClosesAt                      string
	Results                       bool // published or closed: results exist
	Open                          bool // taking ballots: the ballot page works
}

func (s *HomePage) HomePage(c *gin.Context) error {
	p := httpx.Principal(c)
	v := homeView{
		SeeResults: p.Is(accounts.RoleLeader, accounts.RoleSecretary),
		Operator:   p.Is(accounts.RoleOperator),
		Secretary:  p.Role == accounts.RoleSecretary,
		Admin:      p.Role == accounts.RoleAdmin,
	}
	if v.SeeResults && s.surveys != nil {
		items, next, err := s.visibleSurveys(c, c.Query("after"), 20)
		if err != nil {
			return err
		}
		v.More = next
		for _, sv := range items {
			h := homeSurvey{ID: sv.ID, Title: sv.Title, Kind: sv.Kind.Label(), Status: sv.Status.Label(), Slug: sv.Slug,
				Results: sv.Status != surveys.StatusDraft, Open: sv.Status == surveys.StatusPublished}
			if sv.Access.ClosesAt != nil {
				h.ClosesAt = pageTime(*sv.Access.ClosesAt)
			}
			v.Surveys = append(v.Surveys, h)
		}
	}
	if p.Is(accounts.RoleLeader) && s.assess != nil {
		leader, err := s.leaderFigures(c)
		if err != nil {
			return err
		}
		v.Leader = leader
	}
	if v.Operator && s.surveys != nil {
		open, _, err := s.surveys.List(c.Request.Context(), surveys.StatusPublished, "", 50)
		if err != nil {
			return err
		}
		for _, sv := range open {
			v.Entry = append(v.Entry, homeSurvey{ID: sv.ID, Title: sv.Title, Kind: sv.Kind.Label()})
		}
	}
	if v.Commitments = p.Is(accounts.RoleLeader, accounts.RoleSecretary); (v.Secretary || v.Admin) && s.commitments != nil {
		overdue, err := s.commitments.Overdue(c.Request.Context())
		if err != nil {
			return err
		}
		v.Overdue = overdue
	}
	return s.pages.Render(c, http.StatusOK, "home", PageView{Title: "首页", Data: v})
}

// visibleSurveys pages through the surveys the caller may see, newest
// first: a secretary only those of its org subtree.
func (s *HomePage) visibleSurveys(c *gin.Context, after string, limit int) ([]surveys.Survey, string, error) {
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return nil, "", err
	}
	return s.surveys.ListFiltered(c.Request.Context(), surveys.SurveyFilter{OrgIDs: scope}, after, limit)
}
