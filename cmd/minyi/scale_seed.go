package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"minyi/accounts"
	"minyi/feedback"
	"minyi/surveys"
)

// Seeding the year: the street and its work orders (the ballots: scale_ballots.go).

// seedReference creates the street, its branches and members, the users,
// the three surveys and the appraisal's codes.
func (b *scaleBench) seedReference(ctx context.Context) error {
	a := b.a
	street := &surveys.Org{Name: "示范街道党工委", Code: "JD", Kind: surveys.OrgCommittee}
	if err := a.Orgs.Create(ctx, street); err != nil {
		return err
	}
	b.street = street.ID
	for i := range b.cfg.branches {
		o := &surveys.Org{Name: fmt.Sprintf("第%02d社区党支部", i+1), Code: fmt.Sprintf("JD%02d", i+1), Kind: surveys.OrgBranch, ParentID: street.ID}
		if err := a.Orgs.Create(ctx, o); err != nil {
			return err
		}
		b.branches = append(b.branches, o.ID)
	}
	var first []surveys.Subject
	err := parallel(4, b.cfg.members, func(i int) error {
		m := &surveys.Member{Name: fmt.Sprintf("党员%04d", i+1), OrgID: b.branches[i%len(b.branches)]}
		return a.Members.Create(ctx, m)
	})
	if err != nil {
		return err
	}
	ms, err := a.Members.InOrgs(ctx, []string{b.branches[0]})
	if err != nil {
		return err
	}
	for _, m := range ms[:min(40, len(ms))] {
		first = append(first, surveys.Subject{Type: surveys.SubjectMember, ID: m.ID})
	}
	for role, org := range map[accounts.Role]string{accounts.RoleOperator: "", accounts.RoleSecretary: b.branches[0], accounts.RoleAdmin: ""} {
		u := accounts.User{Login: "scale-" + string(role), Name: "测试" + role.Label(), Role: role, OrgID: org}
		if err := a.Accounts.CreateUser(ctx, &u, "password-123"); err != nil {
			return err
		}
		_, tok, err := a.Accounts.CreateToken(ctx, u.ID, "bench")
		if err != nil {
			return err
		}
		b.tokens[string(role)] = tok
	}
	publish := func(key, title string, o surveys.TemplateOptions) (*surveys.Survey, error) {
		o.Title, o.OrgID = title, street.ID
		sv, err := a.Surveys.CreateFromTemplate(ctx, key, o)
		if err != nil {
			return nil, err
		}
		return a.Surveys.Publish(ctx, sv.ID)
	}
	if b.s30, err = publish(surveys.TemplateSatisfaction, "2026年度党支部满意度测评", surveys.TemplateOptions{}); err != nil {
		return err
	}
	var four []surveys.Subject
	for _, id := range b.branches[:4] {
		four = append(four, surveys.Subject{Type: surveys.SubjectOrg, ID: id})
	}
	if b.s4, err = publish(surveys.TemplateSatisfaction, "四个支部专项测评", surveys.TemplateOptions{Subjects: four}); err != nil {
		return err
	}
	if b.a40, err = publish(surveys.TemplateAppraisal, "第01支部民主评议党员", surveys.TemplateOptions{Subjects: first}); err != nil {
		return err
	}
	b.codes, err = a.Codes.Issue(ctx, b.a40, "members", 60)
	return err
}

// seedOrders enters the year's work orders day by day, each handled as
// far as its number says (most fully, to a satisfied callback), with the
// audit entries the API writes for each step: by default each day's in
// one import (feedback.Store.Import, accounts.Store.AuditMany), which
// stores what the steps one by one would; with -steps, through Create and
// Act, order by order, cfg.workers at once.
func (b *scaleBench) seedOrders(ctx context.Context) error {
	perDay := max(1, b.cfg.orders/365)
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, shanghai)
	start := time.Now()
	var mu sync.Mutex
	for n := 0; n < b.cfg.orders; day = day.AddDate(0, 0, 1) {
		b.clock.set(day.Add(9 * time.Hour))
		k := min(perDay, b.cfg.orders-n)
		base := n
		// The last inflightDays days' orders are still being handled at
		// the end of the year; older ones have all been handled.
		late := (b.cfg.orders-n+perDay-1)/perDay <= inflightDays
		var err error
		if b.cfg.steps {
			err = parallel(b.cfg.workers, k, func(i int) error {
				id, err := b.seedOrder(ctx, base+i, late)
				mu.Lock()
				b.orders = append(b.orders, id)
				mu.Unlock()
				return err
			})
		} else {
			err = b.importDay(ctx, day, base, k, late)
		}
		if err != nil {
			return err
		}
		b.clock.set(day.Add(18 * time.Hour))
		n += k
		{
			el := time.Since(start)
			b.logf("work orders: %d/%d (%s), %.0f/s, %.0f s left", n, b.cfg.orders, day.Format("01-02"),
				float64(n)/el.Seconds(), el.Seconds()*float64(b.cfg.orders-n)/float64(n))
		}
	}
	fmt.Fprintln(b.progress)
	b.seedOrdersTime = time.Since(start)
	return nil
}

// importDay imports orders base … base+k-1, received over the working day
// from 08:30, each step a quarter of an hour after the one before, with
// their audit entries.
func (b *scaleBench) importDay(ctx context.Context, day time.Time, base, k int, late bool) error {
	op := feedback.Actor{Name: "接线员", Role: "operator"}
	in := make([]feedback.Handled, k)
	for i := range k {
		o, err := b.scaleOrder(base + i)
		if err != nil {
			return err
		}
		at := day.Add(8*time.Hour + 30*time.Minute + time.Duration(i)*9*time.Hour/time.Duration(k))
		h := feedback.Handled{Order: o, Actor: op, Received: at}
		for s, e := range b.path(base+i, late) {
			e.Actor, e.At = op, at.Add(time.Duration(s+1)*15*time.Minute)
			h.Steps = append(h.Steps, e)
		}
		in[i] = h
	}
	if err := b.a.WorkOrders.Import(ctx, in); err != nil {
		return err
	}
	var entries []*accounts.AuditEntry
	for _, h := range in {
		o := h.Order
		b.orders = append(b.orders, o.ID)
		entries = append(entries, b.auditEntry(o, "work_order.create", o.Number, h.Received))
		for _, e := range h.Steps {
			entries = append(entries, b.auditEntry(o, "work_order."+string(e.Action), "工单 "+o.Number+"："+e.Action.Label(), e.At))
		}
	}
	return b.a.Accounts.AuditMany(ctx, entries)
}

// auditEntry is what the API audits of a step on o (at: zero for now).
func (b *scaleBench) auditEntry(o *feedback.Order, action, summary string, at time.Time) *accounts.AuditEntry {
	return &accounts.AuditEntry{Actor: "scale-operator", Role: accounts.RoleOperator, Via: "token",
		Action: action, ObjectType: "work_order", ObjectID: o.ID, Summary: summary, At: at}
}

// scaleOrder is the year's i-th call: one of the branches, one of 5,000
// callers, the kinds in turn.
func (b *scaleBench) scaleOrder(i int) (*feedback.Order, error) {
	a := b.a
	org := b.branches[i%len(b.branches)]
	phone := fmt.Sprintf("1380000%04d", i%5000)
	sealed, err := a.Keys.Seal("phone", phone)
	if err != nil {
		return nil, err
	}
	return &feedback.Order{Channel: feedback.ChannelHotline, Kind: feedback.Kinds[i%len(feedback.Kinds)], Urgency: feedback.UrgencyNormal,
		Content: fmt.Sprintf("第%d号来电：小区路灯不亮，楼道堆放杂物，请社区协调处理。", i), OrgID: org,
		Caller: feedback.Caller{Name: "居民", Phone: feedback.MaskPhone(phone), Hash: a.Keys.Hash("phone", phone), Sealed: sealed}}, nil
}

// path is the steps the i-th order has been through by the end of the
// year: to a callback, 95% satisfied and 5% unsatisfied, except that one
// in four of the last days' orders (late) is still in hand (received,
// assigned, accepted, replied or closed).
func (b *scaleBench) path(i int, late bool) []feedback.Event {
	steps := len(handledPath)
	if r := i % 20; late && r < 5 {
		steps = r
	}
	out := slices.Clone(handledPath[:steps])
	for s := range out {
		if out[s].Action == feedback.ActionAssign {
			out[s].OrgID = b.branches[i%len(b.branches)]
		}
		if s == 4 && i%20 == 5 {
			out[s].Satisfaction = feedback.Unsatisfied
		}
	}
	return out
}

var handledPath = []feedback.Event{
	{Action: feedback.ActionAssign}, {Action: feedback.ActionAccept}, {Action: feedback.ActionReply, Note: "已联系处理完毕"},
	{Action: feedback.ActionClose}, {Action: feedback.ActionCallback, Satisfaction: feedback.Satisfied},
}

// inflightDays is how many of the year's last days have orders still in
// hand at its end (received, assigned, accepted, replied or closed): a
// street's office handles its orders within days, so the open backlog is
// the tail of the year, not a quarter of it.
const inflightDays = 10

func (b *scaleBench) seedOrder(ctx context.Context, i int, late bool) (string, error) {
	op := feedback.Actor{Name: "接线员", Role: "operator"}
	o, err := b.scaleOrder(i)
	if err != nil {
		return "", err
	}
	if err := b.a.WorkOrders.Create(ctx, o, op); err != nil {
		return "", err
	}
	if err := b.a.Accounts.Audit(ctx, b.auditEntry(o, "work_order.create", o.Number, time.Time{})); err != nil {
		return "", err
	}
	for _, e := range b.path(i, late) {
		e.Actor = op
		if _, _, err := b.a.WorkOrders.Act(ctx, o.ID, e, nil); err != nil {
			return "", err
		}
		if err := b.a.Accounts.Audit(ctx, b.auditEntry(o, "work_order."+string(e.Action), "工单 "+o.Number+"："+e.Action.Label(), time.Time{})); err != nil {
			return "", err
		}
	}
	return o.ID, nil
}
