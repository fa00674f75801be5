package feedback

import (
	"context"
	"errors"
	"strings"

	"minyi"
	"minyi/secret"
)

// PhonePurpose keys both the seal and the lookup hash of caller phones.
const PhonePurpose = "phone"

// Orgs is what work orders ask of the org tree (surveys.OrgStore, through
// the wiring): whether an org exists, and whether it is within the acting
// principal's scope (403 out_of_scope otherwise).
type Orgs interface {
	Exists(ctx context.Context, id string) (bool, error)
	RequireOrg(ctx context.Context, orgID string) error
}

// Service is work orders as they change: taking a call, a resident's
// online opinion, and every step of the flow. Each method is one domain
// operation: it takes ctx carrying the acting principal, refuses one that
// may not act, makes the change and writes the audit entry; the JSON API
// and the operator and branch pages both call these.
type Service struct {
	store *Store
	keys  *secret.Keyring
	orgs  Orgs
	audit minyi.Auditor
}

// NewService changes orders in st, seals and hashes caller phones with
// keys, checks orgs against orgs and audits to audit.
func NewService(st *Store, keys *secret.Keyring, orgs Orgs, audit minyi.Auditor) *Service {
	return &Service{store: st, keys: keys, orgs: orgs, audit: audit}
}

// OrderInput is a new order as an operator or a resident gives it.
type OrderInput struct {
	Channel     Channel
	Kind        Kind
	Content     string
	CallerName  string
	CallerPhone string // in clear; stored sealed, hashed and masked
	OrgID       string
	MemberID    string
	Urgency     Urgency
	Location    string
	Category    string // a key path of the catalogue; "" is 其他
}

// Created is a new order with its possible duplicates (same phone, org and
// kind within days).
type Created struct {
	Order              *Order
	PossibleDuplicates []Ref
}

// unknownOrderOrg is the message for an order's org that does not exist.
const unknownOrderOrg = "承办组织不存在"

// CreateOrder takes a call (operators and admins) and looks for possible
// duplicates.
func (s *Service) CreateOrder(ctx context.Context, in OrderInput) (*Created, error) {
	p, err := minyi.Require(ctx, minyi.RoleOperator)
	if err != nil {
		return nil, err
	}
	if err := s.freshCalendar(ctx); err != nil {
		return nil, err
	}
	o, err := s.newOrder(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.store.Create(ctx, o, ActorOf(p), intakeSteps(o, p)...); err != nil {
		return nil, err
	}
	dups, err := s.store.Duplicates(ctx, o)
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "work_order.create", ObjectType: "work_order", ObjectID: o.ID, Summary: o.Number})
	return &Created{Order: o, PossibleDuplicates: dups}, nil
}

// SubmitPublic takes a resident's online opinion: no account, the web
// channel, normal urgency. It tells nothing about other orders (that
// would reveal what someone else with the number reported) and, having no
// actor, writes no audit entry.
func (s *Service) SubmitPublic(ctx context.Context, in OrderInput) (*Order, error) {
	in.Channel, in.Urgency, in.MemberID = ChannelWeb, UrgencyNormal, ""
	o, err := s.newOrder(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.store.Create(ctx, o, ActorOf(nil)); err != nil {
		return nil, err
	}
	return o, nil
}

// ActorOf is who an event is by: the principal, or the public form.
func ActorOf(p *minyi.Principal) Actor {
	if p == nil {
		return Actor{Name: "网上征询", Role: "public"}
	}
	return Actor{ID: p.UserID, Name: p.Name, Role: string(p.Role)}
}

// newOrder turns input into an order: the phone normalised, sealed, hashed
// and masked, the org checked. All field problems come back together.
func (s *Service) newOrder(ctx context.Context, in OrderInput) (*Order, error) {
	o := &Order{
		Channel: in.Channel, Kind: in.Kind, Urgency: in.Urgency, Content: in.Content,
		Caller:   Caller{Name: in.CallerName},
		OrgID:    strings.TrimSpace(in.OrgID),
		MemberID: strings.TrimSpace(in.MemberID), Location: in.Location,
	}
	var fe minyi.FieldErrors
	if strings.TrimSpace(in.CallerPhone) != "" {
		phone, err := NormalizePhone(in.CallerPhone)
		if err != nil {
			fe = append(fe, fieldsOf(err)...)
		} else {
			sealed, err := s.keys.Seal(PhonePurpose, phone)
			if err != nil {
				return nil, err
			}
			o.Caller.Phone = MaskPhone(phone)
			o.Caller.Hash = s.keys.Hash(PhonePurpose, phone)
			o.Caller.Sealed = sealed
		}
	}
	if err := o.Validate(); err != nil {
		for _, f := range fieldsOf(err) {
			// A number that was given but is malformed is already reported.
			if f.Field == "caller.phone" && len(fe) > 0 && fe[0].Field == "caller.phone" {
				continue
			}
			fe = append(fe, f)
		}
	}
	if cats := s.store.cats; cats != nil {
		cat, err := cats.resolve(ctx, in.Category)
		if f := fieldsOf(err); err != nil && len(f) == 0 {
			return nil, err
		}
		fe = append(fe, fieldsOf(err)...)
		o.Category = cat
	}
	if err := s.checkOrg(ctx, o.OrgID); err != nil {
		f := fieldsOf(err)
		if len(f) == 0 {
			return nil, err
		}
		fe = append(fe, f...)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return o, nil
}

// checkOrg answers 422 on field org_id when id names no org; "" passes.
func (s *Service) checkOrg(ctx context.Context, id string) error {
	return minyi.CheckOrg(ctx, s.orgs, id, unknownOrderOrg)
}

func fieldsOf(err error) []minyi.FieldError {
	var de *minyi.Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return nil
}

// actionRoles says who may take each step (admins may take all): the
// operator dispatches, closes and calls back; the branch secretary handles;
// operators and leaders supervise.
var actionRoles = map[Action][]minyi.Role{
	ActionAssign:    {minyi.RoleOperator},
	ActionClose:     {minyi.RoleOperator},
	ActionCallback:  {minyi.RoleOperator},
	ActionReopen:    {minyi.RoleOperator},
	ActionAccept:    {minyi.RoleSecretary},
	ActionReturn:    {minyi.RoleSecretary},
	ActionExtend:    {minyi.RoleSecretary},
	ActionReply:     {minyi.RoleSecretary},
	ActionSupervise: {minyi.RoleOperator, minyi.RoleLeader},
	// The workspace steps (workspace.go).
	ActionApproveExtension: {minyi.RoleOperator},
	ActionRefuseExtension:  {minyi.RoleOperator},
	ActionMerge:            {minyi.RoleOperator},
}

// MayTake reports whether p's role may take step a (on an order within its
// scope), for pages that show only the steps a person can take.
func MayTake(p *minyi.Principal, a Action) bool {
	roles, ok := actionRoles[a]
	return ok && p.Is(roles...)
}

// EventInput is one step of the flow as a client asks for it.
type EventInput struct {
	Action       Action
	OrgID        string // assign: the branch it goes to
	Note         string
	Days         int // extend
	Satisfaction Satisfaction
	// The workspace steps: merge's original, a reply's outcome and reason.
	Into       string
	Outcome    ReplyOutcome
	Reason     string
	Resolution Resolution // callback
}

// Act takes step in on order id: refused (403 action_forbidden) to a role
// that may not take it, (403 out_of_scope) on an order outside the
// principal's org scope, and (409) when the order's state does not allow
// it. It returns the order as the step left it and the stored event.
func (s *Service) Act(ctx context.Context, id string, in EventInput) (*Order, *Event, error) {
	p := minyi.PrincipalFrom(ctx)
	if p == nil {
		return nil, nil, minyi.ErrNoPrincipal
	}
	if _, known := actionRoles[in.Action]; !known {
		var fe minyi.FieldErrors
		fe.Add("action", "invalid", "操作应为 assign、accept、return、extend、approve_extension、refuse_extension、reply、close、callback、reopen、supervise 或 merge")
		return nil, nil, fe.Err()
	}
	if !MayTake(p, in.Action) {
		return nil, nil, minyi.E(minyi.ErrForbidden, "action_forbidden", "您的角色不能进行“"+in.Action.Label()+"”操作")
	}
	if err := s.freshCalendar(ctx); err != nil {
		return nil, nil, err
	}
	e := Event{Action: in.Action, Actor: ActorOf(p), Note: in.Note, OrgID: strings.TrimSpace(in.OrgID), Days: in.Days, Satisfaction: in.Satisfaction, Resolution: in.Resolution,
		EventDetail: EventDetail{Outcome: in.Outcome, Reason: in.Reason}}
	switch id2, err := s.redirect(ctx, id, in); {
	case err != nil:
		return nil, nil, err
	case in.Action == ActionMerge:
		return s.merge(ctx, id, e, in.Into)
	default:
		id = id2
	}
	if in.Action == ActionAssign {
		if err := s.checkOrg(ctx, e.OrgID); err != nil {
			return nil, nil, err
		}
	}
	o, ev, err := s.store.Act(ctx, id, e, func(o *Order) error {
		return s.orgs.RequireOrg(ctx, o.OrgID)
	})
	if err != nil {
		return nil, nil, err
	}
	if err := s.noteUnit(ctx, o, ev); err != nil {
		return nil, nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "work_order." + string(in.Action), ObjectType: "work_order", ObjectID: o.ID,
		Summary: "工单 " + o.Number + "：" + in.Action.Label()})
	return o, ev, nil
}
