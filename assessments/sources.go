package assessments

import (
	"context"
	"time"
)

// Figures is what a source says of one subject: the measures a component
// may take, and the figures that trace them to what residents said.
type Figures struct {
	Measures map[string]float64
	Details  []Detail
}

// Detail is one traced figure, e.g. 有效答卷 120.
type Detail struct {
	Label string `bson:"label" json:"label"`
	Value string `bson:"value" json:"value"`
}

// HotlineSource gives each unit's 三率 over [from, to) (measure score,
// and the three rates), keyed by org id.
type HotlineSource func(ctx context.Context, from, to time.Time) (map[string]Figures, error)

// CommitmentSource gives each owner's public commitments due in [from,
// to) under org root (measures fulfilled_rate and evaluation_score), keyed
// by owner id (an org's or a member's).
type CommitmentSource func(ctx context.Context, root string, from, to time.Time) (map[string]Figures, error)

// SurveySource gives every subject's result in survey id (measures score
// and satisfaction_rate) and a sentence naming the survey.
type SurveySource func(ctx context.Context, id string) (map[string]Figures, string, error)

// Sources reads the components' values from where they live (the wiring,
// package app, says how). A source left nil leaves its components missing
// for every subject, and says so.
type Sources struct {
	Survey      SurveySource
	Hotline     HotlineSource
	Commitments CommitmentSource
}

// of returns component c's figures per subject id and a sentence naming
// where they come from.
func (s Sources) of(ctx context.Context, c Component, root string, from, to time.Time) (map[string]Figures, string, error) {
	switch c.Kind {
	case KindSurvey:
		if s.Survey == nil {
			return nil, "未接入测评数据", nil
		}
		return s.Survey(ctx, c.SurveyID)
	case KindHotline:
		if s.Hotline == nil {
			return nil, "未接入热线数据", nil
		}
		figs, err := s.Hotline(ctx, from, to)
		return figs, "考评期内受理、最终派给该支部的工单的三率综合得分（见热线三率考核）", err
	case KindCommitments:
		if s.Commitments == nil {
			return nil, "未接入公开承诺数据", nil
		}
		figs, err := s.Commitments(ctx, root, from, to)
		return figs, "考评期内到期的公开承诺：兑现率 =（已兑现 + 0.5 × 部分兑现）÷ 到期承诺数；评诺得分取评诺测评得分", err
	}
	return nil, "", nil
}
