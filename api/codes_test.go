package api_test

import (
	"bytes"
	"image/png"
	"net/http"
	"regexp"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/surveys"
)

type codesAnswer struct {
	Codes      []string `json:"codes"`
	RaterGroup string   `json:"rater_group"`
	Count      int      `json:"count"`
}

type countsAnswer struct {
	Items []struct {
		RaterGroup string `json:"rater_group"`
		Name       string `json:"name"`
		Issued     int    `json:"issued"`
		Used       int    `json:"used"`
	} `json:"items"`
	Total surveys.CodeCount `json:"total"`
}

func TestIssueAndPrintCodes(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	e.member("张建国", o.zb1.ID)
	e.member("李秀英", o.zb1.ID)
	// The appraisal template is answered with codes.
	sv := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal, map[string]any{"org_id": o.zb1.ID}), http.StatusCreated)
	codesURL := "/api/v1/surveys/" + sv.ID + "/codes"

	// Codes may be issued before publishing, but printed only after.
	got := decode[codesAnswer](t, e.do(http.MethodPost, codesURL, map[string]any{"count": 3, "rater_group": "members"}), http.StatusCreated)
	grouped := regexp.MustCompile(`^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$`)
	if got.Count != 3 || len(got.Codes) != 3 || got.RaterGroup != "members" {
		t.Fatalf("issued %+v", got)
	}
	for _, c := range got.Codes {
		if !grouped.MatchString(c) {
			t.Fatalf("code %q not grouped from the alphabet", c)
		}
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/codes.xlsx", nil), http.StatusConflict, "survey_not_published")
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/qr.png", nil), http.StatusConflict, "survey_not_published")

	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusOK)
	masses := decode[codesAnswer](t, e.do(http.MethodPost, codesURL, map[string]any{"count": 2, "rater_group": "masses"}), http.StatusCreated)

	counts := decode[countsAnswer](t, e.do(http.MethodGet, codesURL, nil), http.StatusOK)
	if len(counts.Items) != 4 || counts.Items[1].RaterGroup != "members" || counts.Items[1].Issued != 3 || counts.Items[2].Issued != 2 ||
		counts.Items[0].Issued != 0 || counts.Total != (surveys.CodeCount{Issued: 5}) {
		t.Fatalf("counts %+v", counts)
	}

	for _, tc := range []struct {
		body   map[string]any
		status int
		field  string
	}{
		{map[string]any{"count": 0, "rater_group": "masses"}, http.StatusUnprocessableEntity, "count"},
		{map[string]any{"count": 5001, "rater_group": "masses"}, http.StatusUnprocessableEntity, "count"},
		{map[string]any{"count": 1, "rater_group": "cadres"}, http.StatusUnprocessableEntity, "rater_group"},
		{map[string]any{"count": "3", "rater_group": "masses"}, http.StatusUnprocessableEntity, "count"},
	} {
		wantError(t, e.do(http.MethodPost, codesURL, tc.body), tc.status, "validation_failed", tc.field)
	}
	public := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys", validDef(orgSubject(o.zb1.ID))), http.StatusCreated)
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/"+public.ID+"/codes", map[string]any{"count": 1, "rater_group": "masses"}), http.StatusConflict, "survey_not_code_mode")
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/nope/codes", map[string]any{"count": 1, "rater_group": "masses"}), http.StatusNotFound, "survey_not_found")

	// The printable sheet: every code with its QR image, the list sheet
	// with the links the QR codes hold.
	w := e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/codes.xlsx", nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("codes.xlsx: %d %s", w.Code, w.Header())
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(exports.SheetCodeList)
	if err != nil {
		t.Fatal(err)
	}
	inSheet := map[string]string{}
	for _, r := range rows[1:] {
		inSheet[r[1]] = r[3]
	}
	all := append(append([]string{}, got.Codes...), masses.Codes...)
	if len(rows) != 6 || len(inSheet) != 5 {
		t.Fatalf("list rows %v", rows)
	}
	for _, c := range all {
		link, ok := inSheet[c]
		if want := testBaseURL + "/s/" + pub.Slug + "?code=" + surveys.NormalizeCode(c); !ok || link != want {
			t.Errorf("code %s: link %q, want %q", c, link, want)
		}
	}
	pics := 0
	for _, cell := range []string{"A2", "C2", "E2", "A7", "C7"} {
		p, err := f.GetPictures(exports.SheetCodeCards, cell)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 1 {
			if _, err := png.Decode(bytes.NewReader(p[0].File)); err != nil {
				t.Errorf("%s: picture is not a PNG: %v", cell, err)
			}
			pics++
		}
	}
	if pics != 5 {
		t.Errorf("%d QR pictures on the cards, want 5", pics)
	}
	w = e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/codes.xlsx?rater_group=masses", nil)
	f2, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if rows, _ := f2.GetRows(exports.SheetCodeList); len(rows) != 3 {
		t.Errorf("masses only: %d rows, want 3", len(rows))
	}

	// The public link's QR code.
	w = e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/qr.png", nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %d %s", w.Code, w.Header())
	}
	if _, err := png.Decode(bytes.NewReader(w.Body.Bytes())); err != nil {
		t.Fatalf("qr.png does not decode: %v", err)
	}
	// The encoder breaks ties between equally good masks by goroutine
	// order, so a text has a few valid encodings: qr.png must be one.
	same := false
	for try := 0; try < 40 && !same; try++ {
		want, err := exports.QRPNG(testBaseURL+"/s/"+pub.Slug, 8)
		if err != nil {
			t.Fatal(err)
		}
		same = bytes.Equal(w.Body.Bytes(), want)
	}
	if !same {
		t.Error("qr.png does not encode the public link")
	}

	// Closed: no more codes.
	decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/close", nil), http.StatusOK)
	wantError(t, e.do(http.MethodPost, codesURL, map[string]any{"count": 1, "rater_group": "masses"}), http.StatusConflict, "survey_closed")
}
