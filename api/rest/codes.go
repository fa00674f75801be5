package rest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/exports"
	"minyi/surveys"
)

var errNoSlugYet = minyi.E(minyi.ErrConflict, "survey_not_published", "测评发布后才有参与链接和二维码")

// CodesInput asks for count new codes for one rater group.
type CodesInput struct {
	Count      int    `json:"count"`
	RaterGroup string `json:"rater_group"`
	OrgID      string `json:"org_id" doc:"只评议该组织（含下级）的对象"`
	PerMember  string `json:"per_member" enum:"self,peer" doc:"每名党员一个码：self 只评本人，peer 评除本人外的所有人"`
}

type CodesIssued struct {
	Codes      []string       `json:"codes"` // grouped for reading aloud: ABCD-EFGH-JK
	RaterGroup string         `json:"rater_group"`
	Count      int            `json:"count"`
	Personal   []PersonalCode `json:"personal,omitempty"` // per_member: whose code each is, in the order of codes
}

// PersonalCode is a per-member code and its holder.
type PersonalCode struct {
	Code     string `json:"code"`
	MemberID string `json:"member_id"`
}

// issueCodes creates ballot codes. They are shown in clear only here and on
// the printable sheet; the store keeps a hash and a sealed copy.
func (s *Codes) IssueCodes(c *gin.Context) error {
	var in CodesInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	codes, err := s.svOps.IssueCodesFor(c.Request.Context(), c.Param("id"),
		surveys.CodeRequest{Count: in.Count, RaterGroup: in.RaterGroup, OrgID: in.OrgID, PerMember: in.PerMember})
	if err != nil {
		return err
	}
	out := CodesIssued{Codes: make([]string, len(codes)), RaterGroup: in.RaterGroup, Count: len(codes)}
	for i, code := range codes {
		out.Codes[i] = surveys.FormatCode(code.Code)
		if code.MemberID != "" {
			out.Personal = append(out.Personal, PersonalCode{Code: out.Codes[i], MemberID: code.MemberID})
		}
	}
	c.JSON(http.StatusCreated, out)
	return nil
}

// codeCounts answers issued-vs-used per rater group, in the survey's group
// order (groups without codes show zeros).
func (s *Codes) CodeCounts(c *gin.Context) error {
	sv, err := s.surveys.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	items, total, err := httpx.GroupCounts(c.Request.Context(), s.codes, sv)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, CodeCountList{Items: items, Total: total})
	return nil
}

// printCards reads the survey and the codes to print: its unused codes
// (all with ?all=true; one group with ?rater_group=), each with the link its
// QR code holds, sorted by group then code. QR images are left to the
// format, which needs them in different sizes and numbers.
func (s *Codes) printCards(c *gin.Context) (*surveys.Survey, []exports.CodeCard, error) {
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
			Code: surveys.FormatCode(code.Code), Group: name, GroupKey: code.RaterGroup, Holder: holder(sv, code),
			URL: httpx.PublicLink(c, s.baseURL, sv) + "?code=" + url.QueryEscape(code.Code),
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
func (s *Codes) CodesSheet(c *gin.Context) error {
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
	httpx.Attachment(c, "ballot-codes.xlsx", fmt.Sprintf("测评码-%s.xlsx", sv.Title))
	audit(c, s.auditor, "export.download", "survey", sv.ID, fmt.Sprintf("下载测评「%s」的测评码表（%d 个）", sv.Title, len(cards)))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	return nil
}

// codesPNG is one printable A4 page (300 dpi) of the survey's codes (see
// printCards): exports.CodesPerPage a page, ?page=N (from 1) for the
// others; X-Page-Count tells how many there are. QR images are made at one
// pixel a module and scaled by whole pixels on the page.
func (s *Codes) CodesPNG(c *gin.Context) error {
	sv, cards, err := s.printCards(c)
	if err != nil {
		return err
	}
	pages := exports.CodePages(cards)
	n, err := httpx.QueryInt(c, "page", 1, 1, pages)
	if err != nil {
		return err
	}
	lo, hi := exports.PageCards(cards, n)
	cards = cards[lo:hi]
	if err := withQR(cards, 1); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteCodePagePNG(&buf, exports.CodePage{Title: sv.Title, Cards: cards, Footer: httpx.PublicLink(c, s.baseURL, sv), Number: n, Count: pages}); err != nil {
		return err
	}
	c.Header("X-Page-Count", strconv.Itoa(pages))
	httpx.Attachment(c, fmt.Sprintf("ballot-codes-%d.png", n), fmt.Sprintf("测评码-%s-第%d页.png", sv.Title, n))
	audit(c, s.auditor, "export.download", "survey", sv.ID, fmt.Sprintf("下载测评「%s」的测评码图片第%d/%d页（%d 个）", sv.Title, n, pages, len(cards)))
	c.Data(http.StatusOK, "image/png", buf.Bytes())
	return nil
}

// codesPDF is every page of codesPNG in one PDF, for printing at once.
func (s *Codes) CodesPDF(c *gin.Context) error {
	sv, cards, err := s.printCards(c)
	if err != nil {
		return err
	}
	if err := withQR(cards, 1); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteCodeSheetPDF(&buf, exports.CodeSheet{Title: sv.Title, Cards: cards}, httpx.PublicLink(c, s.baseURL, sv)); err != nil {
		return err
	}
	httpx.Attachment(c, "ballot-codes.pdf", fmt.Sprintf("测评码-%s.pdf", sv.Title))
	audit(c, s.auditor, "export.download", "survey", sv.ID, fmt.Sprintf("下载测评「%s」的测评码 PDF（%d 个，%d 页）", sv.Title, len(cards), exports.CodePages(cards)))
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	return nil
}

// surveyQR is the QR code of the survey's public link, for posters.
func (s *Codes) SurveyQR(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	if sv.Slug == "" {
		return errNoSlugYet
	}
	size, err := httpx.QueryInt(c, "module", 8, 2, 32)
	if err != nil {
		return err
	}
	png, err := exports.QRPNG(httpx.PublicLink(c, s.baseURL, sv), size)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "image/png", png)
	return nil
}

// holder names a personal code's member on its card.
func holder(sv *surveys.Survey, code surveys.IssuedCode) string {
	if code.MemberID == "" {
		return ""
	}
	name := code.MemberID
	if sub, ok := sv.Subject(code.MemberID); ok {
		name = sub.Name
	}
	if code.PerMember == surveys.PerMemberSelf {
		return "本人：" + name
	}
	return "互评（" + name + "）"
}
