package accounts

import (
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"minyi"
)

// User is a person who signs in: an administrator, a leader, a hotline
// operator or a branch secretary.
type User struct {
	ID        string        `bson:"_id" json:"id"`
	Login     string        `bson:"login" json:"login"`
	Name      string        `bson:"name" json:"name"`
	Role      Role          `bson:"role" json:"role"`
	OrgID     string        `bson:"org_id,omitempty" json:"org_id,omitempty"`
	MemberID  string        `bson:"member_id,omitempty" json:"member_id,omitempty"` // the member this user is, if any (may not grade themself)
	Disabled  bool          `bson:"disabled" json:"disabled"`
	Password  *PasswordHash `bson:"password" json:"-"`
	CreatedAt time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time     `bson:"updated_at" json:"updated_at"`
}

// LogValue logs who the user is and nothing of the password.
func (u *User) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", u.ID), slog.String("login", u.Login), slog.String("role", string(u.Role)))
}

// Principal is the user as a request's caller.
func (u *User) Principal(via string) *Principal {
	return &Principal{UserID: u.ID, Login: u.Login, Name: u.Name, Role: u.Role, OrgID: u.OrgID, MemberID: u.MemberID, Via: via}
}

// NormalizeLogin is how logins are compared: trimmed and lower case, so
// "ZhangSan" and "zhangsan" are one account.
func NormalizeLogin(login string) string {
	return strings.ToLower(strings.TrimSpace(login))
}

// Validate checks the user's own fields. That the org exists is checked by
// the caller, which owns the org store.
func (u *User) Validate() error {
	var fe minyi.FieldErrors
	u.Login = NormalizeLogin(u.Login)
	u.Name = strings.TrimSpace(u.Name)
	u.OrgID = strings.TrimSpace(u.OrgID)
	fe.Text("name", &u.Name, false)
	switch _, clean := minyi.CleanText(u.Login, false); {
	case !clean:
		fe.Add("login", minyi.CodeBadCharacters, minyi.MessageBadCharacters)
	case u.Login == "":
		fe.Add("login", "required", "请填写登录名")
	case len(u.Login) < 2 || len(u.Login) > 64 || !isLogin(u.Login):
		fe.Add("login", "invalid", "登录名为2到64位字母、数字或 . _ - @")
	}
	switch n := utf8.RuneCountInString(u.Name); {
	case n == 0:
		fe.Add("name", "required", "请填写姓名")
	case n > 50:
		fe.Add("name", "too_long", "姓名不能超过50个字")
	}
	if !u.Role.Valid() {
		fe.Add("role", "invalid", "角色应为 admin、leader、operator 或 secretary")
	}
	if u.Role == RoleSecretary && u.OrgID == "" {
		fe.Add("org_id", "required", "支部书记须指定所属组织")
	}
	return fe.Err()
}

func isLogin(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@') {
			return false
		}
	}
	return true
}

// UserPatch lists what PATCH /users/{id} may change; nil means unchanged.
type UserPatch struct {
	Name     *string
	Role     *Role
	OrgID    *string
	Password *string
	Disabled *bool
	MemberID *string
}
