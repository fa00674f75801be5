package surveys

import (
	"context"
	"fmt"
	"strings"

	"minyi"
)

// OrgService is the org tree and the roster as they change. Each method is
// one domain operation: it takes ctx carrying the acting principal
// (minyi.WithPrincipal), refuses a principal that may not act, makes the
// change through the stores and writes the audit entry. The JSON API and the
// admin pages both call these, so they cannot diverge.
type OrgService struct {
	orgs    *OrgStore
	members *MemberStore
	audit   minyi.Auditor
}

// NewOrgService changes orgs and members, auditing to audit.
func NewOrgService(orgs *OrgStore, members *MemberStore, audit minyi.Auditor) *OrgService {
	return &OrgService{orgs: orgs, members: members, audit: audit}
}

// OrgInput is what a client may set on a new org; server-owned fields (id,
// path, times) are not in it.
type OrgInput struct {
	Name     string
	Code     string
	Kind     OrgKind
	ParentID string
}

// CreateOrg adds an org to the tree (admins only).
func (s *OrgService) CreateOrg(ctx context.Context, in OrgInput) (*Org, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	o := Org{Name: in.Name, Code: in.Code, Kind: in.Kind, ParentID: in.ParentID}
	if err := s.orgs.Create(ctx, &o); err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "org.create", ObjectType: "org", ObjectID: o.ID,
		Summary: fmt.Sprintf("创建组织%s（%s）", o.Name, o.Code)})
	return &o, nil
}

// UpdateOrg renames, recodes or moves org id with its subtree (admins
// only); the audit entry says what changed.
func (s *OrgService) UpdateOrg(ctx context.Context, id string, p OrgPatch) (*Org, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	before, err := s.orgs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	o, err := s.orgs.Update(ctx, id, p)
	if err != nil {
		return nil, err
	}
	var what []string
	if o.Name != before.Name {
		what = append(what, "名称改为"+o.Name)
	}
	if o.Code != before.Code {
		what = append(what, "编码改为"+o.Code)
	}
	if o.ParentID != before.ParentID {
		what = append(what, "移动到"+s.parentLabel(ctx, o.ParentID))
	}
	if len(what) == 0 {
		what = append(what, "未改动")
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "org.update", ObjectType: "org", ObjectID: o.ID,
		Summary: fmt.Sprintf("修改组织%s：%s", before.Name, strings.Join(what, "，"))})
	return o, nil
}

// parentLabel names a parent for the audit log: its name, or 最上级 for none.
func (s *OrgService) parentLabel(ctx context.Context, id string) string {
	if id == "" {
		return "最上级"
	}
	if o, err := s.orgs.Get(ctx, id); err == nil {
		return o.Name + "之下"
	}
	return id + "之下"
}

// DeleteOrg deletes org id (admins only; refused while it has children or
// members) and returns it as it was.
func (s *OrgService) DeleteOrg(ctx context.Context, id string) (*Org, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	o, err := s.orgs.Delete(ctx, id)
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "org.delete", ObjectType: "org", ObjectID: id,
		Summary: fmt.Sprintf("删除组织%s（%s）", o.Name, o.Code)})
	return o, nil
}

// MemberInput is what a client may set on a new member.
type MemberInput struct {
	Name         string
	OrgID        string
	Title        string
	Probationary bool
	Number       string
}

// CreateMember adds a member to the roster (admins only).
func (s *OrgService) CreateMember(ctx context.Context, in MemberInput) (*Member, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	m := Member{Name: in.Name, OrgID: in.OrgID, Title: in.Title, Probationary: in.Probationary, Number: in.Number}
	if err := s.members.Create(ctx, &m); err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "member.create", ObjectType: "member", ObjectID: m.ID, Summary: "添加党员" + m.Name})
	return &m, nil
}

// UpdateMember applies p to member id (admins only).
func (s *OrgService) UpdateMember(ctx context.Context, id string, p MemberPatch) (*Member, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	m, err := s.members.Update(ctx, id, p)
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "member.update", ObjectType: "member", ObjectID: m.ID, Summary: "修改党员" + m.Name})
	return m, nil
}

// DeleteMember deletes member id (admins only) and returns it as it was.
func (s *OrgService) DeleteMember(ctx context.Context, id string) (*Member, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	m, err := s.members.Delete(ctx, id)
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "member.delete", ObjectType: "member", ObjectID: id, Summary: "删除党员" + m.Name})
	return m, nil
}

// ImportRoster imports rows read from a roster workbook (admins only), or
// checks them on a dry run, which changes nothing and audits nothing.
func (s *OrgService) ImportRoster(ctx context.Context, rows []RosterRow, opt ImportOptions) (*ImportResult, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	res, err := s.members.ImportWith(ctx, rows, opt)
	if err != nil {
		return nil, err
	}
	if opt.DryRun {
		return res, nil
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "member.import", ObjectType: "member",
		Summary: fmt.Sprintf("导入党员名册：新增%d人，更新%d人，%d行有误", res.Created, res.Updated, len(res.Errors))})
	return res, nil
}
