package commitments

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"minyi"
	"minyi/surveys"
)

func itoa(n int) string { return strconv.Itoa(n) }

func isNotFound(err error) bool { return errors.Is(err, minyi.ErrNotFound) }

// ProgressInput is one progress entry (践诺).
type ProgressInput struct {
	Percent int
	Note    string
	Date    string // YYYY-MM-DD; "" is today
}

// Progress records how far an approved commitment is.
func (s *Service) Progress(ctx context.Context, id string, in ProgressInput) (*Commitment, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	var fe minyi.FieldErrors
	if in.Percent < 0 || in.Percent > 100 {
		fe.Add("percent", "out_of_range", "完成进度应在 0 到 100 之间")
	}
	in.Note = text(&fe, "note", strings.TrimSpace(in.Note), maxReason, true, "请写明进展情况", "进展情况")
	if in.Date == "" {
		in.Date = s.Today()
	} else if _, err := time.Parse(time.DateOnly, in.Date); err != nil {
		fe.Add("date", "invalid", "日期应为 YYYY-MM-DD")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	c, _, err := s.store.Step(ctx, id, func(c *Commitment) (Event, error) {
		if err := s.orgs.RequireOrg(ctx, c.OrgID); err != nil {
			return Event{}, err
		}
		if c.Status != StatusApproved {
			return Event{}, errNotDelivered
		}
		c.Percent, c.Note, c.ProgressOn = in.Percent, in.Note, in.Date
		return Event{Kind: EventProgress, Actor: actorOf(p), Percent: in.Percent, Note: in.Note, Date: in.Date}, nil
	})
	if err != nil {
		return nil, err
	}
	s.record(ctx, "commitment.progress", c, "记录承诺进展 "+itoa(in.Percent)+"%")
	return c, nil
}

// SetOutcome records what became of an approved commitment: fulfilled, or
// partly / unfulfilled with an explanation, which the public page shows.
func (s *Service) SetOutcome(ctx context.Context, id string, outcome Outcome, explanation string) (*Commitment, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	var fe minyi.FieldErrors
	explanation = strings.TrimSpace(explanation)
	switch outcome {
	case OutcomeFulfilled:
	case OutcomePartly, OutcomeUnfulfilled:
		if explanation == "" {
			return nil, errExplain
		}
	default:
		fe.Add("outcome", "invalid", "结果应为 fulfilled（已兑现）、partly（部分兑现）或 unfulfilled（未兑现）")
	}
	if explanation != "" {
		explanation = text(&fe, "explanation", explanation, maxReason, true, "", "说明")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	c, _, err := s.store.Step(ctx, id, func(c *Commitment) (Event, error) {
		if err := s.orgs.RequireOrg(ctx, c.OrgID); err != nil {
			return Event{}, err
		}
		if c.Status != StatusApproved {
			return Event{}, errNotDelivered
		}
		c.Status, c.Outcome, c.Explanation = StatusCompleted, outcome, explanation
		if outcome == OutcomeFulfilled {
			c.Percent = 100
		}
		return Event{Kind: EventOutcome, Actor: actorOf(p), Outcome: outcome, Explanation: explanation}, nil
	})
	if err != nil {
		return nil, err
	}
	s.record(ctx, "commitment.outcome", c, "评定承诺结果："+outcome.Label())
	return c, nil
}

// Detail is a commitment with its history.
type Detail struct {
	*Commitment
	Events []Event `json:"events"`
}

// Get returns commitment id with every version and decision (readers within scope).
func (s *Service) Get(ctx context.Context, id string) (*Detail, error) {
	if _, err := minyi.Require(ctx, minyi.RoleLeader, minyi.RoleSecretary); err != nil {
		return nil, err
	}
	c, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.orgs.RequireOrg(ctx, c.OrgID); err != nil {
		return nil, err
	}
	ev, err := s.store.Events(ctx, c)
	if err != nil {
		return nil, err
	}
	return &Detail{Commitment: c, Events: ev}, nil
}

// Query selects a list: one org (a secretary's own by default) and period.
type Query struct {
	OrgID  string
	Period string
	Status Status // "" every status
}

// List returns the commitments of one org and period (a year also lists
// its half-years) with their owners' evaluation scores, ordered by owner
// type (the org's first), owner and due date.
func (s *Service) List(ctx context.Context, q Query) ([]Row, error) {
	p, err := minyi.Require(ctx, minyi.RoleLeader, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	if q.OrgID == "" && p.Role == minyi.RoleSecretary {
		q.OrgID = p.OrgID
	}
	if err := s.checkQuery(ctx, q); err != nil {
		return nil, err
	}
	if err := s.orgs.RequireOrg(ctx, q.OrgID); err != nil {
		return nil, err
	}
	all, err := s.rowsOf(ctx, q.OrgID, q.Period)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, r := range all {
		if q.Status == "" || r.Status == q.Status {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *Service) checkQuery(ctx context.Context, q Query) error {
	var fe minyi.FieldErrors
	if q.OrgID == "" {
		fe.Add("org_id", "required", "请选择组织")
	} else if ok, err := s.orgs.Exists(ctx, q.OrgID); err != nil {
		return err
	} else if !ok {
		fe.Add("org_id", "unknown_org", "该组织不存在")
	}
	if err := CheckPeriod(q.Period); err != nil {
		fe = append(fe, err.(*minyi.Error).Fields...)
	}
	switch q.Status {
	case "", StatusDraft, StatusSubmitted, StatusReturned, StatusApproved, StatusCompleted:
	default:
		fe.Add("status", "invalid", "状态应为 draft、submitted、returned、approved 或 completed")
	}
	return fe.Err()
}

// read lists an org's commitments of period, sorted.
func (s *Service) read(ctx context.Context, orgID, period string) ([]Commitment, error) {
	var out []Commitment
	for _, pd := range PeriodsOf(period) {
		cs, err := s.store.List(ctx, orgID, pd)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	sortCommitments(out)
	return out, nil
}

func sortCommitments(cs []Commitment) {
	slices.SortFunc(cs, func(a, b Commitment) int {
		return cmp.Or(cmp.Compare(b.Owner.Type, a.Owner.Type), cmp.Compare(a.Owner.Name, b.Owner.Name),
			cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID))
	})
}

// PublicList is what residents see of an org's period: approved commitments only.
type PublicList struct {
	OrgID       string       `json:"org_id"`
	OrgName     string       `json:"org_name"`
	Period      string       `json:"period"`
	PeriodLabel string       `json:"period_label"`
	Items       []PublicItem `json:"items"`
}

// PublicItem is one published commitment: who, what, by when, how far,
// and what became of it with the explanation owed to residents.
type PublicItem struct {
	Owner       Owner   `json:"owner"`
	Area        Area    `json:"area"`
	AreaLabel   string  `json:"area_label"`
	Content     string  `json:"content"`
	Target      string  `json:"target"`
	Due         string  `json:"due"`
	Responsible string  `json:"responsible"`
	Percent     int     `json:"percent"`
	ProgressOn  string  `json:"progress_on,omitempty"`
	Note        string  `json:"note,omitempty"`
	Outcome     Outcome `json:"outcome,omitempty"`
	OutcomeText string  `json:"outcome_label,omitempty"`
	Explanation string  `json:"explanation,omitempty"`
	Overdue     bool    `json:"overdue"`
}

func publicItem(c Commitment, today string) PublicItem {
	p := PublicItem{Owner: c.Owner, Area: c.Area, AreaLabel: c.Area.Label(), Content: c.Content.Content, Target: c.Target, Due: c.Due,
		Responsible: c.Responsible, Percent: c.Percent, ProgressOn: c.ProgressOn, Note: c.Note, Outcome: c.Outcome,
		Explanation: c.Explanation, Overdue: c.Overdue(today)}
	if c.Outcome != "" {
		p.OutcomeText = c.Outcome.Label()
	}
	return p
}

// Public lists an org's approved commitments of a period for the public
// page: no account needed, nothing but what was approved for publication.
func (s *Service) Public(ctx context.Context, orgID, period string) (*PublicList, error) {
	if err := CheckPeriod(period); err != nil {
		return nil, err
	}
	o, err := s.orgs.Get(ctx, orgID)
	if err != nil {
		return nil, err
	}
	all, err := s.read(ctx, orgID, period)
	if err != nil {
		return nil, err
	}
	pl := &PublicList{OrgID: o.ID, OrgName: o.Name, Period: period, PeriodLabel: PeriodLabel(period), Items: []PublicItem{}}
	today := s.Today()
	for _, c := range all {
		if c.Public() {
			pl.Items = append(pl.Items, publicItem(c, today))
		}
	}
	return pl, nil
}

// Overdue lists the approved commitments past their due date without an
// outcome, within the caller's scope (secretaries, admins), oldest due first.
func (s *Service) Overdue(ctx context.Context) ([]OpenEntry, error) {
	today := s.Today()
	return s.dueBefore(ctx, today, minyi.RoleSecretary)
}

// DueWithin is, for readers within their scope, the approved commitments
// without an outcome whose due date is before today plus days: the overdue
// ones and those falling due soon, earliest first (the leaders' dashboard).
func (s *Service) DueWithin(ctx context.Context, days int) ([]OpenEntry, error) {
	until := s.now().In(surveys.ChinaTime).AddDate(0, 0, days+1).Format(time.DateOnly)
	return s.dueBefore(ctx, until, minyi.RoleLeader, minyi.RoleSecretary)
}

// dueBefore lists the open commitments in scope due before the date until.
func (s *Service) dueBefore(ctx context.Context, until string, roles ...minyi.Role) ([]OpenEntry, error) {
	if _, err := minyi.Require(ctx, roles...); err != nil {
		return nil, err
	}
	scope, err := s.orgs.Scope(ctx)
	if err != nil {
		return nil, err
	}
	open, err := s.store.Open(ctx)
	if err != nil {
		return nil, err
	}
	var out []OpenEntry
	for _, e := range open {
		if e.Due < until && (scope == nil || slices.Contains(scope, e.OrgID)) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b OpenEntry) int { return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
