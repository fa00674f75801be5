package exports_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi"
	"minyi/exports"
	"minyi/surveys"
)

var update = flag.Bool("update-roster", false, "rewrite testdata/roster.xlsx")

const rosterFixture = "../testdata/roster.xlsx"

// sampleRoster is the content of testdata/roster.xlsx: two branches (codes
// ZB1, ZB2), eight members, the org given by code or by name, and a blank
// row 6 that the reader skips (so the rows after it keep their numbers).
var sampleRoster = [][]string{
	{"姓名", "所在支部", "职务", "预备党员"},
	{"张建国", "ZB1", "支部书记", "否"},
	{"李秀英", "ZB1", "组织委员", "否"},
	{"王志强", "第一党支部", "宣传委员", "否"},
	{"刘芳", "ZB1", "", "是"},
	{},
	{"陈明", "ZB2", "支部书记", "否"},
	{"杨丽", "第二党支部", "", "否"},
	{"赵磊", "ZB2", "", "是"},
	{"黄小红", "ZB2", "纪检委员", ""},
}

// writeWorkbook writes rows to a one-sheet workbook, row 1 first.
func writeWorkbook(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRosterFixture reads the shipped sample roster; `go test ./exports/
// -run RosterFixture -update-roster` regenerates it from sampleRoster.
func TestRosterFixture(t *testing.T) {
	if *update {
		if err := os.WriteFile(rosterFixture, writeWorkbook(t, sampleRoster), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(rosterFixture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := exports.ReadRoster(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var want []surveys.RosterRow
	for i, r := range sampleRoster[1:] {
		if len(r) == 0 {
			continue
		}
		want = append(want, surveys.RosterRow{Row: i + 2, Name: r[0], Org: r[1], Title: r[2], Probationary: r[3]})
	}
	if len(rows) != len(want) {
		t.Fatalf("read %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, rows[i], want[i])
		}
	}
	if rows[4].Row != 7 {
		t.Errorf("the row after the blank one is numbered %d, want 7", rows[4].Row)
	}
}

func TestReadRosterHeader(t *testing.T) {
	// Columns in another order, an alias, extra columns, spaces: all fine.
	rows, err := exports.ReadRoster(t.Context(), bytes.NewReader(writeWorkbook(t, [][]string{
		{"序号", " 预备党员 ", "所在党支部", "姓名"},
		{"1", "是", "ZB1", " 张三 "},
	})))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0] != (surveys.RosterRow{Row: 2, Name: "张三", Org: "ZB1", Probationary: "是"}) {
		t.Fatalf("rows %+v", rows)
	}

	for _, tc := range []struct {
		name string
		file []byte
		code string
		msg  string
	}{
		{"missing columns", writeWorkbook(t, [][]string{{"名字", "职务"}, {"张三", "书记"}}), "missing_column", "姓名"},
		{"empty workbook", writeWorkbook(t, nil), "empty", "表头"},
		{"not a workbook", []byte("姓名,所在支部\n张三,ZB1\n"), "invalid_file", ".xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := exports.ReadRoster(t.Context(), bytes.NewReader(tc.file))
			var me *minyi.Error
			if !errors.As(err, &me) || !errors.Is(err, minyi.ErrInvalid) {
				t.Fatalf("err %v, want a validation error", err)
			}
			if me.Fields[0].Field != "file" || me.Fields[0].Code != tc.code || !strings.Contains(me.Fields[0].Message, tc.msg) {
				t.Fatalf("fields %+v, want file/%s mentioning %q", me.Fields, tc.code, tc.msg)
			}
		})
	}
}
