package exports_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/exports"
	"minyi/surveys"
)

// committeeSurvey is a 民主评议党员 as a committee runs it: two rater groups
// (党员 0.6, 群众 0.4), one grade question with 不了解, 优秀 at most a third
// per ballot and per result, six members in two branches, a comment box.
func committeeSurvey() *surveys.Survey {
	opens, closes := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	third := 1.0 / 3
	sv := &surveys.Survey{
		ID: "sv-committee", Title: "2026年度民主评议党员", Kind: surveys.KindAppraisal, Status: surveys.StatusClosed, Version: 1, OrgID: "c1",
		RaterGroups: []surveys.RaterGroup{{Key: "members", Name: "党员", Weight: 0.6}, {Key: "masses", Name: "群众", Weight: 0.4}},
		Access:      surveys.Access{Mode: surveys.AccessCode, OpensAt: &opens, ClosesAt: &closes},
		Questions: []surveys.Question{
			{Key: "grade", Type: surveys.QSingle, Title: "评议等次", PerSubject: true, Options: []surveys.Option{
				{Key: "excellent", Label: "优秀", Score: ptr(95.0)}, {Key: "qualified", Label: "合格", Score: ptr(80.0)},
				{Key: "basic", Label: "基本合格", Score: ptr(65.0)}, {Key: "unqualified", Label: "不合格", Score: ptr(40.0)},
				{Key: "unknown", Label: "不了解", Abstain: true},
			}},
			{Key: "comment", Type: surveys.QText, Title: "意见建议"},
		},
		Rules: surveys.Rules{Quotas: []surveys.Quota{{Question: "grade", Option: "excellent", MaxShare: third}}},
		Scoring: surveys.Scoring{MinGroupBallots: ptr(0), Grades: []surveys.Grade{
			{Key: "excellent", Label: "优秀", MinScore: 90, MaxShare: third}, {Key: "qualified", Label: "合格", MinScore: 70},
			{Key: "basic", Label: "基本合格", MinScore: 60}, {Key: "unqualified", Label: "不合格", MinScore: 0},
		}},
	}
	for i, name := range []string{"赵一", "钱二", "孙三", "李四", "周五", "吴六"} {
		org, orgName := "b1", "第一党支部"
		if i >= 3 {
			org, orgName = "b2", "第二党支部"
		}
		sv.Subjects = append(sv.Subjects, surveys.Subject{Type: surveys.SubjectMember, ID: "m" + string(rune('1'+i)), Name: name, OrgID: org, OrgName: orgName})
	}
	return sv
}

// committeeBallots: one letter per member m1…m6 (x 优秀 95, q 合格 80,
// b 基本合格 65, u 不合格 40, ? 不了解), at most floor(6/3) = 2 优秀 each.
//
//	党员 M1 xxqqbu  M2 xqqxqu  M3 qxqq?b;  群众 P1 xqqqqu  P2 xqx?qb
//
// Votes (5 ballots): 赵一 x4 q1 → 优秀率 0.8; 钱二 x2 q3; 孙三 x1 q4;
// 李四 x1 q3 ?1; 周五 b1 q3 ?1; 吴六 u3 b2 → 不合格率 0.6.
// Scores S = 0.6·党员 + 0.4·群众:
//
//	赵一 (95+95+80)/3 = 90, (95+95)/2 = 95 → 54 + 38 = 92 → 优秀 (quota floor(6/3) = 2)
//	钱二 90, 80 → 86;  孙三 80, 87.5 → 83;  李四 85, 80 → 83 (tied with 孙三: both 3rd)
//	周五 (65+80)/2 = 72.5, 80 → 43.5 + 32 = 75.5;  吴六 145/3, 52.5 → 29 + 21 = 50 → 不合格
func committeeBallots() []surveys.Ballot {
	keys := map[byte]string{'x': "excellent", 'q': "qualified", 'b': "basic", 'u': "unqualified", '?': "unknown"}
	var out []surveys.Ballot
	for i, b := range []struct{ id, group, grades, comment string }{
		{"0f3a9c1e-members-1", "members", "xxqqbu", "支部学习抓得紧，希望多开展志愿服务"},
		{"0f3a9c1e-members-2", "members", "xqqxqu", ""},
		{"0f3a9c1e-members-3", "members", "qxqq?b", "=1+1"},
		{"0f3a9c1e-masses-1", "masses", "xqqqqu", "希望党员多走访困难群众"},
		{"0f3a9c1e-masses-2", "masses", "xqx?qb", ""},
	} {
		bl := surveys.Ballot{ID: b.id, SurveyID: "sv-committee", SurveyVersion: 1, Channel: surveys.ChannelWeb, RaterGroup: b.group, Valid: true,
			CreatedAt: genAt.Add(time.Duration(i) * time.Minute)}
		for j := range 6 {
			bl.Answers = append(bl.Answers, surveys.Answer{Question: "grade", Subject: "m" + string(rune('1'+j)), Option: keys[b.grades[j]]})
		}
		if b.comment != "" {
			bl.Answers = append(bl.Answers, surveys.Answer{Question: "comment", Text: b.comment})
		}
		out = append(out, bl)
	}
	return out
}

func writeCommittee(t *testing.T) (*excelize.File, []byte) {
	t.Helper()
	sv, bs := committeeSurvey(), committeeBallots()
	tally := analytics.Fold(bs)
	r := analytics.Compute(sv, tally, analytics.Filter{}, nil, genAt)
	var counts []exports.BallotCount
	for k, n := range tally.Ballots {
		counts = append(counts, exports.BallotCount{Group: k.Group, Channel: k.Channel, Valid: k.Valid, Count: n})
	}
	var buf bytes.Buffer
	if err := exports.WriteScorecard(t.Context(), &buf, exports.Scorecard{
		Survey: sv, Results: r, Counts: counts, Issued: map[string]int64{"members": 4, "masses": 3}, OrgName: "某街道党工委",
		Location: surveys.ChinaTime, Now: genAt, Ballots: each(bs), RawBallots: true,
	}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// rowsOf reads a sheet's raw values.
func rowsOf(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// findRow is the first row whose first cell is first.
func findRow(rows [][]string, col int, value string) []string {
	for _, r := range rows {
		if len(r) > col && r[col] == value {
			return r
		}
	}
	return nil
}

// TestCommitteeScorecard reads the committee's workbook back sheet by sheet.
func TestCommitteeScorecard(t *testing.T) {
	f, _ := writeCommittee(t)
	sheets := strings.Join(f.GetSheetList(), ",")
	if want := "汇总,党员测评,得票情况,分群体得分,题目分布,意见建议,原始答卷"; sheets != want {
		t.Fatalf("sheets %s, want %s (no 分维度得分: the survey has no dimensions)", sheets, want)
	}

	// 汇总's title block (times in China time: genAt is 18:00 there).
	sum := rowsOf(t, f, exports.SheetSummary)
	for label, want := range map[string]string{
		"测评名称": "2026年度民主评议党员", "组织单位": "某街道党工委", "测评类型": "民主评议党员",
		"测评时间": "2026年11月1日 至 2026年11月30日", "答卷情况": "发放 7 份，回收 5 份，有效 5 份。",
		"生成时间": "2026年11月25日 18:00", "统计范围": "全部评价对象",
	} {
		if r := findRow(sum, 0, label); r == nil || r[1] != want {
			t.Errorf("汇总 %s: %q, want %q", label, r, want)
		}
	}
	if sum[0][0] != "2026年度民主评议党员 · 测评结果汇总" {
		t.Errorf("汇总 title %q", sum[0][0])
	}
	methods := ""
	for _, r := range sum {
		methods += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"不超过参评对象的三分之一", "得分相同的并列同一名次", "优秀率 = 优秀票数 ÷ 该对象的全部票数"} {
		if !strings.Contains(methods, want) {
			t.Errorf("汇总 does not say %q:\n%s", want, methods)
		}
	}
	if r := findRow(sum, 0, "优秀"); r == nil || r[2] != "三分之一" || r[3] != "1" {
		t.Errorf("汇总 grade row 优秀 %q, want quota 三分之一 and 1 recommended", r)
	}

	// 党员测评: rank, name, branch, score, 优秀率, 不合格率, grades (no
	// satisfaction rate: nothing in an appraisal is a satisfied option).
	members := rowsOf(t, f, exports.SheetMembers)
	if got := strings.Join(members[1], ","); got != "排名,姓名,所在支部,综合得分,优秀率,不合格率,推荐等次,最终等次,等次调整理由" {
		t.Errorf("党员测评 header %s", got)
	}
	for name, want := range map[string]string{
		"赵一": "1|赵一|第一党支部|92|0.8|0|优秀", "孙三": "3|孙三|第一党支部|83|0.2|0|合格", "李四": "3|李四|第二党支部|83|0.2|0|合格",
		"吴六": "6|吴六|第二党支部|50|0|0.6|不合格",
	} {
		if r := findRow(members, 1, name); r == nil || strings.Join(r[:7], "|") != want {
			t.Errorf("党员测评 %s: %q, want %s", name, r, want)
		}
	}

	// 得票情况: votes per grade, abstentions, total, rates.
	votes := rowsOf(t, f, exports.SheetVotes)
	if got := strings.Join(votes[1], ","); got != "排名,评价对象,所在组织,综合得分,优秀（票）,合格（票）,基本合格（票）,不合格（票）,不了解（票）,合计（票）,优秀率,不合格率" {
		t.Errorf("得票情况 header %s", got)
	}
	for name, want := range map[string]string{
		"赵一": "4|1|0|0|0|5|0.8|0", "李四": "1|3|0|0|1|5|0.2|0", "周五": "0|3|1|0|1|5|0|0", "吴六": "0|0|2|3|0|5|0|0.6",
	} {
		if r := findRow(votes, 1, name); r == nil || strings.Join(r[4:12], "|") != want {
			t.Errorf("得票情况 %s: %q, want %s", name, r, want)
		}
	}

	// 分群体得分: 吴六 党员 145/3 = 48.33 (stored to two decimals), 3 answers.
	groups := rowsOf(t, f, exports.SheetGroups)
	if got := strings.Join(groups[1], ","); got != "排名,评价对象,所在组织,综合得分,党员得分,党员答案数,群众得分,群众答案数" {
		t.Errorf("分群体得分 header %s", got)
	}
	if r := findRow(groups, 1, "吴六"); r == nil || strings.Join(r[4:8], "|") != "48.33|3|52.5|2" {
		t.Errorf("分群体得分 吴六 %q", r)
	}

	// 意见建议: 序号 1, 2, 3 and no ballot id anywhere.
	comments := rowsOf(t, f, exports.SheetComments)
	if len(comments) != 5 || comments[2][0] != "1" || comments[4][0] != "3" || comments[3][4] != "=1+1" {
		t.Errorf("意见建议 %q", comments)
	}
	for _, r := range comments {
		if strings.Contains(strings.Join(r, "|"), "0f3a9c1e") {
			t.Errorf("意见建议 shows a ballot id: %q", r)
		}
	}
	wantPrintable(t, f)
}

var (
	// floatNoise is a number written with more than four decimals.
	floatNoise = regexp.MustCompile(`\d\.\d{5,}`)
	dateShown  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	// asciiWord is an internal key's look: a Latin letter in a header.
	asciiWord = regexp.MustCompile(`[A-Za-z]`)
)

// wantPrintable checks every sheet: A4, one page wide, a page header with
// the title and a footer with page x of y, header rows repeated on the
// table sheets, no cell text with more than 4 decimals, no header with an
// internal key.
func wantPrintable(t *testing.T, f *excelize.File) {
	t.Helper()
	titles := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	for _, sheet := range f.GetSheetList() {
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Size == nil || *layout.Size != 9 || layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.Orientation == nil {
			t.Errorf("%s: page layout %+v (%v), want A4 one page wide", sheet, layout, err)
		}
		hf, err := f.GetHeaderFooter(sheet)
		if err != nil || hf == nil || !strings.Contains(hf.OddHeader, "2026年度民主评议党员") || !strings.Contains(hf.OddFooter, "&P") || !strings.Contains(hf.OddFooter, "&N") {
			t.Errorf("%s: header/footer %+v (%v)", sheet, hf, err)
		}
		rows := rowsOf(t, f, sheet)
		shown, _ := f.GetRows(sheet)
		if sheet != exports.SheetSummary {
			if titles[sheet] == "" {
				t.Errorf("%s: no repeated header rows", sheet)
			}
			for _, h := range rows[1] {
				if asciiWord.MatchString(h) {
					t.Errorf("%s: header %q looks like an internal key", sheet, h)
				}
			}
		}
		for i, r := range rows {
			for j, c := range r {
				// A date is a day number with a fraction of a day: what it
				// shows is a time.
				isTime := i < len(shown) && j < len(shown[i]) && dateShown.MatchString(shown[i][j])
				if floatNoise.MatchString(c) && !isTime || i < len(shown) && j < len(shown[i]) && floatNoise.MatchString(shown[i][j]) {
					t.Errorf("%s row %d col %d: %q has more than 4 decimals", sheet, i+1, j+1, c)
				}
			}
		}
	}
}

// TestCommitteeScorecardPrints: LibreOffice prints the workbook on the
// pages its layout intends: 汇总 on two portrait pages (the tables, then
// the chart alone, never cut), 题目分布's 30 rows (6 members × 5 options)
// on two landscape pages with the header repeated, every other sheet on
// one page.
func TestCommitteeScorecardPrints(t *testing.T) {
	_, data := writeCommittee(t)
	pages := printedPages(t, data, "2026年度民主评议党员")
	want := map[string]int{"汇总": 2, "党员测评": 1, "得票情况": 1, "分群体得分": 1, "题目分布": 2, "意见建议": 1, "原始答卷": 1}
	got := map[string]int{}
	for _, p := range pages {
		got[p.sheet]++
		if p.sheet == exports.SheetDistribution && !strings.Contains(p.text, "选项") {
			t.Errorf("a page of 题目分布 without its header row:\n%s", p.text)
		}
	}
	if len(pages) != 9 || !equalCounts(got, want) {
		t.Errorf("printed pages by sheet %v (%d pages), want %v", got, len(pages), want)
	}
	if !strings.Contains(pages[1].text, "综合得分") || strings.Contains(pages[1].text, "计分方法") {
		t.Errorf("汇总's second page is not the chart alone:\n%s", pages[1].text)
	}
}

// printedPage is one page of a PDF: the sheet it prints and its text.
type printedPage struct{ sheet, text string }

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// printedPages converts a workbook to PDF with LibreOffice and names the
// sheet of each page, read from the page header (which ends with the sheet
// name). Skipped without soffice and pdftotext outside CI.
func printedPages(t *testing.T, data []byte, title string) []printedPage {
	t.Helper()
	soffice, err1 := exec.LookPath("soffice")
	pdftotext, err2 := exec.LookPath("pdftotext")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice or pdftotext is not installed (apt-get install -y libreoffice-calc-nogui poppler-utils)")
		}
		t.Skip("soffice or pdftotext is not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "scorecard.xlsx")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	pdf := filepath.Join(dir, "scorecard.pdf")
	if out := os.Getenv("MINYI_SCREENSHOTS"); out != "" {
		b, _ := os.ReadFile(pdf)
		_ = os.WriteFile(filepath.Join(out, "scorecard.pdf"), b, 0o644)
		_ = os.WriteFile(filepath.Join(out, "scorecard.xlsx"), data, 0o644)
	}
	text, err := exec.CommandContext(ctx, pdftotext, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var out []printedPage
	for _, page := range strings.Split(strings.TrimRight(string(text), "\f\n"), "\f") {
		name := ""
		for _, line := range strings.Split(page, "\n") {
			// The page header: the survey's title on the left, the sheet's
			// name on the right.
			if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == title {
				name = fields[len(fields)-1]
				break
			}
		}
		out = append(out, printedPage{name, page})
	}
	return out
}
