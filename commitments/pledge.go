package commitments

import (
	"context"

	"minyi"
)

// PledgeOf is one owner's approved commitments of a period, for the
// printable 公开承诺书 (readers within scope).
type PledgeOf struct {
	Owner   Owner
	OrgName string
	Period  string
	Items   []Commitment
}

var errNothingToPledge = minyi.NotFound("no_approved_commitments", "该承诺主体这一时期已审核通过的承诺")

// Pledge returns the approved commitments of owner (t, id) in period.
func (s *Service) Pledge(ctx context.Context, t OwnerType, id, period string) (*PledgeOf, error) {
	if _, err := minyi.Require(ctx, minyi.RoleLeader, minyi.RoleSecretary); err != nil {
		return nil, err
	}
	if err := CheckPeriod(period); err != nil {
		return nil, err
	}
	owner, org, err := s.owner(ctx, t, id)
	if err != nil {
		return nil, err
	}
	if err := s.orgs.RequireOrg(ctx, org.ID); err != nil {
		return nil, err
	}
	all, err := s.read(ctx, org.ID, period)
	if err != nil {
		return nil, err
	}
	p := &PledgeOf{Owner: owner, OrgName: org.Name, Period: period}
	for _, c := range all {
		if c.Owner.Key() == owner.Key() && c.Public() {
			p.Items = append(p.Items, c)
		}
	}
	if len(p.Items) == 0 {
		return nil, errNothingToPledge
	}
	return p, nil
}
