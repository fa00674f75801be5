package app

import (
	"context"

	"minyi/feedback"
	"minyi/surveys"
)

// orgUnits hands the 三率 assessment the org tree (a small reference
// collection) as units, and the acting principal's scope.
type orgUnits struct{ orgs *surveys.OrgStore }

func (u orgUnits) Scope(ctx context.Context) ([]string, error) { return u.orgs.Scope(ctx) }

func (u orgUnits) Units(ctx context.Context) ([]feedback.Unit, error) {
	all, err := u.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]feedback.Unit, len(all))
	for i, o := range all {
		out[i] = feedback.Unit{ID: o.ID, Name: o.Name, Branch: o.Kind == surveys.OrgBranch}
	}
	return out, nil
}

// assessSettings are cfg's assessment rules, or the defaults.
func (cfg Config) assessSettings() feedback.AssessSettings {
	if cfg.RateSettings != nil {
		return *cfg.RateSettings
	}
	return feedback.DefaultAssessSettings()
}
