package api

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/feedback"
)

// Work orders (API.md "Work orders"). Caller phones are sealed with the
// keyring ("phone" purpose) and hashed for lookups; lists, exports and most
// roles see only the mask. Admins and operators see the full number on the
// detail endpoint: operators call back, admins answer for the data.

// phonePurpose keys both the seal and the lookup hash of caller phones.
const phonePurpose = "phone"

type callerInput struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// workOrderInput is what an operator may set on a new order.
type workOrderInput struct {
	Channel  feedback.Channel `json:"channel"`
	Kind     feedback.Kind    `json:"kind"`
	Content  string           `json:"content"`
	Caller   callerInput      `json:"caller"`
	OrgID    string           `json:"org_id"`
	MemberID string           `json:"member_id"`
	Urgency  feedback.Urgency `json:"urgency"`
	Location string           `json:"location"`
}

// publicWorkOrderInput is a resident's online opinion: no channel, urgency
// or member to choose.
type publicWorkOrderInput struct {
	Kind     feedback.Kind `json:"kind"`
	Content  string        `json:"content"`
	Caller   callerInput   `json:"caller"`
	OrgID    string        `json:"org_id"`
	Location string        `json:"location"`
}

// eventInput is one step of the flow.
type eventInput struct {
	Action       feedback.Action       `json:"action"`
	OrgID        string                `json:"org_id"`
	Note         string                `json:"note"`
	Days         int                   `json:"days"`
	Satisfaction feedback.Satisfaction `json:"satisfaction"`
}

// createdWorkOrder is the answer to a new order.
type createdWorkOrder struct {
	ID                 string          `json:"id"`
	Number             string          `json:"number"`
	Status             feedback.Status `json:"status"`
	DueAt              time.Time       `json:"due_at"`
	PossibleDuplicates []feedback.Ref  `json:"possible_duplicates"`
}

// workOrderView is an order as the API shows it, with what it implies now.
type workOrderView struct {
	feedback.Order
	Overdue bool              `json:"overdue"`
	Allowed []feedback.Action `json:"allowed_actions"`
}

// eventView is a new event with the state it led to.
type eventView struct {
	feedback.Event
	Status feedback.Status `json:"status"`
	DueAt  time.Time       `json:"order_due_at"`
}

// actionRoles says who may take each step (admins may take all): the
// operator dispatches, closes and calls back; the branch secretary handles;
// operators and leaders supervise.
var actionRoles = map[feedback.Action][]accounts.Role{
	feedback.ActionAssign:    {accounts.RoleOperator},
	feedback.ActionClose:     {accounts.RoleOperator},
	feedback.ActionCallback:  {accounts.RoleOperator},
	feedback.ActionReopen:    {accounts.RoleOperator},
	feedback.ActionAccept:    {accounts.RoleSecretary},
	feedback.ActionReturn:    {accounts.RoleSecretary},
	feedback.ActionExtend:    {accounts.RoleSecretary},
	feedback.ActionReply:     {accounts.RoleSecretary},
	feedback.ActionSupervise: {accounts.RoleOperator, accounts.RoleLeader},
}

// seesFullPhone says whether the caller may see a caller's clear number on
// the detail endpoint.
func seesFullPhone(p *accounts.Principal) bool {
	return p != nil && (p.Role == accounts.RoleAdmin || p.Role == accounts.RoleOperator)
}

func actorOf(p *accounts.Principal) feedback.Actor {
	if p == nil {
		return feedback.Actor{Name: "网上征询", Role: "public"}
	}
	return feedback.Actor{ID: p.UserID, Name: p.Name, Role: string(p.Role)}
}

// newOrder turns input into an order: the phone normalised, sealed, hashed
// and masked, the org checked. All field problems come back together.
func (s *Server) newOrder(ctx context.Context, in workOrderInput) (*feedback.Order, error) {
	o := &feedback.Order{
		Channel: in.Channel, Kind: in.Kind, Urgency: in.Urgency, Content: in.Content,
		Caller:   feedback.Caller{Name: in.Caller.Name},
		OrgID:    strings.TrimSpace(in.OrgID),
		MemberID: strings.TrimSpace(in.MemberID), Location: in.Location,
	}
	var fe minyi.FieldErrors
	if strings.TrimSpace(in.Caller.Phone) != "" {
		phone, err := feedback.NormalizePhone(in.Caller.Phone)
		if err != nil {
			fe = append(fe, fieldsOf(err)...)
		} else {
			sealed, err := s.keys.Seal(phonePurpose, phone)
			if err != nil {
				return nil, err
			}
			o.Caller.Phone = feedback.MaskPhone(phone)
			o.Caller.Hash = s.keys.Hash(phonePurpose, phone)
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
	if err := s.checkOrg(ctx, o.OrgID, unknownOrderOrg); err != nil {
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

// unknownOrderOrg is checkOrg's message for an order's org.
const unknownOrderOrg = "承办组织不存在"

func fieldsOf(err error) []minyi.FieldError {
	var de *minyi.Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return nil
}

// createOrder stores o and looks for possible duplicates.
func (s *Server) createOrder(ctx context.Context, o *feedback.Order, p *accounts.Principal) (createdWorkOrder, error) {
	if err := s.workOrders.Create(ctx, o, actorOf(p)); err != nil {
		return createdWorkOrder{}, err
	}
	dups, err := s.workOrders.Duplicates(ctx, o)
	if err != nil {
		return createdWorkOrder{}, err
	}
	return createdWorkOrder{ID: o.ID, Number: o.Number, Status: o.Status, DueAt: o.DueAt, PossibleDuplicates: dups}, nil
}

func (s *Server) createWorkOrder(c *gin.Context) error {
	var in workOrderInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.newOrder(c.Request.Context(), in)
	if err != nil {
		return err
	}
	out, err := s.createOrder(c.Request.Context(), o, principal(c))
	if err != nil {
		return err
	}
	s.audit(c, "work_order.create", "work_order", out.ID, out.Number)
	c.JSON(http.StatusCreated, out)
	return nil
}

// createPublicWorkOrder takes a resident's online opinion. It tells the
// resident nothing about other orders (no duplicate hint): that would
// reveal what someone else with the number had reported.
func (s *Server) createPublicWorkOrder(c *gin.Context) error {
	if err := s.limitPublicFeedback(c); err != nil {
		return err
	}
	var in publicWorkOrderInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.newOrder(c.Request.Context(), workOrderInput{
		Channel: feedback.ChannelWeb, Kind: in.Kind, Content: in.Content, Caller: in.Caller,
		OrgID: in.OrgID, Urgency: feedback.UrgencyNormal, Location: in.Location,
	})
	if err != nil {
		return err
	}
	out, err := s.createOrder(c.Request.Context(), o, nil)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, publicWorkOrderReceipt{Number: out.Number, Status: out.Status, DueAt: out.DueAt})
	return nil
}

func (s *Server) listWorkOrders(c *gin.Context) error {
	limit, after, err := page(c)
	if err != nil {
		return err
	}
	f, err := s.workOrderFilter(c)
	if err != nil {
		return err
	}
	if v := c.Query("status"); v != "" {
		var fe minyi.FieldErrors
		for _, st := range strings.Split(v, ",") {
			if !feedback.Status(st).Valid() {
				fe.Add("status", "invalid", "未知的工单状态："+st)
			}
			f.Statuses = append(f.Statuses, feedback.Status(st))
		}
		if err := fe.Err(); err != nil {
			return err
		}
	}
	switch c.Query("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		var fe minyi.FieldErrors
		fe.Add("overdue", "invalid", "overdue 应为 true 或 false")
		return fe.Err()
	}
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		// A query that is a phone number finds that caller's orders by
		// the keyed hash; anything else searches number and content.
		if phone, err := feedback.NormalizePhone(q); err == nil && !orderNumber.MatchString(q) {
			f.PhoneHash = s.keys.Hash(phonePurpose, phone)
		} else {
			f.Q = q
		}
	}
	orders, next, err := s.workOrders.List(c.Request.Context(), f, limit, after)
	if err != nil {
		return err
	}
	items := make([]workOrderView, len(orders))
	for i := range orders {
		items[i] = s.viewOrder(orders[i])
	}
	c.JSON(http.StatusOK, newList(items, next))
	return nil
}

// orderNumber is the shape of a work-order number, which would otherwise
// pass for a landline.
var orderNumber = regexp.MustCompile(`^\d{8}-\d{4,}$`)

func (s *Server) viewOrder(o feedback.Order) workOrderView {
	allowed := o.Allowed()
	if allowed == nil {
		allowed = []feedback.Action{}
	}
	return workOrderView{Order: o, Overdue: o.Overdue(s.now()), Allowed: allowed}
}

// workOrderFilter reads the scope, org_id, from and to shared by the list,
// the statistics and the ledger.
func (s *Server) workOrderFilter(c *gin.Context) (feedback.Filter, error) {
	scope, err := s.orgScope(c)
	if err != nil {
		return feedback.Filter{}, err
	}
	f := feedback.Filter{OrgIDs: scope, Now: s.now(), OrgID: c.Query("org_id")}
	if f.OrgID != "" {
		if err := s.requireOrg(c, f.OrgID); err != nil {
			return f, err
		}
	}
	f.From, f.To, err = parsePeriod(c.Query("from"), c.Query("to"), s.workOrders.Policy().Location())
	return f, err
}

// parsePeriod reads from/to as dates (YYYY-MM-DD, in the calendar's zone,
// both days included) or RFC 3339 instants ([from, to)).
func parsePeriod(from, to string, loc *time.Location) (time.Time, time.Time, error) {
	var fe minyi.FieldErrors
	parse := func(name, v string, end bool) time.Time {
		if v == "" {
			return time.Time{}
		}
		if d, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
			if end {
				d = d.AddDate(0, 0, 1)
			}
			return d
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
		fe.Add(name, "invalid", "日期格式应为 YYYY-MM-DD 或 RFC 3339 时间")
		return time.Time{}
	}
	f, t := parse("from", from, false), parse("to", to, true)
	if !f.IsZero() && !t.IsZero() && !t.After(f) {
		fe.Add("to", "before_from", "结束日期不能早于开始日期")
	}
	return f, t, fe.Err()
}

func (s *Server) getWorkOrder(c *gin.Context) error {
	o, err := s.workOrders.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.requireOrg(c, o.OrgID); err != nil {
		return err
	}
	if p := principal(c); seesFullPhone(p) && o.Caller.Sealed != "" {
		phone, err := s.keys.Open(phonePurpose, o.Caller.Sealed)
		if err != nil {
			return err
		}
		o.Caller.Phone = phone
	}
	c.JSON(http.StatusOK, s.viewOrder(*o))
	return nil
}

func (s *Server) addWorkOrderEvent(c *gin.Context) error {
	var in eventInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, ev, err := s.act(c, c.Param("id"), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, eventView{Event: *ev, Status: o.Status, DueAt: o.DueAt})
	return nil
}

// act checks who may take the step and on which org, then appends it.
func (s *Server) act(c *gin.Context, id string, in eventInput) (*feedback.Order, *feedback.Event, error) {
	p := principal(c)
	roles, known := actionRoles[in.Action]
	if !known {
		var fe minyi.FieldErrors
		fe.Add("action", "invalid", "操作应为 assign、accept、return、extend、reply、close、callback、reopen 或 supervise")
		return nil, nil, fe.Err()
	}
	if !allowed(p, roles) {
		return nil, nil, minyi.E(minyi.ErrForbidden, "action_forbidden", "您的角色不能进行“"+in.Action.Label()+"”操作")
	}
	ctx := c.Request.Context()
	e := feedback.Event{Action: in.Action, Actor: actorOf(p), Note: in.Note, OrgID: strings.TrimSpace(in.OrgID), Days: in.Days, Satisfaction: in.Satisfaction}
	if in.Action == feedback.ActionAssign {
		if err := s.checkOrg(ctx, e.OrgID, unknownOrderOrg); err != nil {
			return nil, nil, err
		}
	}
	o, ev, err := s.workOrders.Act(ctx, id, e, func(o *feedback.Order) error {
		return s.requireOrg(c, o.OrgID)
	})
	if err == nil {
		s.audit(c, "work_order."+string(in.Action), "work_order", o.ID, "工单 "+o.Number+"："+in.Action.Label())
	}
	return o, ev, err
}

// workOrderStats answers the statistics of a period and org.
type workOrderStats struct {
	From        *time.Time `json:"from"`
	To          *time.Time `json:"to"`
	OrgID       string     `json:"org_id,omitempty"`
	GeneratedAt time.Time  `json:"generated_at"`
	*feedback.Stats
}

func (s *Server) getWorkOrderStats(c *gin.Context) error {
	f, err := s.workOrderFilter(c)
	if err != nil {
		return err
	}
	st := feedback.NewStats()
	now := s.now()
	err = s.workOrders.Each(c.Request.Context(), f, func(o *feedback.Order) error {
		st.Add(o, now)
		return nil
	})
	if err != nil {
		return err
	}
	out := workOrderStats{OrgID: f.OrgID, GeneratedAt: now.UTC(), Stats: st.Finish()}
	if !f.From.IsZero() {
		out.From = &f.From
	}
	if !f.To.IsZero() {
		out.To = &f.To
	}
	c.JSON(http.StatusOK, out)
	return nil
}
