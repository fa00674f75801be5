package surveys

import (
	"strings"
	"time"
	"unicode/utf8"

	"minyi"
)

// OrgKind is the level of an organisation in the tree.
type OrgKind string

// The three levels: a Party committee (党委), a general branch (党总支) and a
// branch (党支部).
const (
	OrgCommittee     OrgKind = "committee"
	OrgGeneralBranch OrgKind = "general_branch"
	OrgBranch        OrgKind = "branch"
)

// Org is one node of the organisation tree.
type Org struct {
	ID        string    `bson:"_id" json:"id"`
	Name      string    `bson:"name" json:"name"`
	Code      string    `bson:"code" json:"code"`
	Kind      OrgKind   `bson:"kind" json:"kind"`
	ParentID  string    `bson:"parent_id,omitempty" json:"parent_id,omitempty"`
	Path      []string  `bson:"path" json:"path"` // ancestor ids, root first; lets a subtree be found by one $in/equality
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time `bson:"updated_at" json:"updated_at"`
}

// rank orders kinds: a child must be of a lower level than its parent.
func (k OrgKind) rank() int {
	switch k {
	case OrgCommittee:
		return 3
	case OrgGeneralBranch:
		return 2
	case OrgBranch:
		return 1
	}
	return 0
}

// Label is the Chinese name of the kind.
func (k OrgKind) Label() string {
	switch k {
	case OrgCommittee:
		return "党委"
	case OrgGeneralBranch:
		return "党总支"
	case OrgBranch:
		return "党支部"
	}
	return string(k)
}

// Validate checks the org's own fields; parent rules need the store.
func (o *Org) Validate() error {
	var fe minyi.FieldErrors
	o.Name = strings.TrimSpace(o.Name)
	o.Code = strings.TrimSpace(o.Code)
	fe.Text("name", &o.Name, false)
	switch n := utf8.RuneCountInString(o.Name); {
	case n == 0:
		fe.Add("name", "required", "请填写组织名称")
	case n > 100:
		fe.Add("name", "too_long", "组织名称不能超过100个字")
	}
	switch {
	case o.Code == "":
		fe.Add("code", "required", "请填写组织编码")
	case len(o.Code) > 32 || !isCode(o.Code):
		fe.Add("code", "invalid", "组织编码只能包含字母、数字、-和_，最长32位")
	}
	if o.Kind.rank() == 0 {
		fe.Add("kind", "invalid", "组织类型应为 committee、general_branch 或 branch")
	}
	return fe.Err()
}

func isCode(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
