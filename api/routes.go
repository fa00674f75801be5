package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/api/ui"
	"minyi/assessments"
	"minyi/commitments"
	"minyi/feedback"
	"minyi/reports"
	"minyi/surveys"
)

// route is one API endpoint and what the OpenAPI document says of it.
type route struct {
	method  string
	path    string // under /api/v1, gin syntax (:id)
	summary string // Chinese, for people reading the document
	tag     string
	public  bool            // no credentials needed
	roles   []accounts.Role // besides admin, who may call it
	body    any             // request body type, for the schema
	maxBody int64           // overrides the default body limit
	form    bool            // body also accepted as a URL-encoded form
	upload  string          // multipart/form-data file field, instead of a JSON body
	query   any             // query parameters: a struct of form tags (rest/params.go)
	status  []int           // success statuses; 200 when empty
	resp    any             // the JSON type the handler writes on success
	file    string          // content type of a file written instead of JSON
	errs    []int           // error statuses besides those every route implies (openapi.go)
	handler handlerFunc
}

// Role sets used below. Admins pass every check.
var (
	adminOnly   = []accounts.Role{}
	readers     = []accounts.Role{accounts.RoleLeader, accounts.RoleSecretary}
	operators   = []accounts.Role{accounts.RoleOperator}
	everyone    = []accounts.Role{accounts.RoleLeader, accounts.RoleOperator, accounts.RoleSecretary}
	secretaries = []accounts.Role{accounts.RoleSecretary}
	woReaders   = []accounts.Role{accounts.RoleOperator, accounts.RoleLeader} // the all-orders list and the detail pages
)

// Success statuses and error statuses used below.
var (
	created           = []int{http.StatusCreated}
	accepted          = []int{http.StatusAccepted}
	noContent         = []int{http.StatusNoContent}
	createdOrReplayed = []int{http.StatusCreated, http.StatusOK}       // 200: the same submission_id again
	signedIn          = []int{http.StatusCreated, http.StatusSeeOther} // 303: a form login redirects
	conflict          = []int{http.StatusConflict}
	gone              = []int{http.StatusGone}
	limited           = []int{http.StatusTooManyRequests}
	usedOrClosed      = []int{http.StatusConflict, http.StatusGone}                             // a used code; a closed survey
	submitErrs        = []int{http.StatusConflict, http.StatusGone, http.StatusTooManyRequests} // and the per-client limit
	signInErrs        = []int{http.StatusUnauthorized, http.StatusTooManyRequests}
)

const (
	pngType = "image/png"
	pdfType = "application/pdf"
)

// registerRoutes is the whole HTTP surface on one screen.
func (s *Server) registerRoutes() {
	e, j, u := s.engine, s.rest, s.ui
	e.GET("/healthz", s.h(s.healthz))
	e.GET("/readyz", s.h(s.readyz))
	e.GET("/metrics", s.metricsAuth, gin.WrapH(s.metrics.handler()))
	e.GET("/api/v1/openapi.json", s.h(s.openapi))
	e.GET("/static/*filepath", ui.Static())

	// Organisations and members (rest.Orgs, rest.Members).
	s.add(route{method: http.MethodPost, path: "/orgs", summary: "创建组织", tag: "orgs", roles: adminOnly, body: rest.OrgInput{}, status: created, resp: surveys.Org{}, errs: conflict, handler: j.Orgs.CreateOrg})
	s.add(route{method: http.MethodGet, path: "/orgs", summary: "组织树", tag: "orgs", roles: everyone, resp: httpx.Items[*httpx.OrgNode]{}, handler: j.Orgs.ListOrgs})
	s.add(route{method: http.MethodGet, path: "/orgs/:id", summary: "查看组织", tag: "orgs", roles: everyone, resp: surveys.Org{}, handler: j.Orgs.GetOrg})
	s.add(route{method: http.MethodPatch, path: "/orgs/:id", summary: "修改组织", tag: "orgs", roles: adminOnly, body: rest.OrgPatch{}, resp: surveys.Org{}, errs: conflict, handler: j.Orgs.PatchOrg})
	s.add(route{method: http.MethodDelete, path: "/orgs/:id", summary: "删除组织（无下级、无党员时）", tag: "orgs", roles: adminOnly, status: noContent, errs: conflict, handler: j.Orgs.DeleteOrg})
	s.add(route{method: http.MethodPost, path: "/members", summary: "添加党员", tag: "members", roles: adminOnly, body: rest.MemberInput{}, status: created, resp: surveys.Member{}, errs: conflict, handler: j.Members.CreateMember})
	s.add(route{method: http.MethodGet, path: "/members", summary: "党员名册（?org_id= 含下级组织，?q= 按姓名）", tag: "members", roles: everyone, query: rest.MemberParams{}, resp: httpx.List[surveys.Member]{}, handler: j.Members.ListMembers})
	s.add(route{method: http.MethodPost, path: "/members/import", summary: "导入党员名册（multipart 字段 file，.xlsx；?partial=true 只导入正确的行；?dry_run=true 只检查、不保存）", tag: "members", roles: adminOnly, maxBody: rest.RosterMaxBody, query: rest.ImportParams{}, upload: "file", resp: surveys.ImportResult{}, handler: j.Members.ImportMembers})
	s.add(route{method: http.MethodGet, path: "/members/import/template.xlsx", summary: "下载党员名册模板（名册、填写说明、组织编码）", tag: "members", roles: adminOnly, file: httpx.XLSXType, handler: j.Members.RosterTemplate})
	s.add(route{method: http.MethodGet, path: "/members/:id", summary: "查看党员", tag: "members", roles: everyone, resp: surveys.Member{}, handler: j.Members.GetMember})
	s.add(route{method: http.MethodPatch, path: "/members/:id", summary: "修改党员", tag: "members", roles: adminOnly, body: rest.MemberPatch{}, resp: surveys.Member{}, errs: conflict, handler: j.Members.PatchMember})
	s.add(route{method: http.MethodDelete, path: "/members/:id", summary: "删除党员", tag: "members", roles: adminOnly, status: noContent, handler: j.Members.DeleteMember})

	// Survey definitions, templates, ballot codes and QR codes (rest.Surveys, rest.Codes).
	s.add(route{method: http.MethodPost, path: "/surveys", summary: "创建测评（草稿）", tag: "surveys", roles: adminOnly, body: rest.SurveyInput{}, status: created, resp: surveys.Survey{}, handler: j.Surveys.CreateSurvey})
	s.add(route{method: http.MethodGet, path: "/surveys", summary: "测评列表（新到旧，?status= 筛选）", tag: "surveys", roles: everyone, query: rest.SurveyListParams{}, resp: httpx.List[surveys.Survey]{}, handler: j.Surveys.ListSurveys})
	s.add(route{method: http.MethodGet, path: "/surveys/templates", summary: "测评模板列表", tag: "surveys", roles: everyone, resp: httpx.Items[surveys.TemplateInfo]{}, handler: j.Surveys.ListTemplates})
	s.add(route{method: http.MethodPost, path: "/surveys/templates/:key", summary: "用模板创建测评草稿", tag: "surveys", roles: adminOnly, body: rest.TemplateInput{}, status: created, resp: surveys.Survey{}, handler: j.Surveys.CreateFromTemplate})
	s.add(route{method: http.MethodGet, path: "/surveys/:id", summary: "查看测评", tag: "surveys", roles: everyone, resp: surveys.Survey{}, handler: j.Surveys.GetSurvey})
	s.add(route{method: http.MethodPatch, path: "/surveys/:id", summary: "修改测评（发布后只能改标题、说明、结束时间）", tag: "surveys", roles: adminOnly, body: rest.SurveyPatch{}, resp: surveys.Survey{}, errs: conflict, handler: j.Surveys.PatchSurvey})
	s.add(route{method: http.MethodDelete, path: "/surveys/:id", summary: "删除测评草稿（及其测评码；已发布或已结束的不能删除）", tag: "surveys", roles: adminOnly, status: noContent, errs: conflict, handler: j.Surveys.DeleteSurvey})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/publish", summary: "发布测评（冻结定义，生成链接）", tag: "surveys", roles: adminOnly, resp: rest.Published{}, errs: conflict, handler: j.Surveys.PublishSurvey})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/close", summary: "结束测评", tag: "surveys", roles: adminOnly, resp: surveys.Survey{}, errs: conflict, handler: j.Surveys.CloseSurvey})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/codes", summary: "生成测评码（可按组织、按人发放）", tag: "surveys", roles: adminOnly, body: rest.CodesInput{}, status: created, resp: rest.CodesIssued{}, errs: conflict, handler: j.Codes.IssueCodes})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes", summary: "测评码发放与使用情况（按评价群体）", tag: "surveys", roles: adminOnly, resp: rest.CodeCountList{}, handler: j.Codes.CodeCounts})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes.xlsx", summary: "打印测评码（含二维码，可裁剪；投票开始后不再提供）", tag: "surveys", roles: adminOnly, query: rest.PrintParams{}, file: httpx.XLSXType, errs: conflict, handler: j.Codes.CodesSheet})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes.png", summary: "打印测评码（A4 图片，300 dpi，每页 20 个，?page= 翻页，X-Page-Count 为总页数）", tag: "surveys", roles: adminOnly, query: rest.PrintPageParams{}, file: pngType, errs: conflict, handler: j.Codes.CodesPNG})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes.pdf", summary: "打印测评码（A4 PDF，每页 20 个，含全部页）", tag: "surveys", roles: adminOnly, query: rest.PrintParams{}, file: pdfType, errs: conflict, handler: j.Codes.CodesPDF})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/qr.png", summary: "测评链接二维码", tag: "surveys", roles: everyone, query: rest.QrParams{}, file: pngType, handler: j.Codes.SurveyQR})

	// Ballots: public submission, operator entry, raw ballots (rest.Ballots), the ballot pages (ui.BallotPages).
	s.add(route{method: http.MethodGet, path: "/public/surveys/:slug", summary: "评议人看到的测评（不含计分细节）", tag: "ballots", public: true, query: rest.PublicSurveyParams{}, resp: httpx.PublicSurvey{}, errs: gone, handler: j.Ballots.GetPublicSurvey})
	s.add(route{method: http.MethodPost, path: "/public/surveys/:slug/ballots", summary: "提交答卷（群众、党员，经链接或二维码）", tag: "ballots", public: true, body: rest.BallotRequest{}, status: createdOrReplayed, resp: rest.ReceiptBody{}, errs: submitErrs, handler: j.Ballots.SubmitPublic})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/ballots", summary: "代录答卷（热线、纸质、走访）", tag: "ballots", roles: operators, body: rest.BallotRequest{}, status: createdOrReplayed, resp: rest.ReceiptBody{}, errs: usedOrClosed, handler: j.Ballots.SubmitOperator})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/ballots", summary: "原始答卷（分页）", tag: "ballots", roles: adminOnly, query: rest.PageParams{}, resp: httpx.List[surveys.Ballot]{}, handler: j.Ballots.ListBallots})
	// Ballot secrecy and stuffing signals (ballots issue): counts only.
	s.add(route{method: http.MethodGet, path: "/surveys/:id/signals", summary: "异常投票提示：重复设备、同一地址集中提交的答卷数", tag: "ballots", roles: adminOnly, resp: surveys.Signals{}, handler: j.Ballots.BallotSignals})
	s.addPage(http.MethodGet, "/s/:slug", true, nil, u.BallotPages.BallotForm)
	s.addPage(http.MethodPost, "/s/:slug", true, nil, u.BallotPages.BallotPost)
	s.addPage(http.MethodGet, "/operator/surveys/:id/ballot", false, operators, u.BallotPages.OperatorBallotForm)
	s.addPage(http.MethodPost, "/operator/surveys/:id/ballot", false, operators, u.BallotPages.OperatorBallotPost)

	// Results: scorecards from the tallies, final grades, free-text answers (rest.Results), the results page (ui.ResultPages).
	s.add(route{method: http.MethodGet, path: "/surveys/:id/results", summary: "测评结果（得分、排名、推荐等次、最终等次；?group= 按评价群体，?org_id= 按组织）", tag: "results", roles: readers, query: rest.ResultsParams{}, resp: analytics.Results{}, handler: j.Results.GetResults})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/results/rebuild", summary: "按全部答卷重新统计结果", tag: "results", roles: adminOnly, resp: rest.RebuiltResults{}, handler: j.Results.RebuildResults})
	s.add(route{method: http.MethodPut, path: "/surveys/:id/subjects/:subject_id/final-grade", summary: "确定测评对象的最终等次（须填理由，保留历史）", tag: "results", roles: secretaries, body: rest.FinalGradeInput{}, resp: analytics.FinalGradeRecord{}, handler: j.Results.SetFinalGrade})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/final-grades", summary: "最终等次记录（全部历史，最新的有效）", tag: "results", roles: readers, resp: httpx.Items[analytics.FinalGradeRecord]{}, handler: j.Results.ListFinalGrades})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/texts", summary: "文字题答案（?question= 必填，分页）", tag: "results", roles: httpx.TextReaders, query: rest.TextParams{}, resp: httpx.List[rest.TextItem]{}, handler: j.Results.ListTexts})
	// Scorecard workbooks and background exports (rest.Reports).
	s.add(route{method: http.MethodGet, path: "/surveys/:id/report.xlsx", summary: "下载测评结果 Excel（汇总、排名、题目分布、意见建议、原始答卷；按角色和组织范围取舍；?group= 按评价群体，?org_id= 按组织，同测评结果）", tag: "results", roles: readers, query: rest.ResultsParams{}, file: httpx.XLSXType, handler: j.Reports.GetReport})
	s.add(route{method: http.MethodPost, path: "/exports", summary: "后台导出（survey_report 测评结果，可按 group、org_id 筛选；ballots 原始答卷），返回 202 和任务编号", tag: "results", roles: readers, body: rest.ExportInput{}, status: accepted, resp: reports.Job{}, handler: j.Reports.CreateExport})
	s.add(route{method: http.MethodGet, path: "/exports/:id", summary: "后台导出进度（状态、百分比、已写答卷数）", tag: "results", roles: readers, resp: reports.Job{}, handler: j.Reports.GetExport})
	s.add(route{method: http.MethodGet, path: "/exports/:id/file", summary: "下载后台导出的文件（完成前 409）", tag: "results", roles: readers, file: httpx.XLSXType, errs: conflict, handler: j.Reports.GetExportFile})
	s.addPage(http.MethodGet, "/results/:id", false, readers, u.ResultPages.ResultsPage)
	s.addPage(http.MethodPost, "/results/:id/subjects/:subject_id/final-grade", false, secretaries, u.ResultPages.ResultsFinalGrade)
	s.addPage(http.MethodGet, "/results/:id/subjects/:subject_id", false, readers, u.ResultPages.ResultsSubjectPage)

	// Work orders: hotline feedback from the call to the callback (rest.WorkOrders, ui.WorkOrderPages).
	s.add(route{method: http.MethodPost, path: "/work-orders", summary: "受理工单（热线、来访、来信），返回编号、时限和可能重复的工单", tag: "work-orders", roles: operators, body: rest.WorkOrderInput{}, status: created, resp: rest.CreatedWorkOrder{}, handler: j.WorkOrders.CreateWorkOrder})
	s.add(route{method: http.MethodPost, path: "/public/work-orders", summary: "网上征询：群众提交意见（无需账号，按来源限频）", tag: "work-orders", public: true, body: rest.PublicWorkOrderInput{}, maxBody: 64 << 10, status: created, resp: rest.PublicWorkOrderReceipt{}, errs: limited, handler: j.WorkOrders.CreatePublicWorkOrder})
	s.add(route{method: http.MethodGet, path: "/work-orders", summary: "工单列表（按状态、组织、超期、时间、关键词或来电号码筛选；电话脱敏）", tag: "work-orders", roles: everyone, query: rest.WorkOrderListParams{}, resp: httpx.List[rest.WorkOrderView]{}, handler: j.WorkOrders.ListWorkOrders})
	s.add(route{method: http.MethodGet, path: "/work-orders/stats", summary: "工单统计：按类别和状态计数、按时办结率、满意率、重办数", tag: "work-orders", roles: everyone, query: rest.WorkOrderFilterParams{}, resp: rest.WorkOrderStats{}, handler: j.WorkOrders.GetWorkOrderStats})
	s.add(route{method: http.MethodGet, path: "/work-orders/report.xlsx", summary: "工单台账（Excel：工单台账、统计）", tag: "work-orders", roles: everyone, query: rest.WorkOrderFilterParams{}, file: httpx.XLSXType, handler: j.WorkOrders.GetWorkOrderReport})
	s.add(route{method: http.MethodGet, path: "/work-orders/:id", summary: "工单详情（含处理记录；管理员和接线员可见完整电话）", tag: "work-orders", roles: everyone, resp: rest.WorkOrderView{}, handler: j.WorkOrders.GetWorkOrder})
	s.add(route{method: http.MethodPost, path: "/work-orders/:id/events", summary: "工单流转：派单、签收、回退、延期、回复、办结、回访、重办、督办", tag: "work-orders", roles: everyone, body: rest.EventInput{}, status: created, resp: rest.EventView{}, errs: conflict, handler: j.WorkOrders.AddWorkOrderEvent})
	s.addPage(http.MethodGet, "/operator/work-orders/new", false, operators, u.WorkOrderPages.OperatorNewPage)
	s.addPage(http.MethodPost, "/operator/work-orders/new", false, operators, u.WorkOrderPages.SubmitOperatorNew)
	s.addPage(http.MethodGet, "/operator/work-orders", false, operators, u.WorkOrderPages.OperatorQueuePage)
	s.addPage(http.MethodPost, "/operator/work-orders/:id/events", false, operators, u.WorkOrderPages.SubmitQueueEvent("/operator/work-orders", u.WorkOrderPages.RenderOperatorQueue))
	s.addPage(http.MethodGet, "/branch/work-orders", false, secretaries, u.WorkOrderPages.BranchQueuePage)
	s.addPage(http.MethodPost, "/branch/work-orders/:id/events", false, secretaries, u.WorkOrderPages.SubmitQueueEvent("/branch/work-orders", u.WorkOrderPages.RenderBranchQueue))
	s.addPage(http.MethodGet, "/feedback", true, nil, u.WorkOrderPages.PublicFeedbackPage)
	s.addPage(http.MethodPost, "/feedback", true, nil, u.WorkOrderPages.SubmitPublicFeedback)
	// The hotline workspace (issue 14): the number on request, categories, the detail and all-orders pages,
	// the branch's history, the calendar page (rest/workorders_ws.go, ui/workorder_detail.go, ui/workorder_list.go).
	s.add(route{method: http.MethodPost, path: "/work-orders/:id/reveal-phone", summary: "查看来电人完整号码（接线员、管理员；记入审计）", tag: "work-orders", roles: operators, resp: rest.RevealedPhone{}, handler: j.WorkOrders.RevealPhone})
	s.add(route{method: http.MethodGet, path: "/work-orders/categories", summary: "工单问题分类目录（最多三级）", tag: "work-orders", roles: everyone, resp: rest.CategoryTree{}, handler: j.WorkOrders.GetCategories})
	s.add(route{method: http.MethodPut, path: "/work-orders/categories", summary: "修改工单问题分类目录（管理员）", tag: "work-orders", roles: adminOnly, body: rest.CategoryTree{}, resp: rest.CategoryTree{}, handler: j.WorkOrders.PutCategories})
	s.addPage(http.MethodGet, "/operator/work-orders/all", false, woReaders, u.WorkOrderPages.AllOrdersPage)
	s.addPage(http.MethodGet, "/operator/work-orders/:id", false, woReaders, u.WorkOrderPages.OperatorDetailPage)
	s.addPage(http.MethodPost, "/operator/work-orders/:id/step", false, woReaders, u.WorkOrderPages.SubmitDetailEvent("/operator/work-orders/"))
	s.addPage(http.MethodPost, "/operator/work-orders/:id/reveal-phone", false, operators, u.WorkOrderPages.RevealPhonePage)
	s.addPage(http.MethodGet, "/branch/work-orders/done", false, secretaries, u.WorkOrderPages.BranchDonePage)
	s.addPage(http.MethodGet, "/branch/work-orders/:id", false, secretaries, u.WorkOrderPages.BranchDetailPage)
	s.addPage(http.MethodPost, "/branch/work-orders/:id/step", false, secretaries, u.WorkOrderPages.SubmitDetailEvent("/branch/work-orders/"))
	s.addPage(http.MethodGet, "/admin/calendar", false, adminOnly, u.WorkOrderPages.CalendarPage)
	s.addPage(http.MethodPost, "/admin/calendar", false, adminOnly, u.WorkOrderPages.SubmitCalendar)
	s.addPage(http.MethodGet, "/admin/categories", false, adminOnly, u.WorkOrderPages.CategoriesPage)
	s.addPage(http.MethodPost, "/admin/categories", false, adminOnly, u.WorkOrderPages.SubmitCategories)

	// Periodic assessment of branches and members (rest.Composite, ui.CompositePages).
	s.add(route{method: http.MethodPost, path: "/assessments", summary: "创建考评方案（期间、对象、加权分项、等次与名额、否决项）", tag: "assessments", roles: adminOnly, body: rest.CompositeInput{}, status: created, resp: assessments.Assessment{}, handler: j.Composite.CreateComposite})
	s.add(route{method: http.MethodGet, path: "/assessments", summary: "考评列表（新到旧）", tag: "assessments", roles: readers, resp: httpx.Items[*assessments.Assessment]{}, handler: j.Composite.ListComposites})
	s.add(route{method: http.MethodGet, path: "/assessments/:id", summary: "查看考评方案及其加减分、异议、最终等次", tag: "assessments", roles: readers, resp: assessments.Assessment{}, handler: j.Composite.GetComposite})
	s.add(route{method: http.MethodGet, path: "/assessments/:id/results", summary: "考评结果（各分项、综合得分、名次、变化、推荐与最终等次、否决；草稿实时计算，公示后以公示时为准）", tag: "assessments", roles: readers, resp: assessments.View{}, handler: j.Composite.GetCompositeResults})
	s.add(route{method: http.MethodGet, path: "/assessments/:id/trend", summary: "各期综合得分与名次趋势", tag: "assessments", roles: readers, resp: assessments.Trend{}, handler: j.Composite.GetCompositeTrend})
	s.add(route{method: http.MethodPut, path: "/assessments/:id/subjects/:subject_id/manual", summary: "录入加减分（须填理由；仅草稿）", tag: "assessments", roles: adminOnly, body: rest.ManualInput{}, resp: assessments.Assessment{}, errs: conflict, handler: j.Composite.SetCompositeManual})
	s.add(route{method: http.MethodPost, path: "/assessments/:id/publish", summary: "公示考评结果（冻结结果，公示若干天）", tag: "assessments", roles: adminOnly, body: rest.PublishInput{}, resp: assessments.Assessment{}, errs: conflict, handler: j.Composite.PublishComposite})
	s.add(route{method: http.MethodPost, path: "/assessments/:id/objections", summary: "公示期内对考评对象的结果提出异议（支部书记限本组织）", tag: "assessments", roles: secretaries, body: rest.ObjectionInput{}, status: created, resp: assessments.Assessment{}, errs: conflict, handler: j.Composite.AddCompositeObjection})
	s.add(route{method: http.MethodPost, path: "/assessments/:id/objections/:seq/answer", summary: "答复异议", tag: "assessments", roles: adminOnly, body: rest.AnswerInput{}, resp: assessments.Assessment{}, errs: conflict, handler: j.Composite.AnswerCompositeObjection})
	s.add(route{method: http.MethodPost, path: "/assessments/:id/close", summary: "结束公示（公示期满且异议均已答复）", tag: "assessments", roles: adminOnly, resp: assessments.Assessment{}, errs: conflict, handler: j.Composite.CloseComposite})
	s.add(route{method: http.MethodPut, path: "/assessments/:id/subjects/:subject_id/final-tier", summary: "确定考评对象的最终等次（须填理由；公示后）", tag: "assessments", roles: adminOnly, body: rest.FinalTierInput{}, resp: assessments.Assessment{}, errs: conflict, handler: j.Composite.SetCompositeFinalTier})
	s.addPage(http.MethodGet, "/assessments", false, readers, u.CompositePages.CompositeListPage)
	s.addPage(http.MethodGet, "/assessments/:id", false, readers, u.CompositePages.CompositePage)
	s.addPage(http.MethodPost, "/assessments/:id/manual", false, adminOnly, u.CompositePages.CompositeForm("manual"))
	s.addPage(http.MethodPost, "/assessments/:id/publish", false, adminOnly, u.CompositePages.CompositeForm("publish"))
	s.addPage(http.MethodPost, "/assessments/:id/objections", false, secretaries, u.CompositePages.CompositeForm("objection"))
	s.addPage(http.MethodPost, "/assessments/:id/objections/:seq/answer", false, adminOnly, u.CompositePages.CompositeForm("answer"))
	s.addPage(http.MethodPost, "/assessments/:id/close", false, adminOnly, u.CompositePages.CompositeForm("close"))
	s.addPage(http.MethodPost, "/assessments/:id/final-tier", false, adminOnly, u.CompositePages.CompositeForm("final"))
	s.addPage(http.MethodGet, "/dashboard", false, []accounts.Role{accounts.RoleLeader}, u.DashboardPages.DashboardPage)
	s.addPage(http.MethodGet, "/admin/assessments/new", false, adminOnly, u.CompositePages.NewCompositePage)
	s.addPage(http.MethodPost, "/admin/assessments/new", false, adminOnly, u.CompositePages.CreateComposite)
	s.add(route{method: http.MethodGet, path: "/assessments/:id/report.xlsx", summary: "下载考评结果汇总表（综合排名、各分项来源、趋势、公示与异议、说明）", tag: "assessments", roles: readers, file: httpx.XLSXType, handler: j.Composite.GetCompositeReport})
	// The 三率 assessment of the units and its monthly notice (rest.Assessment, ui.AssessmentPages).
	s.add(route{method: http.MethodGet, path: "/work-orders/assessment", summary: "三率考核：各单位响应率、解决率、满意率、综合得分、排名、较上期和失分情况（?period=YYYY-MM 或 from、to；按组织范围）", tag: "work-orders", roles: readers, query: rest.AssessmentParams{}, resp: feedback.Assessment{}, handler: j.Assessment.GetAssessment})
	s.add(route{method: http.MethodGet, path: "/work-orders/assessment.xlsx", summary: "三率考核通报（Excel：排名含红黑榜、失分明细、高频问题、说明）", tag: "work-orders", roles: readers, query: rest.AssessmentParams{}, file: httpx.XLSXType, handler: j.Assessment.GetAssessmentReport})
	s.addPage(http.MethodGet, "/work-orders/assessment", false, readers, u.AssessmentPages.AssessmentPage)

	// Accounts: users, sign-in, API tokens, audit log (auth.go, session.go, rest.Users, rest.Tokens, rest.Audit, ui.AccountPages, ui.UserPages).
	s.add(route{method: http.MethodPost, path: "/users", summary: "创建用户", tag: "accounts", roles: adminOnly, body: rest.UserInput{}, status: created, resp: accounts.User{}, errs: conflict, handler: j.Users.CreateUser})
	s.add(route{method: http.MethodGet, path: "/users", summary: "用户列表", tag: "accounts", roles: adminOnly, query: rest.PageParams{}, resp: httpx.List[accounts.User]{}, handler: j.Users.ListUsers})
	s.add(route{method: http.MethodGet, path: "/users/:id", summary: "查看用户", tag: "accounts", roles: adminOnly, resp: accounts.User{}, handler: j.Users.GetUser})
	s.add(route{method: http.MethodPatch, path: "/users/:id", summary: "修改用户（姓名、角色、组织、密码、停用）", tag: "accounts", roles: adminOnly, body: rest.UserPatch{}, resp: accounts.User{}, errs: conflict, handler: j.Users.PatchUser})
	s.add(route{method: http.MethodPost, path: "/session", summary: "登录（JSON 或表单），设置会话 Cookie", tag: "accounts", public: true, body: loginInput{}, maxBody: 16 << 10, form: true, status: signedIn, resp: sessionView{}, errs: signInErrs, handler: s.createSession})
	s.add(route{method: http.MethodGet, path: "/session", summary: "当前登录用户与 CSRF 令牌", tag: "accounts", roles: everyone, resp: sessionView{}, handler: s.getSession})
	s.add(route{method: http.MethodDelete, path: "/session", summary: "退出登录", tag: "accounts", roles: everyone, status: noContent, handler: s.deleteSession})
	s.add(route{method: http.MethodPost, path: "/tokens", summary: "创建接口令牌（仅显示一次）", tag: "accounts", roles: everyone, body: rest.TokenInput{}, status: created, resp: rest.NewToken{}, handler: j.Tokens.CreateToken})
	s.add(route{method: http.MethodGet, path: "/tokens", summary: "接口令牌列表（本人；管理员可看全部）", tag: "accounts", roles: everyone, query: rest.TokenListParams{}, resp: httpx.List[accounts.Token]{}, handler: j.Tokens.ListTokens})
	s.add(route{method: http.MethodDelete, path: "/tokens/:id", summary: "吊销接口令牌", tag: "accounts", roles: everyone, status: noContent, handler: j.Tokens.DeleteToken})
	s.add(route{method: http.MethodGet, path: "/login-throttles", summary: "当前的登录限制（登录名与客户端、客户端）", tag: "accounts", roles: adminOnly, resp: httpx.List[accounts.Throttle]{}, handler: j.LoginThrottles.ListLoginThrottles})
	s.add(route{method: http.MethodDelete, path: "/login-throttles/:id", summary: "解除一项登录限制", tag: "accounts", roles: adminOnly, status: noContent, handler: j.LoginThrottles.ClearLoginThrottle})
	s.add(route{method: http.MethodGet, path: "/audit", summary: "审计日志（新到旧，可按 actor、action、object_id 筛选）", tag: "accounts", roles: adminOnly, query: rest.AuditParams{}, resp: httpx.List[accounts.AuditEntry]{}, handler: j.Audit.ListAudit})
	s.addPage(http.MethodGet, "/login", true, nil, s.loginForm)
	s.addPage(http.MethodGet, "/", false, everyone, u.HomePage.HomePage)
	s.addPage(http.MethodGet, "/account", false, everyone, u.AccountPages.AccountPage)
	s.addPage(http.MethodPost, "/logout", false, everyone, s.logoutForm)
	s.addPage(http.MethodPost, "/account/tokens", false, everyone, u.AccountPages.AccountCreateToken)
	s.addPage(http.MethodPost, "/account/tokens/:id/revoke", false, everyone, u.AccountPages.AccountRevokeToken)
	s.addPage(http.MethodGet, "/admin/users", false, adminOnly, u.UserPages.AdminUsersPage)
	s.addPage(http.MethodPost, "/admin/users", false, adminOnly, u.UserPages.AdminCreateUser)
	s.addPage(http.MethodGet, "/admin/users/:id", false, adminOnly, u.UserPages.AdminUserEditPage)
	s.addPage(http.MethodPost, "/admin/users/:id", false, adminOnly, u.UserPages.AdminEditUser)
	s.addPage(http.MethodPost, "/admin/users/:id/tokens/:token_id/revoke", false, adminOnly, u.UserPages.AdminRevokeUserToken)
	s.addPage(http.MethodGet, "/admin/audit", false, adminOnly, u.UserPages.AdminAuditPage)
	// Org tree, roster and surveys in the browser (ui.OrgPages, ui.SurveyPages).
	s.addPage(http.MethodGet, "/admin/orgs", false, adminOnly, u.OrgPages.AdminOrgsPage)
	s.addPage(http.MethodPost, "/admin/orgs", false, adminOnly, u.OrgPages.AdminCreateOrg)
	s.addPage(http.MethodGet, "/admin/orgs/:id", false, adminOnly, u.OrgPages.AdminOrgPage)
	s.addPage(http.MethodPost, "/admin/orgs/:id/members", false, adminOnly, u.OrgPages.AdminCreateMember)
	s.addPageMax(http.MethodPost, "/admin/orgs/:id/import", false, adminOnly, rest.RosterMaxBody, u.OrgPages.AdminImportRoster)
	s.addPage(http.MethodPost, "/admin/orgs/:id", false, adminOnly, u.OrgPages.AdminEditOrg)
	s.addPage(http.MethodGet, "/admin/orgs/:id/delete", false, adminOnly, u.OrgPages.AdminDeleteOrgPage)
	s.addPage(http.MethodPost, "/admin/orgs/:id/delete", false, adminOnly, u.OrgPages.AdminDeleteOrg)
	s.addPage(http.MethodGet, "/admin/members/:id", false, adminOnly, u.OrgPages.AdminMemberPage)
	s.addPage(http.MethodPost, "/admin/members/:id", false, adminOnly, u.OrgPages.AdminEditMember)
	s.addPage(http.MethodGet, "/admin/members/:id/delete", false, adminOnly, u.OrgPages.AdminDeleteMemberPage)
	s.addPage(http.MethodPost, "/admin/members/:id/delete", false, adminOnly, u.OrgPages.AdminDeleteMember)
	s.addPage(http.MethodGet, "/admin/surveys", false, adminOnly, u.SurveyPages.AdminSurveysPage)
	s.addPage(http.MethodPost, "/admin/surveys", false, adminOnly, u.SurveyPages.AdminCreateSurvey)
	s.addPage(http.MethodGet, "/admin/surveys/:id", false, adminOnly, u.SurveyPages.AdminSurveyPage)
	s.addPage(http.MethodPost, "/admin/surveys/:id/publish", false, adminOnly, u.SurveyPages.PublishSurvey)
	s.addPage(http.MethodPost, "/admin/surveys/:id/close", false, adminOnly, u.SurveyPages.CloseSurvey)
	s.addPage(http.MethodPost, "/admin/surveys/:id/codes", false, adminOnly, u.SurveyPages.AdminIssueCodes)
	// Confirmation pages before publishing, closing, deleting (ui.SurveyPages).
	s.addPage(http.MethodGet, "/admin/surveys/:id/publish", false, adminOnly, u.SurveyPages.ConfirmPage("publish"))
	s.addPage(http.MethodGet, "/admin/surveys/:id/close", false, adminOnly, u.SurveyPages.ConfirmPage("close"))
	s.addPage(http.MethodGet, "/admin/surveys/:id/delete", false, adminOnly, u.SurveyPages.ConfirmPage("delete"))
	s.addPage(http.MethodPost, "/admin/surveys/:id/delete", false, adminOnly, u.SurveyPages.AdminDeleteSurvey)
	// The survey builder and its live preview (ui.BuilderPages, builder.js).
	s.addPage(http.MethodGet, "/admin/surveys/:id/edit", false, adminOnly, u.BuilderPages.AdminSurveyEditPage)
	s.addPage(http.MethodPost, "/admin/surveys/:id/edit", false, adminOnly, u.BuilderPages.AdminSurveyEditLimited)
	s.addPage(http.MethodPost, "/admin/surveys/:id/preview", false, adminOnly, u.BuilderPages.AdminSurveyPreview)
	// Public commitments: 承诺 → 审诺 → 示诺 → 践诺 → 评诺 (rest.Commitments, ui.CommitmentPages).
	s.add(route{method: http.MethodPost, path: "/commitments", summary: "录入承诺（草稿；支部书记在本组织范围内，或管理员）", tag: "commitments", roles: secretaries, body: rest.CommitmentInput{}, status: created, resp: commitments.Commitment{}, handler: j.Commitments.CreateCommitment})
	s.add(route{method: http.MethodGet, path: "/commitments", summary: "某组织某时期的承诺（年度含上下半年）", tag: "commitments", roles: readers, query: rest.CommitmentListParams{}, resp: httpx.List[commitments.Row]{}, handler: j.Commitments.ListCommitments})
	s.add(route{method: http.MethodGet, path: "/commitments/stats", summary: "承诺统计：按组织的承诺数、一次审核通过、被退回、兑现率、超期、平均评诺得分", tag: "commitments", roles: readers, query: rest.CommitmentParams{}, resp: rest.CommitmentStats{}, handler: j.Commitments.CommitmentStats})
	s.add(route{method: http.MethodGet, path: "/commitments/report.xlsx", summary: "承诺台账 Excel（承诺台账、统计、说明）", tag: "commitments", roles: readers, query: rest.CommitmentParams{}, file: httpx.XLSXType, handler: j.Commitments.CommitmentReport})
	s.add(route{method: http.MethodGet, path: "/commitments/pledge.xlsx", summary: "打印公开承诺书（某承诺主体某时期已审核通过的承诺，供签字）", tag: "commitments", roles: readers, query: rest.PledgeParams{}, file: httpx.XLSXType, handler: j.Commitments.CommitmentPledge})
	s.add(route{method: http.MethodGet, path: "/commitments/qr.png", summary: "承诺公示页二维码（张贴公示栏）", tag: "commitments", roles: readers, query: rest.CommitmentParams{}, file: pngType, handler: j.Commitments.CommitmentQR})
	s.add(route{method: http.MethodGet, path: "/commitments/overdue", summary: "超期未兑现的承诺（本组织范围内）", tag: "commitments", roles: secretaries, resp: httpx.Items[commitments.OpenEntry]{}, handler: j.Commitments.ListOverdue})
	s.add(route{method: http.MethodPost, path: "/commitments/import", summary: "导入支部承诺（multipart 字段 file，.xlsx；有误的行全部列出、一条也不导入；?dry_run=true 只检查）", tag: "commitments", roles: secretaries, maxBody: rest.RosterMaxBody, query: rest.CommitmentImportParams{}, upload: "file", resp: commitments.ImportResult{}, handler: j.Commitments.ImportCommitments})
	s.add(route{method: http.MethodGet, path: "/commitments/import/template.xlsx", summary: "下载承诺导入模板（表头、示例、填写说明）", tag: "commitments", roles: secretaries, file: httpx.XLSXType, handler: j.Commitments.CommitmentTemplate})
	s.add(route{method: http.MethodPost, path: "/commitments/evaluations", summary: "评诺：由某组织某时期已通过的承诺生成评议测评草稿（承诺主体为测评对象）", tag: "commitments", roles: adminOnly, body: rest.EvaluationInput{}, status: created, resp: surveys.Survey{}, handler: j.Commitments.CreateEvaluation})
	s.add(route{method: http.MethodGet, path: "/commitments/:id", summary: "查看承诺（含各版本与审核、进展记录）", tag: "commitments", roles: readers, resp: commitments.Detail{}, handler: j.Commitments.GetCommitment})
	s.add(route{method: http.MethodPatch, path: "/commitments/:id", summary: "修改承诺（草稿或被退回的；再承诺）", tag: "commitments", roles: secretaries, body: rest.CommitmentPatch{}, resp: commitments.Commitment{}, errs: conflict, handler: j.Commitments.PatchCommitment})
	s.add(route{method: http.MethodPost, path: "/commitments/:id/submit", summary: "提交承诺审核", tag: "commitments", roles: secretaries, resp: commitments.Commitment{}, errs: conflict, handler: j.Commitments.SubmitCommitment})
	s.add(route{method: http.MethodPost, path: "/commitments/:id/review", summary: "审诺：通过或退回（退回须写理由；录入人不能审核）", tag: "commitments", roles: secretaries, body: rest.ReviewInput{}, resp: commitments.Commitment{}, errs: conflict, handler: j.Commitments.ReviewCommitment})
	s.add(route{method: http.MethodPost, path: "/commitments/:id/progress", summary: "践诺：记录进展（百分比、情况、日期）", tag: "commitments", roles: secretaries, body: rest.ProgressInput{}, resp: commitments.Commitment{}, errs: conflict, handler: j.Commitments.CommitmentProgress})
	s.add(route{method: http.MethodPost, path: "/commitments/:id/outcome", summary: "评定结果：已兑现、部分兑现、未兑现（后两者须向群众说明）", tag: "commitments", roles: secretaries, body: rest.OutcomeInput{}, resp: commitments.Commitment{}, errs: conflict, handler: j.Commitments.CommitmentOutcome})
	s.add(route{method: http.MethodGet, path: "/public/commitments/:org_id/:period", summary: "承诺公示（无需账号）：已审核通过的承诺、进展与结果", tag: "commitments", public: true, resp: commitments.PublicList{}, handler: j.Commitments.PublicCommitments})
	s.add(route{method: http.MethodGet, path: "/public/commitments/:org_id/:period/qr.png", summary: "承诺公示页二维码（无需账号，张贴公示栏）", tag: "commitments", public: true, file: pngType, handler: j.Commitments.PublicCommitmentQR})
	s.addPage(http.MethodGet, "/c/:org_id/:period", true, nil, u.Commitments.PublicPage)
	s.addPage(http.MethodGet, "/commitments", false, readers, u.Commitments.ListPage)
	s.addPage(http.MethodPost, "/commitments", false, secretaries, u.Commitments.CreatePost)
	s.addPageMax(http.MethodPost, "/commitments/import", false, secretaries, rest.RosterMaxBody, u.Commitments.ImportPost)
	s.addPage(http.MethodPost, "/commitments/evaluations", false, adminOnly, u.Commitments.EvaluatePost)
	s.addPage(http.MethodGet, "/commitments/stats", false, readers, u.Commitments.StatsPage)
	s.addPage(http.MethodGet, "/commitments/:id", false, readers, u.Commitments.DetailPage)
	s.addPage(http.MethodPost, "/commitments/:id/:action", false, secretaries, u.Commitments.ActionPost)
}

// add registers r with its auth and body limit and remembers it for the
// OpenAPI document.
func (s *Server) add(r route) {
	chain := []gin.HandlerFunc{limitBody(s.bodyLimit(r))}
	if !r.public {
		chain = append(chain, s.authenticate(r.roles))
	}
	chain = append(chain, s.h(r.handler))
	s.engine.Handle(r.method, "/api/v1"+r.path, chain...)
	s.routes = append(s.routes, r)
}

func (s *Server) bodyLimit(r route) int64 {
	if r.maxBody > 0 {
		return r.maxBody
	}
	return s.maxBody
}
