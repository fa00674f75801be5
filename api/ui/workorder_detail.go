package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/feedback"
	"minyi/surveys"
)

// The work-order detail page, for operators, leaders and admins under
// /operator/work-orders/:id and for secretaries under /branch/work-orders/:id:
// every field, the reply, deadlines, the history of events, the caller's
// other orders, and a form for each step the viewer may take now. The full
// number shows only after the operator presses 查看完整号码 (a POST, audited).

type woEventRow struct {
	At, Action, Actor, Note, Extra string
	RefID, RefNumber               string
}

type woDetailView struct {
	Base       string // /operator/work-orders/ or /branch/work-orders/
	Order      woRow
	Channel    string
	Category   string
	Location   string
	Content    string
	FullPhone  string // after an explicit reveal
	CanReveal  bool
	HasPhone   bool
	Reply      string
	Outcome    string
	Reason     string
	RepliedAt  string
	OnTime     string
	ClosedAt   string
	Extension  *woExtension
	MergedInto *feedback.OrderRef
	MergedFrom []feedback.OrderRef
	Events     []woEventRow
	History    []woHistoryRow
	Candidates []option // merge targets: the caller's other orders
	Orgs       []option
	Sats       []option
	Ress       []option // the callback's resolutions
	Outcomes   []option
	Done       string
	Error      string
}

type woExtension struct {
	Days             int
	Note, By, At     string
	Deadline, Limits string
}

type woHistoryRow struct {
	ID, Number, Created, Status, Kind, Org, Content string
}

func (s *WorkOrderPages) OperatorDetailPage(c *gin.Context) error {
	return s.renderDetail(c, http.StatusOK, "/operator/work-orders/", "", "")
}

func (s *WorkOrderPages) BranchDetailPage(c *gin.Context) error {
	return s.renderDetail(c, http.StatusOK, "/branch/work-orders/", "", "")
}

// RevealPhonePage shows the detail with the caller's full number: one
// audited reveal per press, never in a URL.
func (s *WorkOrderPages) RevealPhonePage(c *gin.Context) error {
	phone, err := s.orderOps.RevealPhone(c.Request.Context(), c.Param("id"))
	if err != nil {
		status, body := httpx.Classify(c.Request.Context(), err)
		if status >= 500 {
			return err
		}
		return s.renderDetail(c, status, "/operator/work-orders/", "", body.Error.Message)
	}
	return s.renderDetail(c, http.StatusOK, "/operator/work-orders/", phone, "")
}

func (s *WorkOrderPages) renderDetail(c *gin.Context, status int, base, phone, errMsg string) error {
	ctx := c.Request.Context()
	o, err := s.workOrders.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.scope.RequireOrg(c, o.OrgID); err != nil {
		return err
	}
	opts, orgs, err := orgOptions(ctx, s.orgs)
	if err != nil {
		return err
	}
	p := httpx.Principal(c)
	v := &woDetailView{Base: base, Order: s.row(*o, p, orgs), Channel: o.Channel.Label(), Location: o.Location, Content: o.Content,
		FullPhone: phone, HasPhone: o.Caller.Sealed != "", CanReveal: p.Is(accounts.RoleOperator) && o.Caller.Sealed != "",
		MergedInto: o.MergedInto, MergedFrom: o.MergedFrom, Orgs: opts, Sats: satisfactionOptions(), Ress: resolutionOptions(), Outcomes: outcomeOptions(),
		Done: doneMessage(c), Error: errMsg}
	if err := s.detailFields(c, v, o, orgs); err != nil {
		return err
	}
	if len(v.Candidates) == 0 { // nothing to merge into: the caller has no other order
		v.Order.Actions = slices.DeleteFunc(v.Order.Actions, func(a woAction) bool { return a.Into })
	}
	return s.renderWO(c, status, "wo_detail", "工单 "+o.Number, v)
}

// detailFields fills the reply, the deadlines, the events and the caller's
// history.
func (s *WorkOrderPages) detailFields(c *gin.Context, v *woDetailView, o *feedback.Order, orgs map[string]surveys.Org) error {
	loc := s.workOrders.Policy().Location()
	v.Order.Created, v.Order.Due = o.CreatedAt.In(loc).Format("2006-01-02 15:04"), o.DueAt.In(loc).Format("2006-01-02 15:04")
	if cat, err := s.orderOps.Categories().Get(c.Request.Context()); err == nil {
		v.Category = categoryLabel(cat, o.Category)
	}
	if o.RepliedAt != nil {
		v.RepliedAt = o.RepliedAt.In(loc).Format("2006-01-02 15:04")
		v.Outcome, v.Reason = o.ReplyOutcome.Label(), o.ReplyReason
		if o.OnTime != nil {
			v.OnTime = map[bool]string{true: "按时回复", false: "超期回复"}[*o.OnTime]
		}
	}
	if o.ClosedAt != nil {
		v.ClosedAt = o.ClosedAt.In(loc).Format("2006-01-02 15:04")
	}
	ext := s.workOrders.Policy().Extension
	if r := o.ExtensionRequest; r != nil {
		v.Extension = &woExtension{Days: r.Days, Note: r.Note, By: r.By.Name, At: r.At.In(loc).Format("2006-01-02 15:04"),
			Deadline: s.workOrders.Policy().AddWorkingDays(o.DueAt, r.Days).In(loc).Format("2006-01-02 15:04"),
			Limits:   "本轮已延期 " + strconv.Itoa(o.Extensions) + " 次、" + strconv.Itoa(o.ExtendedDays) + " 个工作日；上限 " + strconv.Itoa(ext.MaxCount) + " 次、" + strconv.Itoa(ext.MaxDays) + " 个工作日"}
	}
	for _, e := range o.Events {
		if e.Action == feedback.ActionReply {
			v.Reply = e.Note
		}
		v.Events = append(v.Events, s.eventRow(e, orgs))
	}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return err
	}
	hist, err := s.workOrders.CallerHistory(c.Request.Context(), o, scope, 20)
	if err != nil {
		return err
	}
	for _, h := range hist {
		r := woHistoryRow{ID: h.ID, Number: h.Number, Created: h.CreatedAt.In(loc).Format("2006-01-02 15:04"), Status: h.Status.Label(),
			Kind: h.Kind.Label(), Content: shorten(h.Content, 60)}
		if org, ok := orgs[h.OrgID]; ok {
			r.Org = org.Name
		}
		v.History = append(v.History, r)
		if h.Status != feedback.StatusMerged {
			v.Candidates = append(v.Candidates, option{h.ID, h.Number + "（" + h.Status.Label() + "）"})
		}
	}
	return nil
}

func (s *WorkOrderPages) eventRow(e feedback.Event, orgs map[string]surveys.Org) woEventRow {
	loc := s.workOrders.Policy().Location()
	r := woEventRow{At: e.At.In(loc).Format("2006-01-02 15:04"), Action: e.Action.Label(),
		Actor: e.Actor.Name + "（" + minyi.Role(e.Actor.Role).Label() + "）", Note: e.Note}
	if e.Actor.Role == "public" {
		r.Actor = e.Actor.Name
	}
	var extra []string
	if org, ok := orgs[e.OrgID]; ok && e.Action == feedback.ActionAssign {
		extra = append(extra, "承办："+org.Name)
	}
	if e.Days > 0 {
		extra = append(extra, strconv.Itoa(e.Days)+" 个工作日")
	}
	if e.Satisfaction != "" {
		extra = append(extra, "评价："+e.Satisfaction.Label())
	}
	if e.Outcome != "" {
		extra = append(extra, "结果："+e.Outcome.Label())
	}
	if e.Reason != "" {
		extra = append(extra, "原因："+e.Reason)
	}
	if e.DueAt != nil && e.Action != feedback.ActionReceive {
		extra = append(extra, "新时限 "+e.DueAt.In(loc).Format("2006-01-02 15:04"))
	}
	if e.Ref != nil {
		r.RefID, r.RefNumber = e.Ref.ID, e.Ref.Number
	}
	r.Extra = strings.Join(extra, "；")
	return r
}

func outcomeOptions() []option {
	out := make([]option, len(feedback.Outcomes))
	for i, o := range feedback.Outcomes {
		out[i] = option{string(o), o.Label()}
	}
	return out
}

func categoryLabel(cat *feedback.Catalogue, path string) string {
	if path == "" {
		return "未分类"
	}
	if l := cat.Label(path); l != "" {
		return l
	}
	return path
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// SubmitDetailEvent takes a step from the detail page and goes back to it
// (303), or shows it again with the error.
func (s *WorkOrderPages) SubmitDetailEvent(base string) httpx.HandlerFunc {
	return func(c *gin.Context) error {
		in, msg, err := s.readStep(c)
		if err != nil {
			return err
		}
		if msg == "" {
			o, ev, err := s.orderOps.Act(c.Request.Context(), c.Param("id"), in)
			if err == nil {
				c.Redirect(http.StatusSeeOther, base+o.ID+"?"+url.Values{"done": {o.Number}, "did": {string(ev.Action)}}.Encode())
				return nil
			}
			status, body := httpx.Classify(c.Request.Context(), err)
			if status >= 500 {
				return err
			}
			msg = body.Error.Message
			for _, f := range body.Error.Fields {
				msg += "；" + f.Message
			}
			return s.renderDetail(c, status, base, "", msg)
		}
		return s.renderDetail(c, http.StatusUnprocessableEntity, base, "", msg)
	}
}

// readStep reads a step form (queue row or detail page); msg is a problem
// with the form itself.
func (s *WorkOrderPages) readStep(c *gin.Context) (feedback.EventInput, string, error) {
	days := 0
	if d := strings.TrimSpace(c.PostForm("days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return feedback.EventInput{}, "延期天数应为整数", nil
		}
		days = n
	}
	_, byID, err := orgOptions(c.Request.Context(), s.orgs)
	if err != nil {
		return feedback.EventInput{}, "", err
	}
	in := feedback.EventInput{
		Action: feedback.Action(c.PostForm("action")), OrgID: resolveOrg(c.PostForm("org"), byID),
		Note: c.PostForm("note"), Days: days, Satisfaction: feedback.Satisfaction(c.PostForm("satisfaction")),
		Resolution: feedback.Resolution(c.PostForm("resolution")),
		Into:       c.PostForm("into"), Outcome: feedback.ReplyOutcome(c.PostForm("outcome")), Reason: c.PostForm("reason"),
	}
	// The JSON API takes a callback without a resolution (its first
	// contract had none); the pages always ask for both.
	if in.Action == feedback.ActionCallback && in.Resolution == "" {
		return in, "请选择解决情况：已解决、部分解决或未解决", nil
	}
	return in, "", nil
}
