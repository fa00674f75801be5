package surveys

import (
	"context"
	"errors"
	"slices"
	"time"

	"minyi"
)

// Code is an issued ballot code as stored: never the code itself, only its
// keyed hash (the _id) for lookup and a sealed copy for reprinting. A code
// may narrow whom its ballot rates: the member subjects of an org subtree
// (OrgScope), only its holder (PerMember self) or everyone of the scope but
// its holder (PerMember peer).
type Code struct {
	Hash       string    `bson:"_id" json:"-"`
	SurveyID   string    `bson:"survey_id" json:"survey_id"`
	RaterGroup string    `bson:"rater_group" json:"rater_group"`
	Sealed     string    `bson:"sealed" json:"-"`
	Used       bool      `bson:"used" json:"used"`
	CreatedAt  time.Time `bson:"created_at" json:"created_at"`
	OrgID      string    `bson:"org_id,omitempty" json:"org_id,omitempty"`
	OrgScope   []string  `bson:"org_scope,omitempty" json:"-"` // OrgID and every org below it, at issue time
	MemberID   string    `bson:"member_id,omitempty" json:"member_id,omitempty"`
	PerMember  string    `bson:"per_member,omitempty" json:"per_member,omitempty"`
}

// Values of Code.PerMember and CodeRequest.PerMember.
const (
	PerMemberSelf = "self" // the ballot rates only the holder (本人)
	PerMemberPeer = "peer" // the ballot rates every member of the scope but the holder (互评)
)

// Scoped reports whether the code narrows the survey's subjects.
func (c *Code) Scoped() bool { return c != nil && (c.OrgID != "" || c.PerMember != "") }

// rates reports whether a ballot cast with c rates subject s.
func (c *Code) rates(s Subject) bool {
	if c.OrgID != "" && !slices.Contains(c.OrgScope, s.Org()) {
		return false
	}
	switch c.PerMember {
	case PerMemberSelf:
		return s.Type == SubjectMember && s.ID == c.MemberID
	case PerMemberPeer:
		return s.Type == SubjectMember && s.ID != c.MemberID
	}
	return true
}

// For is the survey as a ballot cast with code c sees it: the same survey
// with only the subjects the code rates (sv itself for an unscoped code).
// Answers and ballot rules (quotas count the ballot's own subjects) are
// checked against it.
func (s *Survey) For(c *Code) *Survey {
	if !c.Scoped() {
		return s
	}
	view := *s
	view.Subjects = nil
	for _, sub := range s.Subjects {
		if c.rates(sub) {
			view.Subjects = append(view.Subjects, sub)
		}
	}
	return &view
}

// ViewFor is sv as the ballot of code (as typed; "" for none) shows it:
// only the subjects the code rates. An unknown code shows the whole survey
// (the submission refuses it).
func (s *Submitter) ViewFor(ctx context.Context, sv *Survey, code string) (*Survey, error) {
	if code == "" || s.Codes == nil {
		return sv, nil
	}
	c, err := s.Codes.Lookup(ctx, sv.ID, code)
	if errors.Is(err, minyi.ErrNotFound) {
		return sv, nil
	}
	if err != nil {
		return nil, err
	}
	return sv.For(c), nil
}
