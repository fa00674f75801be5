package commitments

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"minyi"
	"minyi/surveys"
)

// MaxImportRows bounds one import: a branch has tens of members, each with
// a few commitments.
const MaxImportRows = 2000

// ImportRow is one data row of a commitments workbook as read (exports.ReadCommitments).
type ImportRow struct {
	Row         int
	OwnerType   string // 党员 / 组织
	Owner       string // the member's name; for 组织 the org's name or code (or empty: the branch)
	Period      string
	Area        string // 学习 / 工作 / 自律 / 服务 / 项目, or the key
	Content     string
	Target      string
	Due         string // a date as typed, or an Excel serial day number
	Responsible string
}

// RowError is one bad row and why, in Chinese.
type RowError struct {
	Row     int    `json:"row"`
	Message string `json:"message"`
}

// ImportResult says what an import did, or on a dry run would do.
type ImportResult struct {
	Created  int        `json:"created"`
	Errors   []RowError `json:"errors"`
	DryRun   bool       `json:"dry_run,omitempty"`
	Rejected bool       `json:"rejected,omitempty"` // a dry run whose real import would be refused
}

// Import enters a branch's commitments from the rows of a workbook, as
// drafts, with the roster import's checks: every bad row reported, nothing
// stored when any row is bad (422 import_rejected), and a dry run that
// checks and stores nothing.
func (s *Service) Import(ctx context.Context, orgID string, rows []ImportRow, dryRun bool) (*ImportResult, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	var fe minyi.FieldErrors
	switch {
	case len(rows) == 0:
		fe.Add("file", "empty", "文件中没有数据行")
	case len(rows) > MaxImportRows:
		fe.Addf("file", "too_many_rows", "一次最多导入%d行", MaxImportRows)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	org, err := s.orgs.Get(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := s.orgs.RequireOrg(ctx, org.ID); err != nil {
		return nil, err
	}
	members, err := s.members.InOrgs(ctx, []string{org.ID})
	if err != nil {
		return nil, err
	}
	byName := map[string][]surveys.Member{}
	for _, m := range members {
		byName[m.Name] = append(byName[m.Name], m)
	}
	res := &ImportResult{Errors: []RowError{}, DryRun: dryRun}
	var good []*Commitment
	for _, r := range rows {
		c, problems := interpret(r, org, byName)
		if len(problems) > 0 {
			res.Errors = append(res.Errors, RowError{Row: r.Row, Message: strings.Join(problems, "；")})
			continue
		}
		c.Authors = []string{authorKey(p)}
		good = append(good, c)
	}
	res.Created = len(good)
	if len(res.Errors) > 0 {
		if !dryRun {
			return nil, importRejected(res.Errors)
		}
		res.Rejected = true
	}
	if dryRun {
		return res, nil
	}
	for _, c := range good {
		snap := c.Content
		if err := s.store.Create(ctx, c, Event{Kind: EventCreate, Actor: actorOf(p), Content: &snap}); err != nil {
			return nil, err
		}
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "commitment.import", ObjectType: "org", ObjectID: org.ID,
		Summary: fmt.Sprintf("导入%s的承诺%d条", org.Name, len(good))})
	return res, nil
}

// interpret turns a row into a draft of org, or says every problem of it.
func interpret(r ImportRow, org *surveys.Org, byName map[string][]surveys.Member) (*Commitment, []string) {
	var problems []string
	c := &Commitment{OrgID: org.ID, OrgName: org.Name, Period: strings.ToUpper(strings.TrimSpace(r.Period)), Status: StatusDraft}
	switch strings.TrimSpace(r.OwnerType) {
	case "党员", "member":
		ms := byName[strings.TrimSpace(r.Owner)]
		switch {
		case strings.TrimSpace(r.Owner) == "":
			problems = append(problems, "请填写承诺党员的姓名")
		case len(ms) == 0:
			problems = append(problems, "“"+r.Owner+"”不是"+org.Name+"的党员")
		default:
			c.Owner = Owner{Type: OwnerMember, ID: ms[0].ID, Name: ms[0].Name}
		}
	case "组织", "支部", "org":
		if o := strings.TrimSpace(r.Owner); o != "" && o != org.Name && o != org.Code {
			problems = append(problems, "组织承诺只能是"+org.Name+"本身的承诺")
		}
		c.Owner = Owner{Type: OwnerOrg, ID: org.ID, Name: org.Name}
	default:
		problems = append(problems, "承诺主体应为“党员”或“组织”")
	}
	if CheckPeriod(c.Period) != nil {
		problems = append(problems, "时期应为年度（如 2026）或半年（如 2026H1）")
	}
	c.Content = Content{Area: areaOf(r.Area), Content: r.Content, Target: r.Target, Due: dateOf(r.Due), Responsible: r.Responsible}
	if c.Owner.Type != "" {
		var fe minyi.FieldErrors
		c.Content.check(c.Owner.Type, &fe)
		for _, f := range fe {
			problems = append(problems, f.Message)
		}
	}
	return c, problems
}

func areaOf(s string) Area {
	s = strings.TrimSpace(s)
	for _, a := range Areas {
		if s == a.Label() || s == string(a) {
			return a
		}
	}
	return Area(s)
}

// dateOf reads a due date as people type it (2026-12-31, 2026/12/31,
// 2026.12.31, 2026年12月31日) or as Excel stores a date cell (days since
// 1899-12-30); what it cannot read stays as typed, for the check to refuse.
func dateOf(s string) string {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 20000 && n < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)).Format(time.DateOnly)
	}
	r := strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "")
	for _, layout := range []string{"2006-1-2", time.DateOnly} {
		if t, err := time.Parse(layout, r.Replace(s)); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return s
}

func importRejected(errs []RowError) error {
	e := &minyi.Error{
		Kind: minyi.ErrInvalid, Code: "import_rejected",
		Message: fmt.Sprintf("文件中有%d行有误，未导入任何承诺；请改正后重新导入", len(errs)),
		Details: map[string]any{"errors": errs},
	}
	for _, r := range errs {
		e.Fields = append(e.Fields, minyi.FieldError{Field: fmt.Sprintf("rows[%d]", r.Row), Code: "bad_row", Message: fmt.Sprintf("第%d行：%s", r.Row, r.Message)})
	}
	return e
}
