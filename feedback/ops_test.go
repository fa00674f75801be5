package feedback_test

import (
	"context"
	"errors"
	"testing"

	"minyi"
	"minyi/accounts"
	"minyi/feedback"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func acting(ctx context.Context, role minyi.Role, orgID string) context.Context {
	p := &minyi.Principal{UserID: "u-" + string(role), Login: string(role) + "1", Name: "测试" + role.Label(), Role: role, OrgID: orgID, Via: "token"}
	return minyi.WithRequestID(minyi.WithPrincipal(ctx, p), "req-"+p.Login)
}

// TestServiceAuthoriseAndAudit: a call is taken by an operator only; the
// steps of the flow are refused to a role that may not take them and to a
// secretary of another branch; each change is audited with its actor, the
// refusals are not.
func TestServiceAuthoriseAndAudit(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	var idx []store.Index
	idx = append(idx, feedback.Indexes()...)
	idx = append(idx, surveys.OrgIndexes()...)
	idx = append(idx, accounts.Indexes()...)
	if err := store.EnsureIndexes(ctx, db, idx); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: cst(2026, 11, 25, 10, 0)}
	orgs := surveys.NewOrgStore(db, c.now)
	acc := accounts.NewStore(db, secret.New("k"), c.now)
	svc := feedback.NewService(feedback.NewStore(db, c.now, policy(t)), secret.New("k"), orgs, accounts.NewAuditor(acc, nil))
	branch := map[string]string{}
	for _, code := range []string{"ZB1", "ZB2"} {
		o := surveys.Org{Name: code, Code: code, Kind: surveys.OrgBranch}
		if err := orgs.Create(ctx, &o); err != nil {
			t.Fatal(err)
		}
		branch[code] = o.ID
	}
	in := feedback.OrderInput{Channel: feedback.ChannelHotline, Kind: feedback.KindOpinion, Content: "小区路灯不亮",
		CallerName: "张先生", CallerPhone: "13812345678", OrgID: branch["ZB1"], Urgency: feedback.UrgencyNormal}
	if _, err := svc.CreateOrder(acting(ctx, minyi.RoleSecretary, branch["ZB1"]), in); !errors.Is(err, minyi.ErrForbidden) {
		t.Fatalf("a secretary took a call: %v", err)
	}
	bad := in
	bad.OrgID = "nope"
	if _, err := svc.CreateOrder(acting(ctx, minyi.RoleOperator, ""), bad); !errors.Is(err, minyi.ErrInvalid) {
		t.Fatalf("an order for an unknown org: %v", err)
	}
	op := acting(ctx, minyi.RoleOperator, "")
	created, err := svc.CreateOrder(op, in)
	if err != nil {
		t.Fatal(err)
	}
	o := created.Order
	if o.Caller.Phone != "138****5678" || o.Caller.Sealed == "" || o.Caller.Hash == "" {
		t.Errorf("caller stored %+v", o.Caller)
	}
	// Taken with its unit, the order went straight there (one assign event).
	if o.Status != feedback.StatusAssigned || len(o.Events) != 2 || o.Events[1].Action != feedback.ActionAssign || o.Events[1].Actor.Role != "operator" {
		t.Fatalf("dispatch at intake: %s %+v", o.Status, o.Events)
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		in   feedback.EventInput
		code string
	}{
		{"an operator accepting", op, feedback.EventInput{Action: feedback.ActionAccept}, "action_forbidden"},
		{"another branch's secretary", acting(ctx, minyi.RoleSecretary, branch["ZB2"]), feedback.EventInput{Action: feedback.ActionAccept}, "out_of_scope"},
	} {
		_, _, err := svc.Act(tc.ctx, o.ID, tc.in)
		var de *minyi.Error
		if !errors.Is(err, minyi.ErrForbidden) || !errors.As(err, &de) || de.Code != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if _, _, err := svc.Act(acting(ctx, minyi.RoleSecretary, branch["ZB1"]), o.ID, feedback.EventInput{Action: feedback.ActionAccept}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitPublic(ctx, feedback.OrderInput{Kind: feedback.KindOpinion, Content: "网上意见", CallerName: "李女士", CallerPhone: "13900001111"}); err != nil {
		t.Fatal(err)
	}

	log, _, err := acc.ListAudit(ctx, accounts.AuditFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Action+" "+e.ObjectID+" by "+e.Actor+" in "+e.RequestID)
	}
	want := []string{ // newest first; the public opinion has no actor and no entry
		"work_order.accept " + o.ID + " by secretary1 in req-secretary1",
		"work_order.create " + o.ID + " by operator1 in req-operator1",
	}
	if len(got) != len(want) {
		t.Fatalf("audit %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("audit[%d] %q, want %q", i, got[i], want[i])
		}
	}
}
