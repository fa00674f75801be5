package rest

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/feedback"
)

// Work orders (API.md "Work orders"). Caller phones are sealed with the
// keyring ("phone" purpose) and hashed for lookups; every answer shows only
// the mask. An operator or admin who must call back asks for the number
// (reveal-phone, audited).

type CallerInput struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// WorkOrderInput is what an operator may set on a new order.
type WorkOrderInput struct {
	Channel  feedback.Channel `json:"channel"`
	Kind     feedback.Kind    `json:"kind"`
	Content  string           `json:"content"`
	Caller   CallerInput      `json:"caller"`
	OrgID    string           `json:"org_id"`
	MemberID string           `json:"member_id"`
	Urgency  feedback.Urgency `json:"urgency"`
	Location string           `json:"location"`
	Category string           `json:"category"`
}

// PublicWorkOrderInput is a resident's online opinion: no channel, urgency
// or member to choose.
type PublicWorkOrderInput struct {
	Kind     feedback.Kind `json:"kind"`
	Content  string        `json:"content"`
	Caller   CallerInput   `json:"caller"`
	OrgID    string        `json:"org_id"`
	Location string        `json:"location"`
}

// EventInput is one step of the flow.
type EventInput struct {
	Action       feedback.Action       `json:"action"`
	OrgID        string                `json:"org_id"`
	Note         string                `json:"note"`
	Days         int                   `json:"days"`
	Satisfaction feedback.Satisfaction `json:"satisfaction"`
	// The workspace steps: merge's original, a reply's outcome and reason.
	Into       string                `json:"into"`
	Outcome    feedback.ReplyOutcome `json:"outcome"`
	Reason     string                `json:"reason"`
	Resolution feedback.Resolution   `json:"resolution"`
}

// CreatedWorkOrder is the answer to a new order.
type CreatedWorkOrder struct {
	ID                 string          `json:"id"`
	Number             string          `json:"number"`
	Status             feedback.Status `json:"status"`
	DueAt              time.Time       `json:"due_at"`
	PossibleDuplicates []feedback.Ref  `json:"possible_duplicates"`
}

// WorkOrderView is an order as the API shows it, with what it implies now.
type WorkOrderView struct {
	feedback.Order
	Overdue bool              `json:"overdue"`
	Allowed []feedback.Action `json:"allowed_actions"`
	// CallerHistory: the caller's other orders, on the detail only.
	CallerHistory []feedback.HistoryItem `json:"caller_history,omitempty"`
}

// EventView is a new event with the state it led to.
type EventView struct {
	feedback.Event
	Status feedback.Status `json:"status"`
	DueAt  time.Time       `json:"order_due_at"`
}

// Input is the order as the domain takes it.
func (in WorkOrderInput) Input() feedback.OrderInput {
	return feedback.OrderInput{
		Channel: in.Channel, Kind: in.Kind, Content: in.Content, CallerName: in.Caller.Name, CallerPhone: in.Caller.Phone,
		OrgID: in.OrgID, MemberID: in.MemberID, Urgency: in.Urgency, Location: in.Location, Category: in.Category,
	}
}

func NewCreated(c *feedback.Created) CreatedWorkOrder {
	o := c.Order
	return CreatedWorkOrder{ID: o.ID, Number: o.Number, Status: o.Status, DueAt: o.DueAt, PossibleDuplicates: c.PossibleDuplicates}
}

func (s *WorkOrders) CreateWorkOrder(c *gin.Context) error {
	var in WorkOrderInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	created, err := s.orderOps.CreateOrder(c.Request.Context(), in.Input())
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, NewCreated(created))
	return nil
}

// createPublicWorkOrder takes a resident's online opinion. It tells the
// resident nothing about other orders (no duplicate hint): that would
// reveal what someone else with the number had reported.
func (s *WorkOrders) CreatePublicWorkOrder(c *gin.Context) error {
	if err := s.feedbackLimit.Take(c); err != nil {
		return err
	}
	var in PublicWorkOrderInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.orderOps.SubmitPublic(c.Request.Context(), WorkOrderInput{
		Kind: in.Kind, Content: in.Content, Caller: in.Caller, OrgID: in.OrgID, Location: in.Location,
	}.Input())
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, PublicWorkOrderReceipt{Number: o.Number, Status: o.Status, DueAt: o.DueAt})
	return nil
}

func (s *WorkOrders) ListWorkOrders(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
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
	if err := s.searchFilter(c, &f); err != nil {
		return err
	}
	orders, next, err := s.workOrders.List(c.Request.Context(), f, limit, after)
	if err != nil {
		return err
	}
	items := make([]WorkOrderView, len(orders))
	for i := range orders {
		items[i] = s.viewOrder(orders[i])
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}

// OrderNumber is the shape of a work-order number, which would otherwise
// pass for a landline.
var OrderNumber = regexp.MustCompile(`^\d{8}-\d{4,}$`)

func (s *WorkOrders) viewOrder(o feedback.Order) WorkOrderView {
	allowed := o.Allowed()
	if allowed == nil {
		allowed = []feedback.Action{}
	}
	return WorkOrderView{Order: o, Overdue: o.Overdue(s.now()), Allowed: allowed}
}

// workOrderFilter reads the scope, org_id, from and to shared by the list,
// the statistics and the ledger.
func (s *WorkOrders) workOrderFilter(c *gin.Context) (feedback.Filter, error) {
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return feedback.Filter{}, err
	}
	f := feedback.Filter{OrgIDs: scope, Now: s.now(), OrgID: c.Query("org_id")}
	if f.OrgID != "" {
		if err := s.scope.RequireOrg(c, f.OrgID); err != nil {
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

func (s *WorkOrders) GetWorkOrder(c *gin.Context) error {
	o, err := s.workOrders.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.scope.RequireOrg(c, o.OrgID); err != nil {
		return err
	}
	v, err := s.detail(c, o)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

func (s *WorkOrders) AddWorkOrderEvent(c *gin.Context) error {
	var in EventInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, ev, err := s.orderOps.Act(c.Request.Context(), c.Param("id"), feedback.EventInput(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, EventView{Event: *ev, Status: o.Status, DueAt: o.DueAt})
	return nil
}

// WorkOrderStats answers the statistics of a period and org.
type WorkOrderStats struct {
	From        *time.Time `json:"from"`
	To          *time.Time `json:"to"`
	OrgID       string     `json:"org_id,omitempty"`
	GeneratedAt time.Time  `json:"generated_at"`
	*feedback.Stats
}

func (s *WorkOrders) GetWorkOrderStats(c *gin.Context) error {
	f, err := s.workOrderFilter(c)
	if err != nil {
		return err
	}
	now := s.now()
	st, err := s.workOrders.Stats(c.Request.Context(), f, now) // the day documents, no order read
	if err != nil {
		return err
	}
	out := WorkOrderStats{OrgID: f.OrgID, GeneratedAt: now.UTC(), Stats: st}
	if !f.From.IsZero() {
		out.From = &f.From
	}
	if !f.To.IsZero() {
		out.To = &f.To
	}
	c.JSON(http.StatusOK, out)
	return nil
}
