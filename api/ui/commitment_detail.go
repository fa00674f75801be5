package ui

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/commitments"
)

var errNoFile = func() error {
	var fe minyi.FieldErrors
	fe.Add("file", "required", "请选择要导入的承诺文件（.xlsx）")
	return fe.Err()
}()

func itoa(n int) string { return strconv.Itoa(n) }

type cmDetailView struct {
	*commitments.Detail
	AreaLabel, StatusLabel, OutcomeLabel, PeriodLabel string
	OwnerType                                         string
	Areas                                             []option
	History                                           []cmEvent
	CanAct, Editable, Reviewable, Deliverable, Over   bool
	Back, TargetHint, Done, Error                     string
	Errors                                            map[string]string
	Form                                              cmActionForm
}

type cmActionForm struct {
	Area, Content, Target, Due, Responsible, Reason, Percent, Note, Date, Outcome, Explanation string
}

type cmEvent struct {
	commitments.Event
	Label, When, What string
}

var eventLabels = map[string]string{
	commitments.EventCreate: "录入", commitments.EventEdit: "修改", commitments.EventSubmit: "提交审核",
	commitments.EventApprove: "审核通过", commitments.EventReturn: "退回", commitments.EventProgress: "进展",
	commitments.EventOutcome: "评定结果",
}

func (s *CommitmentPages) detailView(c *gin.Context, id string) (*cmDetailView, error) {
	d, err := s.ops.Get(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	p := httpx.Principal(c)
	v := &cmDetailView{Detail: d, AreaLabel: d.Area.Label(), StatusLabel: d.Status.Label(), PeriodLabel: commitments.PeriodLabel(d.Period),
		OwnerType: d.Owner.Type.Label(), Areas: areaOptions(), CanAct: p.Is(accounts.RoleSecretary), TargetHint: commitments.TargetHint,
		Back: "/commitments?org_id=" + d.OrgID + "&period=" + d.Period, Errors: map[string]string{}, Done: c.Query("done"),
		Over: d.Overdue(s.ops.Today())}
	if d.Outcome != "" {
		v.OutcomeLabel = d.Outcome.Label()
	}
	v.Editable = d.Status == commitments.StatusDraft || d.Status == commitments.StatusReturned
	v.Reviewable = d.Status == commitments.StatusSubmitted
	v.Deliverable = d.Status == commitments.StatusApproved
	v.Form = cmActionForm{Area: string(d.Area), Content: d.Content.Content, Target: d.Target, Due: d.Due, Responsible: d.Responsible,
		Percent: itoa(d.Percent), Date: s.ops.Today()}
	for _, e := range d.Events {
		ev := cmEvent{Event: e, Label: eventLabels[e.Kind], When: pageTime(e.At)}
		switch e.Kind {
		case commitments.EventSubmit:
			ev.What = "第" + itoa(e.Version) + "版：" + e.Content.Content + "（目标：" + e.Content.Target + "）"
		case commitments.EventReturn:
			ev.What = "理由：" + e.Reason
		case commitments.EventApprove:
			ev.What = e.Reason
		case commitments.EventProgress:
			ev.What = e.Date + " 完成 " + itoa(e.Percent) + "%：" + e.Note
		case commitments.EventOutcome:
			ev.What = e.Outcome.Label() + "　" + e.Explanation
		case commitments.EventCreate, commitments.EventEdit:
			if e.Content != nil {
				ev.What = e.Content.Content
			}
		}
		v.History = append(v.History, ev)
	}
	return v, nil
}

func (s *CommitmentPages) DetailPage(c *gin.Context) error {
	v, err := s.detailView(c, c.Param("id"))
	if err != nil {
		return err
	}
	return s.pages.Render(c, http.StatusOK, "commitment", PageView{Title: "承诺详情", Data: v})
}

// ActionPost takes one step from the detail page's forms (edit, submit,
// review, progress, outcome) and shows the commitment again: with a
// confirmation, or with what to fix.
func (s *CommitmentPages) ActionPost(c *gin.Context) error {
	id, action := c.Param("id"), c.Param("action")
	ctx := c.Request.Context()
	f := cmActionForm{Area: c.PostForm("area"), Content: c.PostForm("content"), Target: c.PostForm("target"), Due: c.PostForm("due"),
		Responsible: c.PostForm("responsible"), Reason: c.PostForm("reason"), Percent: c.PostForm("percent"), Note: c.PostForm("note"),
		Date: c.PostForm("date"), Outcome: c.PostForm("outcome"), Explanation: c.PostForm("explanation")}
	var err error
	switch action {
	case "edit":
		area := commitments.Area(f.Area)
		_, err = s.ops.Update(ctx, id, commitments.Patch{Area: &area, Content: &f.Content, Target: &f.Target, Due: &f.Due, Responsible: &f.Responsible})
	case "submit":
		_, err = s.ops.Submit(ctx, id)
	case "review":
		_, err = s.ops.Review(ctx, id, c.PostForm("decision"), f.Reason)
	case "progress":
		pct, perr := strconv.Atoi(f.Percent)
		if perr != nil {
			pct = -1
		}
		_, err = s.ops.Progress(ctx, id, commitments.ProgressInput{Percent: pct, Note: f.Note, Date: f.Date})
	case "outcome":
		_, err = s.ops.SetOutcome(ctx, id, commitments.Outcome(f.Outcome), f.Explanation)
	default:
		return minyi.NotFound("route_not_found", "页面")
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/commitments/"+id+"?done="+action)
		return nil
	}
	status, fields, detail, ferr := formFailure(c, err)
	if ferr != nil {
		return ferr
	}
	if status == http.StatusNotFound {
		return err
	}
	v, verr := s.detailView(c, id)
	if verr != nil {
		return verr
	}
	keep := v.Form
	v.Form = f
	if action != "edit" {
		v.Form.Area, v.Form.Content, v.Form.Target, v.Form.Due, v.Form.Responsible = keep.Area, keep.Content, keep.Target, keep.Due, keep.Responsible
	}
	v.Errors, v.Error = fields, detail.Message
	return s.pages.Render(c, status, "commitment", PageView{Title: "承诺详情", Data: v})
}
