package feedback

import (
	"context"
	"fmt"

	"minyi"
)

// Caller privacy: the full number leaves the store only through these two
// operations, for operators and admins (who call back), each audited. No
// other answer carries it; lists and details show the mask.

var (
	errPhoneSearch = minyi.E(minyi.ErrForbidden, "phone_search_forbidden", "只有接线员和管理员可以按来电号码查询工单")
	errNoPhone     = minyi.NotFound("work_order_no_phone", "来电号码")
)

// RevealPhone answers the caller's full number of order id, and audits who
// saw it, when, on which order.
func (s *Service) RevealPhone(ctx context.Context, id string) (string, error) {
	if _, err := minyi.Require(ctx, minyi.RoleOperator); err != nil {
		return "", err
	}
	o, err := s.store.order(ctx, id)
	if err != nil {
		return "", err
	}
	if err := s.orgs.RequireOrg(ctx, o.OrgID); err != nil {
		return "", err
	}
	if o.Caller.Sealed == "" {
		return "", errNoPhone
	}
	phone, err := s.keys.Open(PhonePurpose, o.Caller.Sealed)
	if err != nil {
		return "", fmt.Errorf("open caller phone: %w", err)
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "work_order.reveal_phone", ObjectType: "work_order", ObjectID: o.ID,
		Summary: "查看工单 " + o.Number + " 的完整来电号码"})
	return phone, nil
}

// PhoneSearch is the keyed hash a list filters by when its query is a
// phone number: operators and admins only (403 phone_search_forbidden
// otherwise: the hash would let anyone confirm a guessed number), audited.
func (s *Service) PhoneSearch(ctx context.Context, phone string) (string, error) {
	p := minyi.PrincipalFrom(ctx)
	if p == nil {
		return "", minyi.ErrNoPrincipal
	}
	if !p.Is(minyi.RoleOperator) {
		return "", errPhoneSearch
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "work_order.phone_search", ObjectType: "work_order", Summary: "按来电号码查询工单"})
	return s.keys.Hash(PhonePurpose, phone), nil
}
