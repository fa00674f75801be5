package minyi_test

import (
	"context"
	"errors"
	"testing"

	"minyi"
)

func TestRequire(t *testing.T) {
	ctx := context.Background()
	at := func(role minyi.Role) context.Context {
		return minyi.WithPrincipal(ctx, &minyi.Principal{Login: string(role), Role: role})
	}
	for _, tc := range []struct {
		ctx   context.Context
		roles []minyi.Role
		want  error
	}{
		{ctx, nil, minyi.ErrNoPrincipal},
		{minyi.WithPrincipal(ctx, nil), []minyi.Role{minyi.RoleLeader}, minyi.ErrNoPrincipal},
		{at(minyi.RoleAdmin), nil, nil},
		{at(minyi.RoleLeader), nil, minyi.ErrWrongRole},
		{at(minyi.RoleLeader), []minyi.Role{minyi.RoleLeader}, nil},
		{at(minyi.RoleSecretary), []minyi.Role{minyi.RoleOperator, minyi.RoleLeader}, minyi.ErrWrongRole},
		{at(minyi.RoleAdmin), []minyi.Role{minyi.RoleSecretary}, nil},
	} {
		p, err := minyi.Require(tc.ctx, tc.roles...)
		if !errors.Is(err, tc.want) || (err == nil) != (p != nil) {
			t.Errorf("Require(%+v, %v) = %+v, %v; want %v", minyi.PrincipalFrom(tc.ctx), tc.roles, p, err, tc.want)
		}
	}
	if !errors.Is(minyi.ErrWrongRole, minyi.ErrForbidden) || !errors.Is(minyi.ErrOutOfScope, minyi.ErrForbidden) || !errors.Is(minyi.ErrNoPrincipal, minyi.ErrUnauthorized) {
		t.Error("the refusals are not of their kinds")
	}
	if got := minyi.RequestIDFrom(minyi.WithRequestID(ctx, "r1")); got != "r1" {
		t.Errorf("request id %q", got)
	}
}
