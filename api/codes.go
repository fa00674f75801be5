package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/exports"
	"minyi/reports"
	"minyi/surveys"
)

// DefaultBaseURL is the public address QR codes point to when
// Options.BaseURL is empty: a QR code needs an absolute link.
const DefaultBaseURL = "http://localhost:8080"

var errNoSlugYet = minyi.E(minyi.ErrConflict, "survey_not_published", "测评发布后才有参与链接和二维码")

// codesInput asks for count new codes for one rater group.
type codesInput struct {
	Count      int    `json:"count"`
	RaterGroup string `json:"rater_group"`
}

type codesIssued struct {
	Codes      []string `json:"codes"` // grouped for reading aloud: ABCD-EFGH-JK
	RaterGroup string   `json:"rater_group"`
	Count      int      `json:"count"`
}

// issueCodes creates ballot codes. They are shown in clear only here and on
// the printable sheet; the store keeps a hash and a sealed copy.
func (s *Server) issueCodes(c *gin.Context) error {
	var in codesInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	codes, err := s.issue(c, c.Param("id"), in)
	if err != nil {
		return err
	}
	out := codesIssued{Codes: make([]string, len(codes)), RaterGroup: in.RaterGroup, Count: len(codes)}
	for i, code := range codes {
		out.Codes[i] = surveys.FormatCode(code)
	}
	c.JSON(http.StatusCreated, out)
	return nil
}

// issue creates in.Count codes for survey id and audits it; the API and
// the /admin/surveys/{id} form share it.
func (s *Server) issue(c *gin.Context, id string, in codesInput) ([]string, error) {
	sv, err := s.surveys.Get(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	codes, err := s.codes.Issue(c.Request.Context(), sv, in.RaterGroup, in.Count)
	if err != nil {
		return nil, err
	}
	s.audit(c, "codes.issue", "survey", sv.ID, fmt.Sprintf("为测评「%s」的评价群体 %s 生成投票码 %d 个", sv.Title, in.RaterGroup, len(codes)))
	return codes, nil
}

// groupCount is one rater group's issued and used codes.
type groupCount struct {
	RaterGroup string `json:"rater_group"`
	Name       string `json:"name"`
	surveys.CodeCount
}

// codeCounts answers issued-vs-used per rater group, in the survey's group
// order (groups without codes show zeros).
func (s *Server) codeCounts(c *gin.Context) error {
	sv, err := s.surveys.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	items, total, err := s.groupCounts(c.Request.Context(), sv)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, codeCountList{Items: items, Total: total})
	return nil
}

// groupCounts is issued-vs-used per rater group of sv, in its group order,
// and the totals.
func (s *Server) groupCounts(ctx context.Context, sv *surveys.Survey) ([]groupCount, surveys.CodeCount, error) {
	var total surveys.CodeCount
	counts, err := s.codes.Counts(ctx, sv.ID)
	if err != nil {
		return nil, total, err
	}
	items := []groupCount{}
	for _, g := range sv.RaterGroups {
		n := counts[g.Key]
		items = append(items, groupCount{RaterGroup: g.Key, Name: g.Name, CodeCount: n})
		total.Issued += n.Issued
		total.Used += n.Used
	}
	return items, total, nil
}

// printCards reads the survey and the codes to print: its unused codes
// (all with ?all=true; one group with ?rater_group=), each with the link its
// QR code holds, sorted by group then code. QR images are left to the
// format, which needs them in different sizes and numbers.
func (s *Server) printCards(c *gin.Context) (*surveys.Survey, []exports.CodeCard, error) {
	ctx := c.Request.Context()
	sv, err := s.surveys.Get(ctx, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	if sv.Slug == "" {
		return nil, nil, errNoSlugYet
	}
	group := c.Query("rater_group")
	if _, ok := sv.RaterGroup(group); group != "" && !ok {
		var fe minyi.FieldErrors
		fe.Add("rater_group", "unknown_group", "评价群体不存在")
		return nil, nil, fe.Err()
	}
	codes, err := s.codes.Reveal(ctx, sv.ID, group, c.Query("all") != "true")
	if err != nil {
		return nil, nil, err
	}
	cards := make([]exports.CodeCard, len(codes))
	for i, code := range codes {
		name := code.RaterGroup
		if g, ok := sv.RaterGroup(code.RaterGroup); ok {
			name = g.Name
		}
		cards[i] = exports.CodeCard{
			Code: surveys.FormatCode(code.Code), Group: name, GroupKey: code.RaterGroup,
			URL: s.publicLink(sv) + "?code=" + url.QueryEscape(code.Code),
		}
	}
	return sv, cards, nil
}

// withQR fills the cards' QR images, module pixels a module.
func withQR(cards []exports.CodeCard, module int) error {
	links := make([]string, len(cards))
	for i := range cards {
		links[i] = cards[i].URL
	}
	pngs, err := exports.QRPNGs(links, module)
	if err != nil {
		return err
	}
	for i := range cards {
		cards[i].QR = pngs[i]
	}
	return nil
}

// codesSheet is the printable workbook of the survey's codes (see
// printCards), each with its QR code.
func (s *Server) codesSheet(c *gin.Context) error {
	sv, cards, err := s.printCards(c)
	if err != nil {
		return err
	}
	if err := withQR(cards, 4); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteCodeSheet(&buf, exports.CodeSheet{Title: sv.Title, Cards: cards}); err != nil {
		return err
	}
	attachment(c, "ballot-codes.xlsx", fmt.Sprintf("投票码-%s.xlsx", sv.Title))
	s.audit(c, "export.download", "survey", sv.ID, fmt.Sprintf("下载测评「%s」的投票码表（%d 个）", sv.Title, len(cards)))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	return nil
}

// codesPNG is one printable A4 page (300 dpi) of the survey's codes (see
// printCards): exports.CodesPerPage a page, ?page=N (from 1) for the
// others; X-Page-Count tells how many there are. QR images are made at one
// pixel a module and scaled by whole pixels on the page.
func (s *Server) codesPNG(c *gin.Context) error {
	sv, cards, err := s.printCards(c)
	if err != nil {
		return err
	}
	pages := exports.CodePages(len(cards))
	n, err := queryInt(c, "page", 1, 1, pages)
	if err != nil {
		return err
	}
	lo, hi := exports.PageCards(len(cards), n)
	cards = cards[lo:hi]
	if err := withQR(cards, 1); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteCodePagePNG(&buf, exports.CodePage{Cards: cards, Footer: s.publicLink(sv), Number: n, Count: pages}); err != nil {
		return err
	}
	c.Header("X-Page-Count", strconv.Itoa(pages))
	attachment(c, fmt.Sprintf("ballot-codes-%d.png", n), fmt.Sprintf("投票码-%s-第%d页.png", sv.Title, n))
	s.audit(c, "export.download", "survey", sv.ID, fmt.Sprintf("下载测评「%s」的投票码图片第%d/%d页（%d 个）", sv.Title, n, pages, len(cards)))
	c.Data(http.StatusOK, "image/png", buf.Bytes())
	return nil
}

// codesPDF is every page of codesPNG in one PDF, for printing at once.
func (s *Server) codesPDF(c *gin.Context) error {
	sv, cards, err := s.printCards(c)
	if err != nil {
		return err
	}
	if err := withQR(cards, 1); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteCodeSheetPDF(&buf, exports.CodeSheet{Title: sv.Title, Cards: cards}, s.publicLink(sv)); err != nil {
		return err
	}
	attachment(c, "ballot-codes.pdf", fmt.Sprintf("投票码-%s.pdf", sv.Title))
	s.audit(c, "export.download", "survey", sv.ID, fmt.Sprintf("下载测评「%s」的投票码 PDF（%d 个，%d 页）", sv.Title, len(cards), exports.CodePages(len(cards))))
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	return nil
}

// surveyQR is the QR code of the survey's public link, for posters.
func (s *Server) surveyQR(c *gin.Context) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	if sv.Slug == "" {
		return errNoSlugYet
	}
	size, err := queryInt(c, "module", 8, 2, 32)
	if err != nil {
		return err
	}
	png, err := exports.QRPNG(s.publicLink(sv), size)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "image/png", png)
	return nil
}

// publicLink is the absolute link residents open.
func (s *Server) publicLink(sv *surveys.Survey) string {
	return s.baseURL + publicPath(sv.Slug)
}

// attachment names a download: an ASCII fallback and the Chinese name.
func attachment(c *gin.Context, ascii, name string) {
	c.Header("Content-Disposition", reports.ContentDisposition(name, ascii))
}
