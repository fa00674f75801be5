package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/accounts"
	"minyi/exports"
	"minyi/surveys"
)

// cmFixture: a committee over a general branch over two branches, two
// members of the first, one of the second, and a secretary of each level.
type cmFixture struct {
	*env
	o                       orgTree
	zhang, li, wang         surveys.Member
	secA, secB, secTop, led string
}

func newCMFixture(t *testing.T) *cmFixture {
	t.Helper()
	e := newEnv(t)
	f := &cmFixture{env: e, o: e.orgTree()}
	f.zhang = e.member("张三", f.o.zb1.ID)
	f.li = e.member("李四", f.o.zb1.ID)
	f.wang = e.member("王五", f.o.zb2.ID)
	f.secA = e.tokenFor(accounts.RoleSecretary, f.o.zb1.ID)
	f.secB = e.tokenFor(accounts.RoleSecretary, f.o.zb2.ID)
	f.secTop = e.tokenFor(accounts.RoleSecretary, f.o.general.ID)
	f.led = e.tokenFor(accounts.RoleLeader, "")
	return f
}

// as sends a request with token ("" = the admin token).
func (f *cmFixture) as(token, method, path string, body any) *httptest.ResponseRecorder {
	f.t.Helper()
	if token == "" {
		return f.do(method, path, body)
	}
	return f.do(method, path, body, "Authorization", "Bearer "+token)
}

type cmJSON struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Versions    int    `json:"versions"`
	Returns     int    `json:"returns"`
	Decision    string `json:"decision"`
	Reason      string `json:"reason"`
	Target      string `json:"target"`
	Percent     int    `json:"percent"`
	Outcome     string `json:"outcome"`
	Explanation string `json:"explanation"`
	Events      []struct {
		Kind    string `json:"kind"`
		Version int    `json:"version"`
		Reason  string `json:"reason"`
		Content *struct {
			Target string `json:"target"`
		} `json:"content"`
	} `json:"events"`
}

func (f *cmFixture) create(token, ownerType, ownerID, area, due string) cmJSON {
	f.t.Helper()
	return decode[cmJSON](f.t, f.as(token, http.MethodPost, "/api/v1/commitments", map[string]any{
		"owner": map[string]any{"type": ownerType, "id": ownerID}, "period": "2026", "area": area,
		"content": "为小区独居老人每月上门服务", "target": "每月走访不少于 4 户", "due": due, "responsible": "张三",
	}), http.StatusCreated)
}

func (f *cmFixture) step(token, id, action string, body any, want int) cmJSON {
	f.t.Helper()
	return decode[cmJSON](f.t, f.as(token, http.MethodPost, "/api/v1/commitments/"+id+"/"+action, body), want)
}

// TestCommitmentCycleOverHTTP walks a member's and a branch's commitment
// through the whole cycle — enter, submit, return with a reason, revise,
// approve, the public page, progress, an outcome with its explanation, the
// evaluation survey and its ballots, the ledger — with the refusals on the way.
func TestCommitmentCycleOverHTTP(t *testing.T) {
	f := newCMFixture(t)
	a := f.o.zb1.ID
	// 承诺: the branch secretary enters 张三's commitment (due before "today", 2026-11-25).
	c := f.create(f.secA, "member", f.zhang.ID, "service", "2026-10-31")
	if c.Status != "draft" || c.Versions != 0 {
		t.Fatalf("created %+v", c)
	}
	wantError(t, f.as(f.secB, http.MethodPost, "/api/v1/commitments", map[string]any{
		"owner": map[string]any{"type": "member", "id": f.zhang.ID}, "period": "2026", "area": "service",
		"content": "x", "target": "y", "due": "2026-12-31", "responsible": "z"}), http.StatusForbidden, "out_of_scope")
	wantError(t, f.as(f.secA, http.MethodPost, "/api/v1/commitments", map[string]any{
		"owner": map[string]any{"type": "member", "id": f.zhang.ID}, "period": "2026年", "area": "project",
		"content": "x", "target": " ", "due": "明年", "responsible": "z"}), http.StatusUnprocessableEntity, "validation_failed", "period", "area", "target", "due")
	wantError(t, f.as(f.led, http.MethodPost, "/api/v1/commitments", map[string]any{}), http.StatusForbidden, "")
	// 审诺: submitted, then refused to its author and to another branch.
	c = f.step(f.secA, c.ID, "submit", nil, http.StatusOK)
	if c.Status != "submitted" || c.Versions != 1 {
		t.Fatalf("submitted %+v", c)
	}
	wantError(t, f.as(f.secA, http.MethodPost, "/api/v1/commitments/"+c.ID+"/review", map[string]any{"decision": "approve"}), http.StatusForbidden, "own_commitment")
	wantError(t, f.as(f.secB, http.MethodPost, "/api/v1/commitments/"+c.ID+"/review", map[string]any{"decision": "approve"}), http.StatusForbidden, "out_of_scope")
	wantError(t, f.as("", http.MethodPost, "/api/v1/commitments/"+c.ID+"/review", map[string]any{"decision": "return", "reason": " "}), http.StatusUnprocessableEntity, "validation_failed", "reason")
	c = f.step(f.secTop, c.ID, "review", map[string]any{"decision": "return", "reason": "目标不可衡量：写明走访户数"}, http.StatusOK)
	if c.Status != "returned" || c.Returns != 1 || c.Reason != "目标不可衡量：写明走访户数" {
		t.Fatalf("returned %+v", c)
	}
	wantError(t, f.as(f.secTop, http.MethodPost, "/api/v1/commitments/"+c.ID+"/review", map[string]any{"decision": "approve"}), http.StatusConflict, "invalid_transition")
	// 再承诺: revised and submitted again; a second version.
	decode[cmJSON](t, f.as(f.secA, http.MethodPatch, "/api/v1/commitments/"+c.ID, map[string]any{"target": "每月走访独居老人不少于 4 户，全年 48 户"}), http.StatusOK)
	c = f.step(f.secA, c.ID, "submit", nil, http.StatusOK)
	if c.Versions != 2 {
		t.Fatalf("resubmitted %+v", c)
	}
	wantError(t, f.as(f.secA, http.MethodPatch, "/api/v1/commitments/"+c.ID, map[string]any{"target": "x"}), http.StatusConflict, "invalid_transition")
	c = f.step("", c.ID, "review", map[string]any{"decision": "approve"}, http.StatusOK)
	if c.Status != "approved" {
		t.Fatalf("approved %+v", c)
	}
	d := decode[cmJSON](t, f.as(f.led, http.MethodGet, "/api/v1/commitments/"+c.ID, nil), http.StatusOK)
	var kinds []string
	for _, e := range d.Events {
		kinds = append(kinds, fmt.Sprintf("%s%d", e.Kind, e.Version))
	}
	if got := strings.Join(kinds, " "); got != "create0 submit1 return1 edit0 submit2 approve2" ||
		d.Events[1].Content.Target != "每月走访不少于 4 户" || d.Events[4].Content.Target != "每月走访独居老人不少于 4 户，全年 48 户" {
		t.Fatalf("history %q %+v", got, d.Events)
	}
	wantError(t, f.as(f.secB, http.MethodGet, "/api/v1/commitments/"+c.ID, nil), http.StatusForbidden, "out_of_scope")

	// The branch's own project: reviewed by the org above, never by the branch.
	p := f.create(f.secA, "org", a, "project", "2026-11-20")
	f.step(f.secA, p.ID, "submit", nil, http.StatusOK)
	wantError(t, f.as(f.secA, http.MethodPost, "/api/v1/commitments/"+p.ID+"/review", map[string]any{"decision": "approve"}), http.StatusForbidden, "reviewed_above")
	f.step(f.secTop, p.ID, "review", map[string]any{"decision": "approve"}, http.StatusOK)
	// 李四's stays a draft: counted, never published.
	f.create(f.secA, "member", f.li.ID, "study", "2026-12-31")

	// 示诺 and 践诺: the public list (no account), overdue on the home pages.
	pub := decode[struct {
		OrgName string `json:"org_name"`
		Items   []struct {
			Owner   struct{ Name string } `json:"owner"`
			Target  string                `json:"target"`
			Overdue bool                  `json:"overdue"`
		} `json:"items"`
	}](t, f.as("", http.MethodGet, "/api/v1/public/commitments/"+a+"/2026", nil), http.StatusOK)
	if pub.OrgName != "第一党支部" || len(pub.Items) != 2 || pub.Items[0].Owner.Name != "第一党支部" || !pub.Items[1].Overdue {
		t.Fatalf("public %+v", pub)
	}
	overdue := decode[struct{ Items []struct{ ID string } }](t, f.as(f.secA, http.MethodGet, "/api/v1/commitments/overdue", nil), http.StatusOK)
	if len(overdue.Items) != 2 {
		t.Fatalf("overdue for the branch %+v", overdue)
	}
	if o := decode[struct{ Items []any }](t, f.as(f.secB, http.MethodGet, "/api/v1/commitments/overdue", nil), http.StatusOK); len(o.Items) != 0 {
		t.Fatalf("overdue for another branch %+v", o)
	}
	home := httptest.NewRequest(http.MethodGet, "/", nil)
	home.AddCookie(f.sessionFor(accounts.RoleSecretary, a))
	hw := httptest.NewRecorder()
	f.srv.ServeHTTP(hw, home)
	if hw.Code != http.StatusOK || !strings.Contains(hw.Body.String(), "超期未兑现的承诺 2 项") {
		t.Fatalf("home page %d: no overdue commitments", hw.Code)
	}
	for _, path := range []string{"/api/v1/public/commitments/" + a + "/2026/qr.png", "/api/v1/commitments/qr.png?org_id=" + a + "&period=2026"} {
		if w := f.as(f.led, http.MethodGet, path, nil); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d", path, w.Code)
		}
	}
	f.step(f.secA, c.ID, "progress", map[string]any{"percent": 60, "note": "已走访 29 户"}, http.StatusOK)
	wantError(t, f.as(f.secA, http.MethodPost, "/api/v1/commitments/"+c.ID+"/progress", map[string]any{"percent": 120, "note": "x"}), http.StatusUnprocessableEntity, "validation_failed", "percent")
	wantError(t, f.as(f.secA, http.MethodPost, "/api/v1/commitments/"+c.ID+"/outcome", map[string]any{"outcome": "partly"}), http.StatusUnprocessableEntity, "validation_failed", "explanation")
	done := f.step(f.secA, c.ID, "outcome", map[string]any{"outcome": "partly", "explanation": "两户老人搬离小区，改为电话联系"}, http.StatusOK)
	if done.Status != "completed" || done.Outcome != "partly" {
		t.Fatalf("outcome %+v", done)
	}
	f.step(f.secA, p.ID, "outcome", map[string]any{"outcome": "fulfilled"}, http.StatusOK)
	// Every decision audited, newest first.
	log := decode[struct {
		Items []struct{ Action string }
	}](t, f.as("", http.MethodGet, "/api/v1/audit?object_id="+c.ID, nil), http.StatusOK)
	var actions []string
	for _, it := range log.Items {
		actions = append(actions, it.Action)
	}
	if got := strings.Join(actions, " "); got != "commitment.outcome commitment.progress commitment.approve commitment.submit commitment.update commitment.return commitment.submit commitment.create" {
		t.Fatalf("audit %s", got)
	}
	page := f.as("", http.MethodGet, "/c/"+a+"/2026", nil)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "两户老人搬离小区，改为电话联系") || !strings.Contains(page.Body.String(), "部分兑现") {
		t.Fatalf("public page %d", page.Code)
	}

	// 评诺: the evaluation survey, codes, ballots, scores on each owner.
	f.evaluate(t, a)
	f.checkLedger(t)
}

// evaluate creates the evaluation survey and votes: two ballots rate
// 张三 and 第一党支部 (the owners of the approved commitments).
func (f *cmFixture) evaluate(t *testing.T, a string) {
	wantError(t, f.as(f.secA, http.MethodPost, "/api/v1/commitments/evaluations", map[string]any{"org_id": a, "period": "2026"}), http.StatusForbidden, "")
	sv := decode[surveys.Survey](t, f.as("", http.MethodPost, "/api/v1/commitments/evaluations", map[string]any{"org_id": a, "period": "2026", "title": ""}), http.StatusCreated)
	if sv.Status != surveys.StatusDraft || len(sv.Subjects) != 2 || len(sv.RaterGroups) != 4 || sv.Title != "第一党支部2026年度承诺践诺评议" {
		t.Fatalf("evaluation %+v", sv)
	}
	pubd := decode[publishAnswer](t, f.as("", http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusOK)
	votes := []struct {
		group                  string
		zDel, zEff, bDel, bEff string
	}{
		{"masses", "good", "satisfied", "fair", "basic"},
		{"members", "average", "basic", "good", "satisfied"},
	}
	for i, v := range votes {
		codes := decode[codesAnswer](t, f.as("", http.MethodPost, "/api/v1/surveys/"+sv.ID+"/codes", map[string]any{"count": 1, "rater_group": v.group}), http.StatusCreated)
		answers := []map[string]any{
			{"question": "delivery", "subject": f.zhang.ID, "option": v.zDel}, {"question": "effect", "subject": f.zhang.ID, "option": v.zEff},
			{"question": "delivery", "subject": a, "option": v.bDel}, {"question": "effect", "subject": a, "option": v.bEff},
		}
		decode[map[string]any](t, f.do(http.MethodPost, "/api/v1/public/surveys/"+pubd.Slug+"/ballots",
			map[string]any{"submission_id": fmt.Sprintf("evaluation-%04d", i), "code": codes.Codes[0], "answers": answers}, "Authorization", ""), http.StatusCreated)
	}
	for range 50 { // the tallies fold in the background, within a second
		r := decode[struct {
			Ballots struct{ Valid int } `json:"ballots"`
		}](t, f.as("", http.MethodGet, "/api/v1/surveys/"+sv.ID+"/results", nil), http.StatusOK)
		if r.Ballots.Valid == 2 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the ballots never reached the results")
}

// checkLedger reads the statistics and the workbook back.
//
// 第一党支部, 2026, today 2026-11-25: 3 commitments (张三 returned once then
// approved and partly fulfilled; the branch's project approved first time
// and fulfilled; 李四's a draft). approved_first_time 1, returned 1, due 2
// (both with an outcome), fulfilled 1, partly 1, overdue 0;
// fulfilled_rate = (1 + 0.5 × 1) ÷ 2 = 0.75.
// Scores (weights 群众 0.4, 党员 0.3; 本人 and 组织 cast no ballot):
// 张三: 群众 (100+100)/2 = 100, 党员 (60+80)/2 = 70 → (0.4·100 + 0.3·70) ÷ 0.7 = 61/0.7 = 87.142857…
// 第一党支部: 群众 (80+80)/2 = 80, 党员 (100+100)/2 = 100 → (32 + 30) ÷ 0.7 = 62/0.7 = 88.571428…
// mean over the two owners: (61 + 62) ÷ 1.4 = 87.857142… → 87.8571 in JSON, 87.86 in the workbook.
func (f *cmFixture) checkLedger(t *testing.T) {
	type stat struct {
		Org struct {
			ID, Name string
		} `json:"org"`
		Commitments       int      `json:"commitments"`
		ApprovedFirstTime int      `json:"approved_first_time"`
		Returned          int      `json:"returned"`
		Due               int      `json:"due"`
		Fulfilled         int      `json:"fulfilled"`
		Partly            int      `json:"partly"`
		Unfulfilled       int      `json:"unfulfilled"`
		Overdue           int      `json:"overdue"`
		FulfilledRate     *float64 `json:"fulfilled_rate"`
		EvaluationScore   *float64 `json:"evaluation_score"`
	}
	st := decode[struct {
		Orgs  []stat
		Total *stat
	}](t, f.as(f.led, http.MethodGet, "/api/v1/commitments/stats?org_id="+f.o.root.ID+"&period=2026", nil), http.StatusOK)
	if len(st.Orgs) != 1 || st.Total == nil || st.Total.Org.Name != "合计" || st.Total.Commitments != 3 || *st.Total.FulfilledRate != 0.75 {
		t.Fatalf("stats %+v", st)
	}
	s := st.Orgs[0]
	if s.Org.Name != "第一党支部" || s.Commitments != 3 || s.ApprovedFirstTime != 1 || s.Returned != 1 || s.Due != 2 || s.Fulfilled != 1 ||
		s.Partly != 1 || s.Unfulfilled != 0 || s.Overdue != 0 || s.FulfilledRate == nil || *s.FulfilledRate != 0.75 ||
		s.EvaluationScore == nil || *s.EvaluationScore != 87.8571 {
		t.Fatalf("stats %+v", s)
	}
	wantError(t, f.as(f.secB, http.MethodGet, "/api/v1/commitments/stats?org_id="+f.o.zb1.ID+"&period=2026", nil), http.StatusForbidden, "out_of_scope")
	list := decode[struct {
		Items []struct {
			Owner struct{ Name string }
			Score *float64 `json:"evaluation_score"`
		}
	}](t, f.as(f.secA, http.MethodGet, "/api/v1/commitments?period=2026&status=completed", nil), http.StatusOK)
	if len(list.Items) != 2 || list.Items[1].Owner.Name != "张三" || list.Items[1].Score == nil || *list.Items[1].Score != 87.1429 {
		t.Fatalf("list with scores %+v", list)
	}
	w := f.as(f.led, http.MethodGet, "/api/v1/commitments/report.xlsx?org_id="+f.o.root.ID+"&period=2026", nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("report %d %s", w.Code, w.Body)
	}
	keepFile(t, "承诺台账.xlsx", w.Body.Bytes())
	book, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	if got := strings.Join(book.GetSheetList(), ","); got != "承诺台账,统计,说明" {
		t.Fatalf("sheets %s", got)
	}
	ledger, _ := book.GetRows(exports.SheetCommitments)
	// Rows: the branch's project first, then 张三, 李四 (owner order).
	if len(ledger) != 4 || ledger[1][2] != "第一党支部" || ledger[2][2] != "张三" || ledger[2][11] != "2" || ledger[2][12] != "通过" ||
		ledger[2][14] != "60" || ledger[2][16] != "部分兑现" || ledger[2][17] != "两户老人搬离小区，改为电话联系" || ledger[2][19] != "87.14" ||
		ledger[1][19] != "88.57" || ledger[3][10] != "草稿" || len(ledger[3]) > 19 && ledger[3][19] != "" {
		t.Fatalf("ledger %q", ledger)
	}
	stats, _ := book.GetRows(exports.SheetCommitmentStats)
	if len(stats) != 2 || strings.Join(stats[1], "|") != "第一党支部|3|1|1|2|1|1|0|0|75.00%|87.86" {
		t.Fatalf("统计 %q", stats)
	}
	notes, _ := book.GetRows(exports.SheetCommitmentNotes)
	if len(notes) < 5 || !strings.Contains(strings.Join(notes[7], ""), "0.5 × 部分兑现") {
		t.Fatalf("说明 %q", notes)
	}
	if ps, err := book.GetPageLayout(exports.SheetCommitments); err != nil || ps.Orientation == nil || *ps.Orientation != "landscape" || ps.FitToWidth == nil || *ps.FitToWidth != 1 {
		t.Fatalf("page layout %+v %v", ps, err)
	}
	titles := 0
	for _, dn := range book.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && strings.Contains(dn.RefersTo, "$1:$1") {
			titles++
		}
	}
	if titles != 2 { // 承诺台账 and 统计 repeat their header row on every page
		t.Fatalf("print titles %+v", book.GetDefinedName())
	}
	if props, err := book.GetSheetProps(exports.SheetCommitments); err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Fatalf("fit to page %+v %v", props, err)
	}
	if hf, err := book.GetHeaderFooter(exports.SheetCommitments); err != nil || !strings.Contains(hf.OddFooter, "&P") {
		t.Fatalf("footer %+v %v", hf, err)
	}
	pledge := f.as(f.secA, http.MethodGet, "/api/v1/commitments/pledge.xlsx?owner_type=member&owner_id="+f.zhang.ID+"&period=2026", nil)
	if pledge.Code != http.StatusOK {
		t.Fatalf("pledge %d %s", pledge.Code, pledge.Body)
	}
	keepFile(t, "公开承诺书.xlsx", pledge.Body.Bytes())
	pb, err := excelize.OpenReader(bytes.NewReader(pledge.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	prow, _ := pb.GetRows(exports.SheetPledge)
	if len(prow) < 6 || prow[0][0] != "2026年度公开承诺书" || !strings.Contains(prow[1][0], "张三") || prow[4][3] != "每月走访独居老人不少于 4 户，全年 48 户" {
		t.Fatalf("pledge %q", prow)
	}
	wantError(t, f.as(f.secA, http.MethodGet, "/api/v1/commitments/pledge.xlsx?owner_type=member&owner_id="+f.li.ID+"&period=2026", nil), http.StatusNotFound, "no_approved_commitments")
}

// keepFile writes a downloaded file to $MINYI_SCREENSHOTS (when set), for
// a person to open.
func keepFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if dir := os.Getenv("MINYI_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// commitmentBook is a commitments workbook with the header and rows given.
func commitmentBook(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := append([][]string{exports.CommitmentHeader()}, rows...)
	for i, r := range all {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", ref, &cells); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (f *cmFixture) upload(token, query string, book []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "承诺.xlsx")
	part.Write(book)
	mw.Close()
	return f.do(http.MethodPost, "/api/v1/commitments/import"+query, body.Bytes(), "Authorization", "Bearer "+token, "Content-Type", mw.FormDataContentType())
}

// TestCommitmentImport: every bad row named, nothing stored, a dry run
// that tells, a clean file stored as drafts, another branch refused.
func TestCommitmentImport(t *testing.T) {
	f := newCMFixture(t)
	a := f.o.zb1.ID
	bad := commitmentBook(t,
		[]string{"党员", "张三", "2026", "学习", "每季度读一本理论书籍", "全年读书 4 本、写心得 4 篇", "2026-12-31", "张三"},
		[]string{"党员", "赵六", "2026", "工作", "内容", "目标", "2026-12-31", "赵六"},
		[]string{"组织", "第一党支部", "2026", "学习", "内容", "目标", "2026-12-31", "书记"},
		[]string{"党员", "李四", "2026", "服务", "内容", "", "2026/12/31", "李四"},
		[]string{"党员", "李四", "明年", "服务", "内容", "目标", "下个月", "李四"},
	)
	w := f.upload(f.secA, "?org_id="+a, bad)
	wantError(t, w, http.StatusUnprocessableEntity, "import_rejected", "rows[3]", "rows[4]", "rows[5]", "rows[6]")
	for _, want := range []string{"赵六", "project", "可衡量", "时期", "完成时限"} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("the refusal does not mention %q: %s", want, w.Body)
		}
	}
	dry := decode[struct {
		Created  int
		Errors   []struct{ Row int }
		DryRun   bool `json:"dry_run"`
		Rejected bool
	}](t, f.upload(f.secA, "?org_id="+a+"&dry_run=true", bad), http.StatusOK)
	if dry.Created != 1 || len(dry.Errors) != 4 || !dry.DryRun || !dry.Rejected {
		t.Fatalf("dry run %+v", dry)
	}
	list := decode[struct{ Items []cmJSON }](t, f.as(f.secA, http.MethodGet, "/api/v1/commitments?org_id="+a+"&period=2026", nil), http.StatusOK)
	if len(list.Items) != 0 {
		t.Fatalf("stored after a refused import: %+v", list)
	}
	good := commitmentBook(t,
		[]string{"党员", "张三", "2026", "学习", "每季度读一本理论书籍", "全年读书 4 本、写心得 4 篇", "2026年12月31日", "张三"},
		[]string{"组织", "", "2026H1", "项目", "修复小区路灯", "6 月底前修复 3 处", "46203", "王书记"},
	)
	wantError(t, f.upload(f.secB, "?org_id="+a, good), http.StatusForbidden, "out_of_scope")
	// The template's example rows pass the checks as they are.
	tpl := f.as(f.secA, http.MethodGet, "/api/v1/commitments/import/template.xlsx", nil)
	if tpl.Code != http.StatusOK {
		t.Fatalf("template %d", tpl.Code)
	}
	if r := decode[struct {
		Created int
		Errors  []any
	}](t, f.upload(f.secA, "?org_id="+a+"&dry_run=true", tpl.Body.Bytes()), http.StatusOK); r.Created != 2 || len(r.Errors) != 0 {
		t.Fatalf("template dry run %+v", r)
	}
	res := decode[struct{ Created int }](t, f.upload(f.secA, "?org_id="+a, good), http.StatusOK)
	if res.Created != 2 {
		t.Fatalf("imported %+v", res)
	}
	type item struct {
		Status string `json:"status"`
		Due    string `json:"due"`
		Period string `json:"period"`
	}
	got := decode[struct{ Items []item }](t, f.as(f.secA, http.MethodGet, "/api/v1/commitments?period=2026", nil), http.StatusOK)
	// A year lists its half-years; the org's commitment first. 46203 is Excel's 2026-06-30.
	if len(got.Items) != 2 || got.Items[0] != (item{"draft", "2026-06-30", "2026H1"}) || got.Items[1] != (item{"draft", "2026-12-31", "2026"}) {
		t.Fatalf("list %+v", got.Items)
	}
}
