package surveys

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi"
)

// SurveyPatch lists the fields a PATCH may change; nil means unchanged.
// Slices and objects are replaced whole.
type SurveyPatch struct {
	Title       *string
	Description *string
	Kind        *Kind
	OrgID       *string
	Subjects    *[]Subject
	RaterGroups *[]RaterGroup
	Access      *AccessPatch
	Questions   *[]Question
	Rules       *Rules
	Scoring     *Scoring
}

// AccessPatch changes parts of Access; nil means unchanged.
type AccessPatch struct {
	Mode         *AccessMode
	PublicGroups *[]string
	OnePerDevice *bool
	OpensAt      *TimePatch
	ClosesAt     *TimePatch
}

// TimePatch sets an optional time; To nil clears it.
type TimePatch struct {
	To *time.Time
}

// frozen names the fields p would change that a survey in status st no
// longer allows: after publishing only title, description and closes_at;
// after closing, not closes_at either.
func (p SurveyPatch) frozen(st Status) []string {
	if st == StatusDraft {
		return nil
	}
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"kind", p.Kind != nil}, {"org_id", p.OrgID != nil}, {"subjects", p.Subjects != nil},
		{"rater_groups", p.RaterGroups != nil}, {"questions", p.Questions != nil},
		{"rules", p.Rules != nil}, {"scoring", p.Scoring != nil},
		{"access.mode", p.Access != nil && p.Access.Mode != nil},
		{"access.opens_at", p.Access != nil && p.Access.OpensAt != nil},
		{"access.public_groups", p.Access != nil && p.Access.PublicGroups != nil},
		{"access.closes_at", p.Access != nil && p.Access.ClosesAt != nil && st == StatusClosed},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

func (p SurveyPatch) apply(sv *Survey) {
	set(&sv.Title, p.Title)
	set(&sv.Description, p.Description)
	set(&sv.Kind, p.Kind)
	set(&sv.OrgID, p.OrgID)
	set(&sv.Subjects, p.Subjects)
	set(&sv.RaterGroups, p.RaterGroups)
	set(&sv.Questions, p.Questions)
	set(&sv.Rules, p.Rules)
	set(&sv.Scoring, p.Scoring)
	if a := p.Access; a != nil {
		set(&sv.Access.Mode, a.Mode)
		set(&sv.Access.PublicGroups, a.PublicGroups)
		set(&sv.Access.OnePerDevice, a.OnePerDevice)
		if a.OpensAt != nil {
			sv.Access.OpensAt = a.OpensAt.To
		}
		if a.ClosesAt != nil {
			sv.Access.ClosesAt = a.ClosesAt.To
		}
	}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Update applies p to survey id. A draft may change anything and is
// re-validated as a draft; a published survey only its title, description
// and closing time (409 survey_frozen otherwise), so the definition ballots
// refer to never changes under them.
func (s *SurveyStore) Update(ctx context.Context, id string, p SurveyPatch) (*Survey, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if fields := p.frozen(sv.Status); len(fields) > 0 {
		return nil, &minyi.Error{
			Kind: minyi.ErrConflict, Code: "survey_frozen",
			Message: "测评发布后只能修改标题、说明和结束时间；测评结束后只能修改标题和说明",
			Details: map[string]any{"fields": fields},
		}
	}
	was := sv.Status
	p.apply(sv)
	sv.Normalize()
	now := s.now().UTC()
	if was == StatusDraft {
		err = s.check(ctx, sv, StageDraft)
	} else {
		// A new closing time in the past would close the survey silently:
		// closing is its own, explicit action.
		fe := sv.problems(StagePublish)
		if c := sv.Access.ClosesAt; p.Access != nil && p.Access.ClosesAt != nil && c != nil && !c.After(now) {
			fe.Add("access.closes_at", "in_past", "结束时间不能早于现在；如需立即结束，请使用“结束测评”")
		}
		err = fe.Err()
	}
	if err != nil {
		return nil, err
	}
	sv.UpdatedAt = now
	res, err := s.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: was}}, sv)
	if err != nil {
		return nil, fmt.Errorf("update survey: %w", err)
	}
	if res.MatchedCount == 0 {
		return nil, errSurveyChanged
	}
	s.forget(sv)
	return sv, nil
}
