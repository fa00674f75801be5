package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/feedback"
	"minyi/surveys"
)

// Work-order pages: the operator's entry form, the operator's dispatch and
// callback queue, the branch's queue and the public online-opinion form.
// The signed-in pages sit behind requirePage (session cookie, CSRF checked
// there); the public form carries a double-submit CSRF cookie (formCSRF,
// as the login page does) since a resident has no session.

// option is one choice of a picker.
type option struct {
	Value, Label string
}

// woForm is what the entry form holds, re-shown after an error.
type woForm struct {
	Phone, Name, Kind, Org, Content, Location, Channel string
	Urgent                                             bool
}

// woNewView is the entry page.
type woNewView struct {
	Kinds    []option
	Channels []option
	Orgs     []option
	Form     woForm
	Errors   map[string]string // field → message
	Error    string
	Created  *woCreated
	Action   string // form action
	Urgent   string // the urgent deadline, e.g. "2 个工作小时"
}

// woCreated is the confirmation after an order was taken.
type woCreated struct {
	Number     string
	Due        string
	Duplicates []woDuplicate
}

type woDuplicate struct {
	ID, Number, Created, Status string
}

func kindOptions() []option {
	out := make([]option, len(feedback.Kinds))
	for i, k := range feedback.Kinds {
		out[i] = option{string(k), k.Label()}
	}
	return out
}

func channelOptions() []option {
	out := make([]option, len(feedback.Channels))
	for i, c := range feedback.Channels {
		out[i] = option{string(c), c.Label()}
	}
	return out
}

// orgLabel is how an org appears in the type-ahead: name then code, so that
// typing either finds it.
func orgLabel(o surveys.Org) string { return o.Name + " [" + o.Code + "]" }

func (s *Server) orgOptions(ctx context.Context) ([]option, map[string]surveys.Org, error) {
	all, err := s.orgs.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := make([]option, 0, len(all))
	for _, o := range all {
		out = append(out, option{o.ID, orgLabel(o)})
	}
	return out, orgIndex(all), nil
}

// resolveKind accepts a kind's code or its Chinese label.
func resolveKind(v string) feedback.Kind {
	v = strings.TrimSpace(v)
	for _, k := range feedback.Kinds {
		if v == string(k) || v == k.Label() {
			return k
		}
	}
	return feedback.Kind(v)
}

// resolveOrg accepts "name [code]", a code or a name; "" when none matches.
func resolveOrg(v string, byID map[string]surveys.Org) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if _, ok := byID[v]; ok {
		return v
	}
	code := v
	if i := strings.LastIndex(v, "["); i >= 0 && strings.HasSuffix(v, "]") {
		code = v[i+1 : len(v)-1]
	}
	for id, o := range byID {
		if o.Code == code || o.Name == v || orgLabel(o) == v {
			return id
		}
	}
	return "?" // named but unknown: reported as unknown_org
}

func (s *Server) operatorNewPage(c *gin.Context) error {
	v, _, err := s.newFormView(c.Request.Context(), "/operator/work-orders/new")
	if err != nil {
		return err
	}
	v.Form.Channel = string(feedback.ChannelHotline)
	return s.renderWO(c, http.StatusOK, "wo_new", "受理来电", v)
}

// newFormView is the empty entry form posting to action, with the orgs by
// id for reading a posted form.
func (s *Server) newFormView(ctx context.Context, action string) (*woNewView, map[string]surveys.Org, error) {
	orgs, byID, err := s.orgOptions(ctx)
	if err != nil {
		return nil, nil, err
	}
	return &woNewView{Kinds: kindOptions(), Channels: channelOptions(), Orgs: orgs, Errors: map[string]string{}, Action: action,
		Urgent: describeDeadline(s.workOrders.Policy().Deadline(feedback.KindHelp, feedback.UrgencyUrgent))}, byID, nil
}

// describeDeadline is a deadline in words, e.g. "2 个工作小时".
func describeDeadline(d feedback.Deadline) string {
	if d.Days > 0 {
		return strconv.Itoa(d.Days) + " 个工作日"
	}
	return strconv.Itoa(d.Hours) + " 个工作小时"
}

func readWOForm(c *gin.Context) woForm {
	return woForm{
		Phone: c.PostForm("phone"), Name: c.PostForm("name"), Kind: c.PostForm("kind"), Org: c.PostForm("org"),
		Content: c.PostForm("content"), Location: c.PostForm("location"), Channel: c.PostForm("channel"),
		Urgent: c.PostForm("urgent") != "",
	}
}

// submitOperatorNew takes a call: on success it shows the number, the
// deadline and any possible duplicates above an empty form for the next
// call; on error it shows the form again with each problem by its field.
func (s *Server) submitOperatorNew(c *gin.Context) error {
	return s.submitWOForm(c, "/operator/work-orders/new", false, "受理来电")
}

func (s *Server) submitWOForm(c *gin.Context, action string, public bool, title string) error {
	ctx := c.Request.Context()
	v, byID, err := s.newFormView(ctx, action)
	if err != nil {
		return err
	}
	f := readWOForm(c)
	in := workOrderInput{
		Channel: feedback.Channel(f.Channel), Kind: resolveKind(f.Kind), Content: f.Content,
		Caller: callerInput{Name: f.Name, Phone: f.Phone}, OrgID: resolveOrg(f.Org, byID),
		Urgency: feedback.UrgencyNormal, Location: f.Location,
	}
	var p *accounts.Principal
	if public {
		in.Channel = feedback.ChannelWeb
	} else {
		p = principal(c)
	}
	if f.Urgent && !public {
		in.Urgency = feedback.UrgencyUrgent
	}
	o, err := s.newOrder(ctx, in)
	var out createdWorkOrder
	if err == nil {
		out, err = s.createOrder(ctx, o, p)
	}
	if err != nil {
		status, fields, body, err := s.formFailure(c, err)
		if err != nil {
			return err
		}
		v.Form = f
		v.Error = body.Message
		for field, msg := range fields {
			v.Errors[formField(field)] = msg
		}
		return s.renderWO(c, status, pageName(public), title, v)
	}
	loc := s.workOrders.Policy().Location()
	v.Created = &woCreated{Number: out.Number, Due: out.DueAt.In(loc).Format("2006-01-02 15:04")}
	if !public {
		for _, d := range out.PossibleDuplicates {
			v.Created.Duplicates = append(v.Created.Duplicates, woDuplicate{ID: d.ID, Number: d.Number, Created: d.CreatedAt.In(loc).Format("2006-01-02 15:04"), Status: d.Status.Label()})
		}
		v.Form.Channel = f.Channel // the next call most likely comes the same way
	}
	return s.renderWO(c, http.StatusCreated, pageName(public), title, v)
}

func pageName(public bool) string {
	if public {
		return "wo_public"
	}
	return "wo_new"
}

// formField maps an API field path to the form's input name.
func formField(f string) string {
	switch f {
	case "caller.phone":
		return "phone"
	case "caller.name":
		return "name"
	case "org_id":
		return "org"
	}
	return f
}

// renderWO renders a work-order page with its CSRF token: the session's on
// signed-in pages, the double-submit cookie's on the public form.
func (s *Server) renderWO(c *gin.Context, status int, page, title string, data any) error {
	tok := s.csrfToken(c)
	if page == "wo_public" {
		tok = formCSRF(c, feedbackCSRFCookie, "/feedback")
	}
	return s.render(c, status, page, pageView{Title: title, CSRF: tok, Data: data})
}

// Queues.

// woRow is one order in a queue with the forms its viewer may use.
type woRow struct {
	ID, Number, Created, Kind, Urgency, Content, Phone, Caller, Org, Status, Due string
	Overdue, Urgent                                                              bool
	Extensions, Supervised, Reopened                                             int
	Satisfaction                                                                 string
	Actions                                                                      []woAction
}

// woAction is one form on a row.
type woAction struct {
	Action, Label                               string
	Org, Note, NoteRequired, Days, Satisfaction bool
	NoteLabel                                   string
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
}

func (s *Server) actionForm(a feedback.Action) woAction {
	w := woAction{Action: string(a), Label: a.Label(), Note: true, NoteLabel: "说明"}
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

func (s *Server) row(o feedback.Order, p *accounts.Principal, orgs map[string]surveys.Org) woRow {
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
		Extensions: o.Extensions, Supervised: o.Supervised, Reopened: o.Reopened, Satisfaction: o.Satisfaction.Label(),
	}
	if org, ok := orgs[o.OrgID]; ok {
		r.Org = org.Name
	}
	for _, a := range o.Allowed() {
		if allowed(p, actionRoles[a]) {
			r.Actions = append(r.Actions, s.actionForm(a))
		}
	}
	return r
}

// queueSection lists up to 50 orders of f as rows.
func (s *Server) queueSection(c *gin.Context, title, empty string, f feedback.Filter, keep func(*feedback.Order) bool, orgs map[string]surveys.Org) (woSection, error) {
	list, _, err := s.workOrders.List(c.Request.Context(), f, 50, "")
	if err != nil {
		return woSection{}, err
	}
	sec := woSection{Title: title, Empty: empty}
	for i := range list {
		if keep == nil || keep(&list[i]) {
			sec.Rows = append(sec.Rows, s.row(list[i], principal(c), orgs))
		}
	}
	return sec, nil
}

func (s *Server) operatorQueuePage(c *gin.Context) error {
	return s.renderOperatorQueue(c, http.StatusOK, "")
}

func (s *Server) renderOperatorQueue(c *gin.Context, status int, errMsg string) error {
	opts, orgs, err := s.orgOptions(c.Request.Context())
	if err != nil {
		return err
	}
	now := s.now()
	type spec struct {
		title, empty string
		f            feedback.Filter
		keep         func(*feedback.Order) bool
	}
	specs := []spec{
		{"超期未回复（可督办）", "没有超期工单", feedback.Filter{Overdue: true, Now: now}, nil},
		{"待派单（新受理、被回退）", "没有待派单的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusReceived, feedback.StatusReturned}}, nil},
		{"已回复待办结", "没有待办结的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusReplied}}, nil},
		{"待回访", "没有待回访的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusClosed}}, nil},
		{"回访不满意（可重办）", "没有回访不满意的工单", feedback.Filter{Statuses: []feedback.Status{feedback.StatusCalledBack}, Unsatisfied: true}, nil},
	}
	v := woQueueView{Heading: "工单调度与回访", Post: "/operator/work-orders/", Orgs: opts, Done: doneMessage(c), Error: errMsg, Sats: satisfactionOptions()}
	for _, sp := range specs {
		sec, err := s.queueSection(c, sp.title, sp.empty, sp.f, sp.keep, orgs)
		if err != nil {
			return err
		}
		v.Sections = append(v.Sections, sec)
	}
	return s.renderWO(c, status, "wo_queue", "工单调度与回访", v)
}

// doneMessage confirms the step the queue redirected from. It is built from
// checked parts only, so a crafted link cannot put words on the page.
func doneMessage(c *gin.Context) string {
	num, did := c.Query("done"), feedback.Action(c.Query("did"))
	if !orderNumber.MatchString(num) || did.Label() == string(did) {
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

func (s *Server) branchQueuePage(c *gin.Context) error {
	return s.renderBranchQueue(c, http.StatusOK, "")
}

func (s *Server) renderBranchQueue(c *gin.Context, status int, errMsg string) error {
	scope, err := s.orgScope(c)
	if err != nil {
		return err
	}
	opts, orgs, err := s.orgOptions(c.Request.Context())
	if err != nil {
		return err
	}
	v := woQueueView{Heading: "本支部工单", Post: "/branch/work-orders/", Orgs: opts, Done: doneMessage(c), Error: errMsg}
	for _, sp := range []struct {
		title, empty string
		st           feedback.Status
	}{
		{"待签收", "没有待签收的工单", feedback.StatusAssigned},
		{"办理中（回复或申请延期）", "没有办理中的工单", feedback.StatusAccepted},
	} {
		sec, err := s.queueSection(c, sp.title, sp.empty, feedback.Filter{OrgIDs: scope, Statuses: []feedback.Status{sp.st}}, nil, orgs)
		if err != nil {
			return err
		}
		v.Sections = append(v.Sections, sec)
	}
	return s.renderWO(c, status, "wo_queue", "本支部工单", v)
}

// submitQueueEvent takes one row form of either queue and goes back to it
// (303, so a reload does not repeat the step) or shows it with the error.
func (s *Server) submitQueueEvent(back string, again func(*gin.Context, int, string) error) handlerFunc {
	return func(c *gin.Context) error {
		days := 0
		if d := strings.TrimSpace(c.PostForm("days")); d != "" {
			n, err := strconv.Atoi(d)
			if err != nil {
				return again(c, http.StatusUnprocessableEntity, "延期天数应为整数")
			}
			days = n
		}
		_, byID, err := s.orgOptions(c.Request.Context())
		if err != nil {
			return err
		}
		in := eventInput{
			Action: feedback.Action(c.PostForm("action")), OrgID: resolveOrg(c.PostForm("org"), byID),
			Note: c.PostForm("note"), Days: days, Satisfaction: feedback.Satisfaction(c.PostForm("satisfaction")),
		}
		o, ev, err := s.act(c, c.Param("id"), in)
		if err != nil {
			status, body := s.classify(c.Request.Context(), err)
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

func (s *Server) publicFeedbackPage(c *gin.Context) error {
	v, _, err := s.newFormView(c.Request.Context(), "/feedback")
	if err != nil {
		return err
	}
	return s.renderWO(c, http.StatusOK, "wo_public", "网上征询", v)
}

func (s *Server) submitPublicFeedback(c *gin.Context) error {
	if !formCSRFOK(c, feedbackCSRFCookie) {
		return s.publicFeedbackError(c, errFeedbackCSRF)
	}
	if err := s.limitPublicFeedback(c); err != nil {
		return s.publicFeedbackError(c, err)
	}
	return s.submitWOForm(c, "/feedback", true, "网上征询")
}

// publicFeedbackError shows the public form with a message (403, 429).
func (s *Server) publicFeedbackError(c *gin.Context, err error) error {
	status, body := s.classify(c.Request.Context(), err)
	if status >= 500 {
		return err
	}
	v, _, verr := s.newFormView(c.Request.Context(), "/feedback")
	if verr != nil {
		return verr
	}
	v.Form = readWOForm(c)
	v.Error = body.Error.Message
	return s.renderWO(c, status, "wo_public", "网上征询", v)
}
