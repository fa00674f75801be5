package surveys

import (
	"strings"
	"time"
	"unicode/utf8"

	"minyi"
)

// Member is one Party member on the roster. The member number (党员编号),
// when given, identifies a member across the tree (a unique index) and the
// roster import matches on it; otherwise name and org do (a unique index
// over org, name and number), so two members of one branch may share a
// name only when their numbers tell them apart.
type Member struct {
	ID     string `bson:"_id" json:"id"`
	Name   string `bson:"name" json:"name"`
	Number string `bson:"number,omitempty" json:"number,omitempty"` // 党员编号
	// Ident is what the unique index holds: "#" + number, or the org and
	// name of a member without a number.
	Ident        string    `bson:"ident,omitempty" json:"-"`
	OrgID        string    `bson:"org_id" json:"org_id"`
	Title        string    `bson:"title" json:"title"`               // 职务, e.g. 支部书记; may be empty
	Probationary bool      `bson:"probationary" json:"probationary"` // 预备党员
	CreatedAt    time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at" json:"updated_at"`
}

// identity is m's Ident.
func (m *Member) identity() string {
	if m.Number != "" {
		return "#" + m.Number
	}
	return "=" + m.OrgID + "\x00" + m.Name
}

// Validate checks the member's own fields; whether the org exists needs the
// store.
func (m *Member) Validate() error {
	var fe minyi.FieldErrors
	m.validate(&fe)
	return fe.Err()
}

func (m *Member) validate(fe *minyi.FieldErrors) {
	m.Name = strings.TrimSpace(m.Name)
	m.Title = strings.TrimSpace(m.Title)
	m.OrgID = strings.TrimSpace(m.OrgID)
	fe.Text("name", &m.Name, false)
	fe.Text("title", &m.Title, false)
	switch n := utf8.RuneCountInString(m.Name); {
	case n == 0:
		fe.Add("name", "required", "请填写姓名")
	case n > 50:
		fe.Add("name", "too_long", "姓名不能超过50个字")
	}
	if m.OrgID == "" {
		fe.Add("org_id", "required", "请选择所在组织")
	}
	if utf8.RuneCountInString(m.Title) > 50 {
		fe.Add("title", "too_long", "职务不能超过50个字")
	}
	m.Number = strings.TrimSpace(m.Number)
	fe.Text("number", &m.Number, false)
	if utf8.RuneCountInString(m.Number) > 32 {
		fe.Add("number", "too_long", "党员编号不能超过32个字符")
	}
}

// MemberFilter selects members for a list.
type MemberFilter struct {
	OrgIDs []string // members of any of these orgs (a subtree); nil = all
	Query  string   // name contains this
}

// MemberPatch lists the fields a PATCH may change; nil means unchanged.
type MemberPatch struct {
	Name         *string
	Number       *string
	OrgID        *string
	Title        *string
	Probationary *bool
}
