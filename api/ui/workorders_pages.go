package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/feedback"
	"minyi/surveys"
)

// Work-order pages: the operator's entry form, the operator's dispatch and
// callback queue, the branch's queue and the public online-opinion form.
// The signed-in pages sit behind requirePage (session cookie, CSRF checked
// there); the public form carries a double-submit CSRF cookie (formCSRF,
// as the login page does) since a resident has no session.

// woForm is what the entry form holds, re-shown after an error.
type woForm struct {
	Phone, Name, Kind, Org, Content, Location, Channel, Category string
	Urgent                                                       bool
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
	Cats     []option
}

// woCreated is the confirmation after an order was taken.
type woCreated struct {
	ID, Status string
	Org        string // the unit it went straight to
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

func (s *WorkOrderPages) OperatorNewPage(c *gin.Context) error {
	v, _, err := s.newFormView(c.Request.Context(), "/operator/work-orders/new")
	if err != nil {
		return err
	}
	v.Form.Channel = string(feedback.ChannelHotline)
	return s.renderWO(c, http.StatusOK, "wo_new", "受理来电", v)
}

// newFormView is the empty entry form posting to action, with the orgs by
// id for reading a posted form.
func (s *WorkOrderPages) newFormView(ctx context.Context, action string) (*woNewView, map[string]surveys.Org, error) {
	orgs, byID, err := orgOptions(ctx, s.orgs)
	if err != nil {
		return nil, nil, err
	}
	v := &woNewView{Kinds: kindOptions(), Channels: channelOptions(), Orgs: orgs, Errors: map[string]string{}, Action: action,
		Urgent: describeDeadline(s.workOrders.Policy().Deadline(feedback.KindHelp, feedback.UrgencyUrgent))}
	if cats := s.orderOps.Categories(); cats != nil {
		cat, err := cats.Get(ctx)
		if err != nil {
			return nil, nil, err
		}
		v.Cats = categoryOptions(cat)
	}
	return v, byID, nil
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
		Urgent: c.PostForm("urgent") != "", Category: c.PostForm("category"),
	}
}

// submitOperatorNew takes a call: on success it shows the number, the
// deadline and any possible duplicates above an empty form for the next
// call; on error it shows the form again with each problem by its field.
func (s *WorkOrderPages) SubmitOperatorNew(c *gin.Context) error {
	return s.submitWOForm(c, "/operator/work-orders/new", false, "受理来电")
}

func (s *WorkOrderPages) submitWOForm(c *gin.Context, action string, public bool, title string) error {
	ctx := c.Request.Context()
	v, byID, err := s.newFormView(ctx, action)
	if err != nil {
		return err
	}
	f := readWOForm(c)
	in := rest.WorkOrderInput{
		Channel: feedback.Channel(f.Channel), Kind: resolveKind(f.Kind), Content: f.Content,
		Caller: rest.CallerInput{Name: f.Name, Phone: f.Phone}, OrgID: resolveOrg(f.Org, byID),
		Urgency: feedback.UrgencyNormal, Location: f.Location, Category: f.Category,
	}
	if f.Urgent && !public {
		in.Urgency = feedback.UrgencyUrgent
	}
	out, err := s.createOrder(ctx, public, in)
	if err != nil {
		status, fields, body, err := formFailure(c, err)
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
	v.Created = &woCreated{ID: out.ID, Status: out.Status.Label(), Number: out.Number, Due: out.DueAt.In(loc).Format("2006-01-02 15:04")}
	if org, ok := byID[in.OrgID]; ok && out.Status == feedback.StatusAssigned {
		v.Created.Org = org.Name
	}
	if !public {
		for _, d := range out.PossibleDuplicates {
			v.Created.Duplicates = append(v.Created.Duplicates, woDuplicate{ID: d.ID, Number: d.Number, Created: d.CreatedAt.In(loc).Format("2006-01-02 15:04"), Status: d.Status.Label()})
		}
		v.Form.Channel = f.Channel // the next call most likely comes the same way
	}
	return s.renderWO(c, http.StatusCreated, pageName(public), title, v)
}

// createOrder is the one domain operation behind each form: a resident's
// opinion, or a call an operator takes.
func (s *WorkOrderPages) createOrder(ctx context.Context, public bool, in rest.WorkOrderInput) (rest.CreatedWorkOrder, error) {
	if public {
		o, err := s.orderOps.SubmitPublic(ctx, in.Input())
		if err != nil {
			return rest.CreatedWorkOrder{}, err
		}
		return rest.NewCreated(&feedback.Created{Order: o}), nil
	}
	created, err := s.orderOps.CreateOrder(ctx, in.Input())
	if err != nil {
		return rest.CreatedWorkOrder{}, err
	}
	return rest.NewCreated(created), nil
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
func (s *WorkOrderPages) renderWO(c *gin.Context, status int, page, title string, data any) error {
	tok := httpx.CSRFToken(c, s.accounts)
	if page == "wo_public" {
		tok = httpx.FormCSRF(c, feedbackCSRFCookie, "/feedback")
	}
	return s.pages.Render(c, status, page, PageView{Title: title, CSRF: tok, Data: data})
}

// Queues.
