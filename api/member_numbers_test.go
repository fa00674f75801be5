package api_test

import (
	"net/http"
	"strings"
	"testing"

	"minyi/surveys"
)

// TestSameNameMembersWithNumbers: two 王芳 in one branch import when their
// numbers differ; the same file again changes nothing (matched by number);
// a same-name row without a number is explained; a number is unique in the
// tree; the ballot page shows the number next to same-name members.
func TestSameNameMembersWithNumbers(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	file := workbook(t, [][]string{
		{"姓名", "所在支部", "职务", "预备党员", "党员编号"},
		{"王芳", "ZB1", "支部书记", "否", "2026001"},
		{"王芳", "ZB1", "", "否", "2026002"},
		{"李强", "ZB1", "", "", ""},
	})
	res := decode[importResult](t, e.upload("/api/v1/members/import", file), http.StatusOK)
	if res.Created != 3 || len(res.Errors) != 0 {
		t.Fatalf("import %+v, want 3 created", res)
	}
	res = decode[importResult](t, e.upload("/api/v1/members/import", file), http.StatusOK)
	if res.Created != 0 || res.Unchanged != 3 {
		t.Fatalf("re-import %+v, want 3 unchanged", res)
	}
	// Renamed in the file, matched by number: an update, not a new member.
	renamed := workbook(t, [][]string{{"姓名", "所在支部", "党员编号"}, {"王芳芳", "ZB2", "2026002"}})
	res = decode[importResult](t, e.upload("/api/v1/members/import", renamed), http.StatusOK)
	if res.Created != 0 || res.Updated != 1 {
		t.Fatalf("renamed by number %+v, want 1 updated", res)
	}
	back := workbook(t, [][]string{{"姓名", "所在支部", "党员编号"}, {"王芳", "ZB1", "2026002"}})
	decode[importResult](t, e.upload("/api/v1/members/import", back), http.StatusOK)

	// Without numbers, two 王芳 rows cannot be told apart.
	ambiguous := workbook(t, [][]string{{"姓名", "所在支部"}, {"王芳", "ZB1"}})
	w := e.upload("/api/v1/members/import", ambiguous)
	ae := wantError(t, w, http.StatusUnprocessableEntity, "import_rejected", "rows[2]")
	if !strings.Contains(ae.Error.Fields[0].Message, "已有2名“王芳”") {
		t.Fatalf("message %q does not explain the two 王芳", ae.Error.Fields[0].Message)
	}
	twice := workbook(t, [][]string{{"姓名", "所在支部"}, {"张伟", "ZB2"}, {"张伟", "ZB2"}})
	ae = wantError(t, e.upload("/api/v1/members/import", twice), http.StatusUnprocessableEntity, "import_rejected", "rows[3]")
	if !strings.Contains(ae.Error.Fields[0].Message, "与第2行重复") {
		t.Fatalf("message %q", ae.Error.Fields[0].Message)
	}

	// By hand: a second 李强 needs a number; a number is unique.
	wantError(t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": "李强", "org_id": o.zb1.ID}), http.StatusConflict, "member_exists", "name")
	decode[surveys.Member](t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": "李强", "org_id": o.zb1.ID, "number": "2026003"}), http.StatusCreated)
	wantError(t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": "赵六", "org_id": o.zb2.ID, "number": "2026003"}), http.StatusConflict, "number_taken", "number")

	// The ballot page tells the two 王芳 apart.
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{
		"title": "民主评议", "kind": "appraisal", "subjects": []map[string]any{{"type": "org_members", "id": o.zb1.ID}},
		"rater_groups": []map[string]any{{"key": "members", "name": "党员", "weight": 1}},
		"questions": []map[string]any{{"key": "grade", "type": "single", "title": "评议等次", "required": true, "per_subject": true,
			"options": []map[string]any{{"key": "a", "label": "优秀", "score": 95}, {"key": "b", "label": "合格", "score": 80}}}},
	}), http.StatusCreated)
	pub := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv["id"].(string)+"/publish", nil), http.StatusOK)
	page := e.do(http.MethodGet, "/s/"+pub["slug"].(string), nil, "Authorization", "").Body.String()
	for _, want := range []string{"王芳", "2026001", "2026002"} {
		if !strings.Contains(page, want) {
			t.Errorf("ballot page lacks %q", want)
		}
	}
}
