package ui

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/feedback"
	"minyi/surveys"
)

// The queues: the operator's and the branch's, with a form per action.

// woRow is one order in a queue with the forms its viewer may use.
type woRow struct {
	ID, Number, Created, Kind, Urgency, Content, Phone, Caller, Org, Status, Due string
	Overdue, Urgent                                                              bool
	Extensions, Supervised, Reopened                                             int
	Satisfaction                                                                 string // the standing callback: 满意 · 已解决
	Actions                                                                      []woAction
	woRowMore                                                                    // workorder_detail_forms.go
}

// woAction is one form on a row.
type woAction struct {
	Action, Label                               string
	Org, Note, NoteRequired, Days, Satisfaction bool
	NoteLabel                                   string
	woStep                                      // the workspace's fields (workorder_detail_forms.go)
}

type woSection struct {
	Title, Empty string
	Rows         []woRow
}

type woQueueView struct {
	Heading  string
	Post     string // form action prefix
	Sections []woSection
	Orgs     []option
	Done     string
	Error    string
	Sats     []option
	Outcomes []option
	Ress     []option // the callback's resolutions
}

func (s *WorkOrderPages) actionForm(a feedback.Action) woAction {
	w := woAction{Action: string(a), Label: a.Label(), Note: true, NoteLabel: "说明"}
	if s.workspaceForm(a, &w) {
		return w
	}
	switch a {
	case feedback.ActionAssign:
		w.Org, w.NoteLabel = true, "派单说明"
	case feedback.ActionAccept:
		w.Note = false
	case feedback.ActionReturn:
		w.NoteRequired, w.NoteLabel = true, "回退理由"
	case feedback.ActionExtend:
		w.Days, w.NoteRequired, w.NoteLabel = true, true, "延期理由"
	case feedback.ActionReply:
		w.NoteRequired, w.NoteLabel = true, "办理结果"
	case feedback.ActionCallback:
		w.Satisfaction, w.NoteLabel = true, "回访记录"
	case feedback.ActionReopen:
		w.NoteRequired, w.NoteLabel = true, "重办理由"
	case feedback.ActionSupervise:
		w.NoteLabel = "督办意见"
	}
	return w
}

func (s *WorkOrderPages) row(o feedback.Order, p *accounts.Principal, orgs map[string]surveys.Org) woRow {
	loc := s.workOrders.Policy().Location()
	content := []rune(o.Content)
	if len(content) > 80 {
		content = append(content[:80], '…')
	}
	r := woRow{
		ID: o.ID, Number: o.Number, Created: o.CreatedAt.In(loc).Format("01-02 15:04"), Kind: o.Kind.Label(),
		Urgency: o.Urgency.Label(), Urgent: o.Urgency == feedback.UrgencyUrgent, Content: string(content),
		Phone: feedback.MaskPhone(o.Caller.Phone), Caller: o.Caller.Name, Status: o.Status.Label(),
		Due: o.DueAt.In(loc).Format("01-02 15:04"), Overdue: o.Overdue(s.now()),
		Extensions: o.Extensions, Supervised: o.Supervised, Reopened: o.Reopened, Satisfaction: o.Verdict(),
	}
	if org, ok := orgs[o.OrgID]; ok {
		r.Org = org.Name
	}
	r.woRowMore = rowMore(o)
	for _, a := range o.Allowed() {
		if feedback.MayTake(p, a) {
			r.Actions = append(r.Actions, s.actionForm(a))
		}
	}
	return r
}

// queueSections lists up to 50 orders of each filter as rows, reading the
// working set once for all of them.
func (s *WorkOrderPages) queueSections(c *gin.Context, specs []queueSpec, orgs map[string]surveys.Org) ([]woSection, error) {
	fs := make([]feedback.Filter, len(specs))
	for i, sp := range specs {
		fs[i] = sp.f
	}
	lists, err := s.workOrders.Lists(c.Request.Context(), fs, 50)
	if err != nil {
		return nil, err
	}
	out := make([]woSection, len(specs))
	for i, sp := range specs {
		out[i] = woSection{Title: sp.title, Empty: sp.empty}
		for _, o := range lists[i] {
			out[i].Rows = append(out[i].Rows, s.row(o, httpx.Principal(c), orgs))
		}
	}
	return out, nil
}

type queueSpec struct {
	title, empty string
	f            feedback.Filter
}

func (s *WorkOrderPages) OperatorQueuePage(c *gin.Context) error {
	return s.RenderOperatorQueue(c, http.StatusOK, "")
}

func (s *WorkOrderPages) RenderOperatorQueue(c *gin.Context, status int, errMsg string) error {
	opts, orgs, err := orgOptions(c.Request.Context(), s.orgs)
	if err != nil {
		return err
	}
	now := s.now()
	specs := []queueSpec{
		{"超期未回复（可督办）", "没有超期工单", feedback.Filter{Overdue: true, Now: now}},
		{"待派单（新受理、被回退）", "没有待派单的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusReceived, feedback.StatusReturned}}},
		{"延期申请待审批", "没有待审批的延期申请", feedback.Filter{Statuses: []feedback.Status{feedback.StatusAccepted}, PendingExtension: true}},
		{"已回复待办结", "没有待办结的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusReplied}}},
		{"待回访", "没有待回访的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusClosed}}},
		{"回访不满意（可重办）", "没有回访不满意的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusCalledBack}, Unsatisfied: true}},
	}
	v := woQueueView{Heading: "工单调度与回访", Post: "/operator/work-orders/", Orgs: opts, Done: doneMessage(c), Error: errMsg, Sats: satisfactionOptions(), Outcomes: outcomeOptions(), Ress: resolutionOptions()}
	if v.Sections, err = s.queueSections(c, specs, orgs); err != nil {
		return err
	}
	return s.renderWO(c, status, "wo_queue", "工单调度与回访", v)
}

// doneMessage confirms the step the queue redirected from. It is built from
// checked parts only, so a crafted link cannot put words on the page.
func doneMessage(c *gin.Context) string {
	num, did := c.Query("done"), feedback.Action(c.Query("did"))
	if !rest.OrderNumber.MatchString(num) || did.Label() == string(did) {
		return ""
	}
	return "工单 " + num + " 已" + did.Label()
}

func satisfactionOptions() []option {
	return []option{
		{string(feedback.Satisfied), feedback.Satisfied.Label()},
		{string(feedback.Basic), feedback.Basic.Label()},
		{string(feedback.Unsatisfied), feedback.Unsatisfied.Label()},
	}
}

func resolutionOptions() []option {
	out := make([]option, len(feedback.Resolutions))
	for i, r := range feedback.Resolutions {
		out[i] = option{string(r), r.Label()}
	}
	return out
}

func (s *WorkOrderPages) BranchQueuePage(c *gin.Context) error {
	return s.RenderBranchQueue(c, http.StatusOK, "")
}

func (s *WorkOrderPages) RenderBranchQueue(c *gin.Context, status int, errMsg string) error {
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return err
	}
	opts, orgs, err := orgOptions(c.Request.Context(), s.orgs)
	if err != nil {
		return err
	}
	v := woQueueView{Heading: "本支部工单", Post: "/branch/work-orders/", Orgs: opts, Done: doneMessage(c), Error: errMsg, Outcomes: outcomeOptions()}
	specs := []queueSpec{
		{"待签收", "没有待签收的工单", feedback.Filter{OrgIDs: scope, Statuses: []feedback.Status{feedback.StatusAssigned}}},
		{"办理中（回复或申请延期）", "没有办理中的工单", feedback.Filter{OrgIDs: scope, Statuses: []feedback.Status{feedback.StatusAccepted}}},
	}
	if v.Sections, err = s.queueSections(c, specs, orgs); err != nil {
		return err
	}
	return s.renderWO(c, status, "wo_queue", "本支部工单", v)
}

// submitQueueEvent takes one row form of either queue and goes back to it
// (303, so a reload does not repeat the step) or shows it with the error.
func (s *WorkOrderPages) SubmitQueueEvent(back string, again func(*gin.Context, int, string) error) httpx.HandlerFunc {
	return func(c *gin.Context) error {
		in, msg, err := s.readStep(c)
		if err != nil {
			return err
		}
		if msg != "" {
			return again(c, http.StatusUnprocessableEntity, msg)
		}
		o, ev, err := s.orderOps.Act(c.Request.Context(), c.Param("id"), in)
		if err != nil {
			status, body := httpx.Classify(c.Request.Context(), err)
			if status >= 500 {
				return err
			}
			msg := body.Error.Message
			for _, f := range body.Error.Fields {
				msg += "；" + f.Message
			}
			return again(c, status, msg)
		}
		c.Redirect(http.StatusSeeOther, back+"?"+url.Values{"done": {o.Number}, "did": {string(ev.Action)}}.Encode())
		return nil
	}
}

// Public form.

const feedbackCSRFCookie = "minyi_feedback_csrf"

var errFeedbackCSRF = minyi.E(minyi.ErrForbidden, "csrf_failed", "页面已过期，请刷新页面后重新提交")
