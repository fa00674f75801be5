package surveys

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

// MaxRosterRows bounds one import: a roster of a whole street committee has
// a few thousand members.
const MaxRosterRows = 20000

// RosterRow is one data row of a roster file as read, before interpretation.
// Row is the spreadsheet row number (the header is row 1), so a person can
// find it in the file.
type RosterRow struct {
	Row          int
	Name         string // 姓名
	Org          string // 所在支部: org code or name
	Title        string // 职务
	Probationary string // 预备党员: 是 / 否 / empty (否)
	Number       string // 党员编号: when given, who the row is
}

// RowError is one bad roster row and why, in Chinese.
type RowError struct {
	Row     int    `json:"row"`
	Message string `json:"message"`
}

// ImportResult says what an import did. Rows identical to a member already
// stored count as unchanged, which is what makes re-importing a file a no-op.
//
// A dry run fills the same counts with what the good rows would do and
// stores nothing. Rejected is set on a dry run of an all-or-nothing import
// that has bad rows: the real import would store nothing at all, but the
// counts still say what the good rows would do once the bad ones are fixed
// (or with partial), which is what the person checking the file needs.
type ImportResult struct {
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Errors    []RowError `json:"errors"`
	DryRun    bool       `json:"dry_run,omitempty"`
	Rejected  bool       `json:"rejected,omitempty"`
}

// ImportOptions change how Import treats a roster.
type ImportOptions struct {
	Partial bool // store the good rows even when some are bad
	DryRun  bool // check and count only; store nothing
}

// Import creates or updates the members of rows, matching existing members
// by org and name. With any bad row nothing is stored unless partial, in
// which case the good rows are.
func (s *MemberStore) Import(ctx context.Context, rows []RosterRow, partial bool) (*ImportResult, error) {
	return s.ImportWith(ctx, rows, ImportOptions{Partial: partial})
}

// ImportWith is Import with every option. A dry run reads exactly what an
// import reads (the orgs, the members of the rows' orgs) and takes the same
// decisions, so its answer is what the import would do against the roster
// as it is now; it never writes.
func (s *MemberStore) ImportWith(ctx context.Context, rows []RosterRow, opt ImportOptions) (*ImportResult, error) {
	if len(rows) == 0 {
		var fe minyi.FieldErrors
		fe.Add("file", "empty", "名册中没有数据行")
		return nil, fe.Err()
	}
	if len(rows) > MaxRosterRows {
		var fe minyi.FieldErrors
		fe.Addf("file", "too_many_rows", "名册最多%d行，请分批导入", MaxRosterRows)
		return nil, fe.Err()
	}
	res := &ImportResult{Errors: []RowError{}, DryRun: opt.DryRun}
	good, err := s.interpret(ctx, rows, res)
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 && !opt.Partial {
		if !opt.DryRun {
			return nil, importRejected(res.Errors)
		}
		res.Rejected = true
	}
	p, err := s.plan(ctx, good, res)
	if err != nil {
		return nil, err
	}
	if opt.DryRun {
		res.Created, res.Updated = len(p.inserts), len(p.updates)
		return res, nil
	}
	if err := s.write(ctx, p, res); err != nil {
		return nil, err
	}
	return res, nil
}

func importRejected(errs []RowError) error {
	e := &minyi.Error{
		Kind:    minyi.ErrInvalid,
		Code:    "import_rejected",
		Message: fmt.Sprintf("名册中有%d行有误，未导入任何数据；请改正后重新导入，或选择只导入正确的行", len(errs)),
		Details: map[string]any{"errors": errs},
	}
	for _, r := range errs {
		e.Fields = append(e.Fields, minyi.FieldError{
			Field: fmt.Sprintf("rows[%d]", r.Row), Code: "bad_row", Message: fmt.Sprintf("第%d行：%s", r.Row, r.Message),
		})
	}
	return e
}

// interpret turns rows into members, recording every bad row in res.
func (s *MemberStore) interpret(ctx context.Context, rows []RosterRow, res *ImportResult) ([]Member, error) {
	orgs, err := s.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]Org{}
	byName := map[string][]Org{}
	for _, o := range orgs {
		byCode[o.Code] = o
		byName[o.Name] = append(byName[o.Name], o)
	}
	roster, err := s.roster(ctx)
	if err != nil {
		return nil, err
	}
	namesakes := map[string]int{} // org id + name → members of that name stored
	for _, m := range roster {
		namesakes[m.OrgID+"\x00"+m.Name]++
	}
	seen := map[string]int{} // number, or org id + name → first row
	var good []Member
	for _, r := range rows {
		var problems []string
		m := Member{Name: strings.TrimSpace(r.Name), Title: strings.TrimSpace(r.Title), Number: strings.TrimSpace(r.Number)}
		if _, ok := minyi.CleanText(m.Number, false); !ok || utf8.RuneCountInString(m.Number) > 32 {
			problems = append(problems, "党员编号含有不可见字符或超过32个字符")
		}
		if _, ok := minyi.CleanText(m.Name, false); !ok {
			problems = append(problems, "姓名含有不可见或控制字符，请删除后重试")
		}
		if _, ok := minyi.CleanText(m.Title, false); !ok {
			problems = append(problems, "职务含有不可见或控制字符，请删除后重试")
		}
		switch n := utf8.RuneCountInString(m.Name); {
		case n == 0:
			problems = append(problems, "姓名为空")
		case n > 50:
			problems = append(problems, "姓名超过50个字")
		}
		org := strings.TrimSpace(r.Org)
		if o, ok := byCode[org]; ok {
			m.OrgID = o.ID
		} else if named := byName[org]; len(named) == 1 {
			m.OrgID = named[0].ID
		} else if org == "" {
			problems = append(problems, "所在支部为空")
		} else if len(named) > 1 {
			problems = append(problems, fmt.Sprintf("有多个组织名为“%s”，请改填组织编码", org))
		} else {
			problems = append(problems, fmt.Sprintf("所在支部“%s”不存在（请填写组织编码或全称）", org))
		}
		if utf8.RuneCountInString(m.Title) > 50 {
			problems = append(problems, "职务超过50个字")
		}
		switch strings.TrimSpace(r.Probationary) {
		case "是":
			m.Probationary = true
		case "否", "":
		default:
			problems = append(problems, fmt.Sprintf("预备党员一栏应填“是”或“否”，而不是“%s”", strings.TrimSpace(r.Probationary)))
		}
		if len(problems) == 0 {
			problems = append(problems, sameName(m, r.Row, seen, namesakes)...)
		}
		if len(problems) > 0 {
			res.Errors = append(res.Errors, RowError{Row: r.Row, Message: strings.Join(problems, "；")})
			continue
		}
		good = append(good, m)
	}
	return good, nil
}

// sameName tells the row apart from the rows before it and the roster: by
// its number when it has one, else by branch and name, which must then name
// one member only.
func sameName(m Member, row int, seen map[string]int, namesakes map[string]int) []string {
	nameKey := m.OrgID + "\x00" + m.Name
	if m.Number != "" {
		if first, dup := seen["#"+m.Number]; dup {
			return []string{fmt.Sprintf("党员编号“%s”与第%d行重复", m.Number, first)}
		}
		seen["#"+m.Number] = row
		return nil
	}
	if first, dup := seen[nameKey]; dup {
		return []string{fmt.Sprintf("与第%d行重复（同一支部同名的“%s”），无法区分是否同一人：如为两人，请在“党员编号”列分别填写编号", first, m.Name)}
	}
	seen[nameKey] = row
	if namesakes[nameKey] > 1 {
		return []string{fmt.Sprintf("该支部已有%d名“%s”，请在“党员编号”列填写编号以说明是哪一位", namesakes[nameKey], m.Name)}
	}
	return nil
}

// importPlan is what an import writes: the new members and the updates of
// changed ones.
type importPlan struct {
	inserts []any
	updates []mongo.WriteModel
}

// plan compares good with the stored members and counts the unchanged
// ones in res. A row with a number is the member of that number anywhere
// in the tree (moved, renamed), else the unnumbered member of its branch
// and name, who then gets the number; a row without a number is the member
// of its branch and name (interpret made sure there is at most one).
func (s *MemberStore) plan(ctx context.Context, good []Member, res *ImportResult) (importPlan, error) {
	var p importPlan
	if len(good) == 0 {
		return p, nil
	}
	roster, err := s.roster(ctx)
	if err != nil {
		return p, err
	}
	byNumber := map[string]Member{}
	byName := map[string]Member{} // unnumbered ones first: a row without number means them
	for _, m := range roster {
		key := m.OrgID + "\x00" + m.Name
		if m.Number != "" {
			byNumber[m.Number] = m
			if _, ok := byName[key]; ok {
				continue
			}
		}
		if old, ok := byName[key]; !ok || old.Number != "" {
			byName[key] = m
		}
	}
	now := s.now().UTC()
	for _, m := range good {
		old, ok := byNumber[m.Number]
		if m.Number == "" || !ok {
			old, ok = byName[m.OrgID+"\x00"+m.Name]
			ok = ok && (m.Number == "" || old.Number == "")
		}
		if ok && m.Number == "" {
			m.Number = old.Number // a row without a number keeps the member's
		}
		switch {
		case !ok:
			m.ID = bson.NewObjectID().Hex()
			m.Ident = m.identity()
			m.CreatedAt, m.UpdatedAt = now, now
			p.inserts = append(p.inserts, m)
		case old.Title != m.Title || old.Probationary != m.Probationary || old.Name != m.Name || old.OrgID != m.OrgID || m.Number != "" && old.Number != m.Number:
			set := bson.D{{Key: "name", Value: m.Name}, {Key: "org_id", Value: m.OrgID},
				{Key: "title", Value: m.Title}, {Key: "probationary", Value: m.Probationary}, {Key: "updated_at", Value: now},
				{Key: "ident", Value: m.identity()}}
			if m.Number != "" {
				set = append(set, bson.E{Key: "number", Value: m.Number})
			}
			p.updates = append(p.updates, mongo.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: old.ID}}).
				SetUpdate(bson.D{{Key: "$set", Value: set}}))
		default:
			res.Unchanged++
		}
	}
	return p, nil
}

// write stores p: new members with one unordered insertMany, changed ones
// with one bulkWrite.
func (s *MemberStore) write(ctx context.Context, p importPlan, res *ImportResult) error {
	defer s.touchRoster(ctx)
	if len(p.inserts) > 0 {
		if _, err := s.coll().InsertMany(ctx, p.inserts, options.InsertMany().SetOrdered(false)); err != nil {
			if store.IsDuplicate(err) {
				return minyi.E(minyi.ErrConflict, "roster_changed", "导入期间名册被同时修改，请重新导入")
			}
			return fmt.Errorf("import members: %w", err)
		}
		res.Created = len(p.inserts)
	}
	if len(p.updates) > 0 {
		if _, err := s.coll().BulkWrite(ctx, p.updates, options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("import members: %w", err)
		}
		res.Updated = len(p.updates)
	}
	return nil
}
