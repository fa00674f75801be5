package commitments

import (
	"context"
	"slices"
	"strings"
	"time"

	"minyi"
	"minyi/surveys"
)

// Service is the commitment cycle's operations. Each method takes ctx
// carrying the acting principal, refuses one that may not act (secretaries
// within their org subtree, leaders read, admins all), makes the change and
// writes the audit entry; the JSON API and the pages both call these.
type Service struct {
	store   *Store
	orgs    *surveys.OrgStore
	members *surveys.MemberStore
	svOps   *surveys.SurveyService
	scores  Scorer
	audit   minyi.Auditor
	now     func() time.Time
}

// Scorer reads an evaluation survey's subject scores (0–100), keyed by
// Owner.Key ("member:<id>", "org:<id>"); a subject without a defined score
// is absent. The wiring implements it over the survey results.
type Scorer interface {
	Scores(ctx context.Context, surveyID string) (map[string]float64, error)
}

// NewService runs the cycle over st; svOps creates evaluation surveys and
// scores reads their results.
func NewService(st *Store, orgs *surveys.OrgStore, members *surveys.MemberStore, svOps *surveys.SurveyService,
	scores Scorer, audit minyi.Auditor, now func() time.Time) *Service {
	return &Service{store: st, orgs: orgs, members: members, svOps: svOps, scores: scores, audit: audit, now: now}
}

// Store is the service's store, for pages that only read.
func (s *Service) Store() *Store { return s.store }

// Today is the current date in China time, YYYY-MM-DD: due dates are dates there.
func (s *Service) Today() string { return s.now().In(surveys.ChinaTime).Format(time.DateOnly) }

var (
	errOwnReview    = minyi.E(minyi.ErrForbidden, "own_commitment", "承诺不能由录入或修改它的人审核，请由支部会议指定的其他人或上级组织审核")
	errNeedReason   = reason("return", "退回须写明理由，便于重新承诺")
	errExplain      = reason("explanation", "未完全兑现的承诺须向群众说明原因")
	errNotEditable  = conflict("只有草稿或被退回的承诺可以修改")
	errNotSubmit    = conflict("只有草稿或被退回的承诺可以提交审核")
	errNotReview    = conflict("只有待审核的承诺可以审核")
	errNotDelivered = conflict("只有已审核通过、尚未评定的承诺可以记录进展或结果")
)

func reason(field, msg string) error {
	var fe minyi.FieldErrors
	fe.Add(field, "required", msg)
	if field == "return" {
		fe[0].Field = "reason"
	}
	return fe.Err()
}

func conflict(msg string) error { return minyi.E(minyi.ErrConflict, "invalid_transition", msg) }

// Input is a new commitment.
type Input struct {
	OwnerType OwnerType
	OwnerID   string
	Period    string
	Content
}

func actorOf(p *minyi.Principal) Actor {
	return Actor{ID: p.UserID, Name: p.Name, Role: string(p.Role)}
}

// authorKey identifies a principal among a commitment's authors.
func authorKey(p *minyi.Principal) string {
	if p.UserID != "" {
		return p.UserID
	}
	return "login:" + p.Login
}

// owner resolves the owner of in: its name and the org the commitment
// belongs to (a member's branch, or the org itself).
func (s *Service) owner(ctx context.Context, t OwnerType, id string) (Owner, *surveys.Org, error) {
	id = strings.TrimSpace(id)
	var fe minyi.FieldErrors
	switch t {
	case OwnerMember:
		m, err := s.members.Get(ctx, id)
		if err == nil {
			o, err := s.orgs.Get(ctx, m.OrgID)
			return Owner{Type: t, ID: m.ID, Name: m.Name}, o, err
		}
		if !isNotFound(err) {
			return Owner{}, nil, err
		}
		fe.Add("owner.id", "unknown_member", "该党员不存在")
	case OwnerOrg:
		o, err := s.orgs.Get(ctx, id)
		if err == nil {
			return Owner{Type: t, ID: o.ID, Name: o.Name}, o, nil
		}
		if !isNotFound(err) {
			return Owner{}, nil, err
		}
		fe.Add("owner.id", "unknown_org", "该组织不存在")
	default:
		fe.Add("owner.type", "invalid", "承诺主体应为 member（党员）或 org（组织）")
	}
	return Owner{}, nil, fe.Err()
}

// Create enters a commitment as a draft (the branch secretary, within its
// subtree, or an admin).
func (s *Service) Create(ctx context.Context, in Input) (*Commitment, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	c, err := s.prepare(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.orgs.RequireOrg(ctx, c.OrgID); err != nil {
		return nil, err
	}
	c.Authors = []string{authorKey(p)}
	snap := c.Content
	if err := s.store.Create(ctx, c, Event{Kind: EventCreate, Actor: actorOf(p), Content: &snap}); err != nil {
		return nil, err
	}
	s.record(ctx, "commitment.create", c, "录入承诺")
	return c, nil
}

// prepare validates in into a new draft, with every field problem at once.
func (s *Service) prepare(ctx context.Context, in Input) (*Commitment, error) {
	var fe minyi.FieldErrors
	owner, org, err := s.owner(ctx, in.OwnerType, in.OwnerID)
	if err != nil {
		de, ok := err.(*minyi.Error)
		if !ok || len(de.Fields) == 0 {
			return nil, err
		}
		fe = append(fe, de.Fields...)
	}
	if err := CheckPeriod(in.Period); err != nil {
		fe = append(fe, err.(*minyi.Error).Fields...)
	}
	ct := in.Content
	ct.check(in.OwnerType, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return &Commitment{OrgID: org.ID, OrgName: org.Name, Owner: owner, Period: in.Period, Content: ct, Status: StatusDraft}, nil
}

// Patch is a revision: nil fields stay.
type Patch struct {
	Area                              *Area
	Content, Target, Due, Responsible *string
}

// Update revises a draft or a returned commitment (再承诺); the revision is
// kept as an event with the content it left.
func (s *Service) Update(ctx context.Context, id string, pt Patch) (*Commitment, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	c, _, err := s.store.Step(ctx, id, func(c *Commitment) (Event, error) {
		if err := s.orgs.RequireOrg(ctx, c.OrgID); err != nil {
			return Event{}, err
		}
		if c.Status != StatusDraft && c.Status != StatusReturned {
			return Event{}, errNotEditable
		}
		ct := c.Content
		set(&ct.Area, pt.Area)
		set(&ct.Content, pt.Content)
		set(&ct.Target, pt.Target)
		set(&ct.Due, pt.Due)
		set(&ct.Responsible, pt.Responsible)
		var fe minyi.FieldErrors
		ct.check(c.Owner.Type, &fe)
		if err := fe.Err(); err != nil {
			return Event{}, err
		}
		c.Content = ct
		if k := authorKey(p); !slices.Contains(c.Authors, k) {
			c.Authors = append(c.Authors, k)
		}
		return Event{Kind: EventEdit, Actor: actorOf(p), Content: &ct}, nil
	})
	if err != nil {
		return nil, err
	}
	s.record(ctx, "commitment.update", c, "修改承诺")
	return c, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Submit sends a draft or a revised commitment for review: a new version.
func (s *Service) Submit(ctx context.Context, id string) (*Commitment, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	c, _, err := s.store.Step(ctx, id, func(c *Commitment) (Event, error) {
		if err := s.orgs.RequireOrg(ctx, c.OrgID); err != nil {
			return Event{}, err
		}
		if c.Status != StatusDraft && c.Status != StatusReturned {
			return Event{}, errNotSubmit
		}
		c.Status, c.Versions = StatusSubmitted, c.Versions+1
		snap := c.Content
		return Event{Kind: EventSubmit, Actor: actorOf(p), Version: c.Versions, Content: &snap}, nil
	})
	if err != nil {
		return nil, err
	}
	s.record(ctx, "commitment.submit", c, "提交承诺审核（第"+itoa(c.Versions)+"版）")
	return c, nil
}

// Review decides a submitted commitment: approve, or return with a reason.
// A member's commitment is reviewed by its branch (a secretary whose
// subtree holds it, recording the branch meeting's decision), an org's by
// the org above (a secretary of the parent's subtree; a root org's by an
// admin); never by anyone who entered or revised it (403 own_commitment).
func (s *Service) Review(ctx context.Context, id, decision, why string) (*Commitment, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	why = strings.TrimSpace(why)
	if decision != EventApprove && decision != EventReturn {
		var fe minyi.FieldErrors
		fe.Add("decision", "invalid", "审核结论应为 approve（通过）或 return（退回）")
		return nil, fe.Err()
	}
	if decision == EventReturn && why == "" {
		return nil, errNeedReason
	}
	c, _, err := s.store.Step(ctx, id, func(c *Commitment) (Event, error) {
		if err := s.mayReview(ctx, p, c); err != nil {
			return Event{}, err
		}
		if c.Status != StatusSubmitted {
			return Event{}, errNotReview
		}
		c.Decision, c.Reason = decision, why
		if decision == EventApprove {
			c.Status = StatusApproved
		} else {
			c.Status, c.Returns = StatusReturned, c.Returns+1
		}
		return Event{Kind: decision, Actor: actorOf(p), Version: c.Versions, Reason: why}, nil
	})
	if err != nil {
		return nil, err
	}
	label := "审核通过承诺"
	if decision == EventReturn {
		label = "退回承诺：" + why
	}
	s.record(ctx, "commitment."+decision, c, label)
	return c, nil
}

func (s *Service) mayReview(ctx context.Context, p *minyi.Principal, c *Commitment) error {
	if c.Owner.Type == OwnerOrg {
		o, err := s.orgs.Get(ctx, c.OrgID)
		if err != nil {
			return err
		}
		if o.ParentID == "" && p.Role != minyi.RoleAdmin {
			return minyi.E(minyi.ErrForbidden, "reviewed_above", "组织的承诺由上级组织审核")
		}
		if o.ParentID != "" {
			if err := s.orgs.RequireOrg(ctx, o.ParentID); err != nil {
				return minyi.E(minyi.ErrForbidden, "reviewed_above", "组织的承诺由上级组织审核")
			}
		}
	} else if err := s.orgs.RequireOrg(ctx, c.OrgID); err != nil {
		return err
	}
	if slices.Contains(c.Authors, authorKey(p)) {
		return errOwnReview
	}
	return nil
}

func (s *Service) record(ctx context.Context, action string, c *Commitment, what string) {
	s.audit.Audit(ctx, minyi.AuditRecord{Action: action, ObjectType: "commitment", ObjectID: c.ID,
		Summary: what + "：" + c.Owner.Name + "（" + PeriodLabel(c.Period) + "）" + short(c.Content.Content)})
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}
