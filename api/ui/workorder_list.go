package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/feedback"
	"minyi/surveys"
)

// The all-orders list (/operator/work-orders/all) with its filters and
// search, and the branch's 已处理 list (/branch/work-orders/done). Both walk
// the orders' timeline newest first, a page at a time (feedback/index.go).

const listPage = 30

type woListRow struct {
	ID, Number, Created, Status, Kind, Category, Org, Content, Due, Outcome string
	Overdue, Urgent, Supervised                                             bool
	Elsewhere                                                               bool // now with another unit: no link
}

type woListView struct {
	Heading  string
	Base     string // detail links
	Action   string // the filter form's action and the pages' links
	Filters  bool   // show the filter form
	Filtered bool   // a filter besides the search is set (the form opens)
	Query    map[string]string
	Statuses []option
	Kinds    []option
	Channels []option
	Cats     []option
	Orgs     []option
	Rows     []woListRow
	Next     string // the next page's link
	Error    string
	Phone    bool // the viewer may search by phone
}

func (s *WorkOrderPages) AllOrdersPage(c *gin.Context) error {
	ctx := c.Request.Context()
	opts, orgs, err := orgOptions(ctx, s.orgs)
	if err != nil {
		return err
	}
	cat, err := s.orderOps.Categories().Get(ctx)
	if err != nil {
		return err
	}
	v := &woListView{Heading: "全部工单", Base: "/operator/work-orders/", Action: "/operator/work-orders/all", Query: map[string]string{},
		Statuses: statusOptions(), Kinds: kindOptions(), Channels: channelOptions(), Cats: categoryOptions(cat), Orgs: opts,
		Phone: httpx.Principal(c).Is(minyi.RoleOperator), Filters: true}
	for _, k := range []string{"status", "org_id", "kind", "category", "channel", "overdue", "supervised", "from", "to", "q"} {
		v.Query[k] = strings.TrimSpace(c.Query(k))
		v.Filtered = v.Filtered || k != "q" && v.Query[k] != ""
	}
	f, status, msg := s.listFilter(c, v.Query)
	if msg == "" {
		status, msg, err = s.fillList(c, v, f, orgs, cat)
		if err != nil {
			return err
		}
	}
	v.Error = msg
	return s.renderWO(c, status, "wo_list", "全部工单", v)
}

// listFilter reads the filter form; msg says what is wrong with it (422,
// or 403 for a phone search by a role that may not).
func (s *WorkOrderPages) listFilter(c *gin.Context, q map[string]string) (feedback.Filter, int, string) {
	bad := http.StatusUnprocessableEntity
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		_, body := httpx.Classify(c.Request.Context(), err)
		return feedback.Filter{}, http.StatusForbidden, body.Error.Message
	}
	f := feedback.Filter{OrgIDs: scope, OrgID: q["org_id"], Now: s.now(), Kind: feedback.Kind(q["kind"]),
		Channel: feedback.Channel(q["channel"]), Category: q["category"], Overdue: q["overdue"] == "true", Supervised: q["supervised"] == "true"}
	if st := feedback.Status(q["status"]); st != "" {
		if !st.Valid() {
			return f, bad, "未知的工单状态"
		}
		f.Statuses = []feedback.Status{st}
	}
	if f.Kind != "" && !f.Kind.Valid() || f.Channel != "" && !f.Channel.Valid() {
		return f, bad, "未知的诉求类型或来源"
	}
	loc := s.workOrders.Policy().Location()
	for _, d := range []struct {
		v   string
		to  *time.Time
		end bool
	}{{q["from"], &f.From, false}, {q["to"], &f.To, true}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.v, loc)
		if err != nil {
			return f, bad, "日期格式应为 YYYY-MM-DD"
		}
		if d.end {
			t = t.AddDate(0, 0, 1)
		}
		*d.to = t
	}
	if text := q["q"]; text != "" {
		if phone, err := feedback.NormalizePhone(text); err == nil && !rest.OrderNumber.MatchString(text) {
			h, err := s.orderOps.PhoneSearch(c.Request.Context(), phone)
			if err != nil {
				status, body := httpx.Classify(c.Request.Context(), err)
				return f, status, body.Error.Message
			}
			f.PhoneHash = h
		} else {
			f.Q = text
		}
	}
	return f, http.StatusOK, ""
}

// fillList reads a page of f into v, with the link to the next.
func (s *WorkOrderPages) fillList(c *gin.Context, v *woListView, f feedback.Filter, orgs map[string]surveys.Org, cat *feedback.Catalogue) (int, string, error) {
	if f.OrgID != "" {
		if err := s.scope.RequireOrg(c, f.OrgID); err != nil {
			_, body := httpx.Classify(c.Request.Context(), err)
			return http.StatusForbidden, body.Error.Message, nil
		}
	}
	list, next, err := s.workOrders.List(c.Request.Context(), f, listPage, c.Query("after"))
	if err != nil {
		return 0, "", err
	}
	for _, o := range list {
		v.Rows = append(v.Rows, s.listRow(o, orgs, cat))
	}
	if next != "" {
		q := url.Values{"after": {next}}
		for k, val := range v.Query {
			if val != "" {
				q.Set(k, val)
			}
		}
		v.Next = v.Action + "?" + q.Encode()
	}
	return http.StatusOK, "", nil
}

func (s *WorkOrderPages) listRow(o feedback.Order, orgs map[string]surveys.Org, cat *feedback.Catalogue) woListRow {
	loc := s.workOrders.Policy().Location()
	r := woListRow{ID: o.ID, Number: o.Number, Created: o.CreatedAt.In(loc).Format("01-02 15:04"), Status: o.Status.Label(),
		Kind: o.Kind.Label(), Category: categoryLabel(cat, o.Category), Content: shorten(o.Content, 40),
		Due: o.DueAt.In(loc).Format("01-02 15:04"), Overdue: o.Overdue(s.now()), Urgent: o.Urgency == feedback.UrgencyUrgent,
		Supervised: o.Supervised > 0}
	if o.RepliedAt != nil {
		r.Outcome = o.ReplyOutcome.Label()
	}
	if org, ok := orgs[o.OrgID]; ok {
		r.Org = org.Name
	}
	return r
}

// BranchDonePage is everything the unit did: the orders it signed for,
// sent back, asked to extend or answered (feedback/unit_log.go), the most
// recent first, as they stand now; one sent back and dispatched elsewhere
// is listed without a link (its detail belongs to the other unit).
func (s *WorkOrderPages) BranchDonePage(c *gin.Context) error {
	ctx := c.Request.Context()
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return err
	}
	_, orgs, err := orgOptions(ctx, s.orgs)
	if err != nil {
		return err
	}
	cat, err := s.orderOps.Categories().Get(ctx)
	if err != nil {
		return err
	}
	v := &woListView{Heading: "本支部办理过的工单", Base: "/branch/work-orders/", Query: map[string]string{}}
	list, err := s.workOrders.UnitOrders(ctx, scope, 100)
	if err != nil {
		return err
	}
	for _, o := range list {
		r := s.listRow(o, orgs, cat)
		if !slices.Contains(scope, o.OrgID) {
			r.Elsewhere, r.Status = true, "已转派"
		}
		v.Rows = append(v.Rows, r)
	}
	return s.renderWO(c, http.StatusOK, "wo_list", "本支部办理过的工单", v)
}

func statusOptions() []option {
	out := make([]option, len(feedback.Statuses))
	for i, st := range feedback.Statuses {
		out[i] = option{string(st), st.Label()}
	}
	return out
}

// categoryOptions are the catalogue's paths with indented Chinese labels.
func categoryOptions(cat *feedback.Catalogue) []option {
	out := make([]option, len(cat.Paths))
	for i, p := range cat.Paths {
		out[i] = option{p.Path, p.Label}
	}
	return out
}
