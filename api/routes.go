package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/analytics"
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
	query   any             // query parameters: a struct of form tags (params.go)
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
	e := s.engine
	e.GET("/healthz", s.h(s.healthz))
	e.GET("/readyz", s.h(s.readyz))
	e.GET("/metrics", gin.WrapH(s.metrics.handler()))
	e.GET("/api/v1/openapi.json", s.h(s.openapi))
	e.GET("/static/*filepath", s.static())

	// Organisations and members.
	s.add(route{method: http.MethodPost, path: "/orgs", summary: "创建组织", tag: "orgs", roles: adminOnly, body: orgInput{}, status: created, resp: surveys.Org{}, errs: conflict, handler: s.createOrg})
	s.add(route{method: http.MethodGet, path: "/orgs", summary: "组织树", tag: "orgs", roles: everyone, resp: items[*orgNode]{}, handler: s.listOrgs})
	s.add(route{method: http.MethodGet, path: "/orgs/:id", summary: "查看组织", tag: "orgs", roles: everyone, resp: surveys.Org{}, handler: s.getOrg})
	s.add(route{method: http.MethodPatch, path: "/orgs/:id", summary: "修改组织", tag: "orgs", roles: adminOnly, body: orgPatch{}, resp: surveys.Org{}, errs: conflict, handler: s.patchOrg})
	s.add(route{method: http.MethodDelete, path: "/orgs/:id", summary: "删除组织（无下级、无党员时）", tag: "orgs", roles: adminOnly, status: noContent, errs: conflict, handler: s.deleteOrg})
	s.add(route{method: http.MethodPost, path: "/members", summary: "添加党员", tag: "members", roles: adminOnly, body: memberInput{}, status: created, resp: surveys.Member{}, errs: conflict, handler: s.createMember})
	s.add(route{method: http.MethodGet, path: "/members", summary: "党员名册（?org_id= 含下级组织，?q= 按姓名）", tag: "members", roles: everyone, query: memberParams{}, resp: list[surveys.Member]{}, handler: s.listMembers})
	s.add(route{method: http.MethodPost, path: "/members/import", summary: "导入党员名册（multipart 字段 file，.xlsx；?partial=true 只导入正确的行；?dry_run=true 只检查、不保存）", tag: "members", roles: adminOnly, maxBody: rosterMaxBody, query: importParams{}, upload: "file", resp: surveys.ImportResult{}, handler: s.importMembers})
	s.add(route{method: http.MethodGet, path: "/members/import/template.xlsx", summary: "下载党员名册模板（名册、填写说明、组织编码）", tag: "members", roles: adminOnly, file: xlsxType, handler: s.rosterTemplate})
	s.add(route{method: http.MethodGet, path: "/members/:id", summary: "查看党员", tag: "members", roles: everyone, resp: surveys.Member{}, handler: s.getMember})
	s.add(route{method: http.MethodPatch, path: "/members/:id", summary: "修改党员", tag: "members", roles: adminOnly, body: memberPatch{}, resp: surveys.Member{}, errs: conflict, handler: s.patchMember})
	s.add(route{method: http.MethodDelete, path: "/members/:id", summary: "删除党员", tag: "members", roles: adminOnly, status: noContent, handler: s.deleteMember})

	// Survey definitions, templates, ballot codes and QR codes (surveys.go, codes.go).
	s.add(route{method: http.MethodPost, path: "/surveys", summary: "创建测评（草稿）", tag: "surveys", roles: adminOnly, body: surveyInput{}, status: created, resp: surveys.Survey{}, handler: s.createSurvey})
	s.add(route{method: http.MethodGet, path: "/surveys", summary: "测评列表（新到旧，?status= 筛选）", tag: "surveys", roles: everyone, query: surveyListParams{}, resp: list[surveys.Survey]{}, handler: s.listSurveys})
	s.add(route{method: http.MethodGet, path: "/surveys/templates", summary: "测评模板列表", tag: "surveys", roles: everyone, resp: items[surveys.TemplateInfo]{}, handler: s.listTemplates})
	s.add(route{method: http.MethodPost, path: "/surveys/templates/:key", summary: "用模板创建测评草稿", tag: "surveys", roles: adminOnly, body: templateInput{}, status: created, resp: surveys.Survey{}, handler: s.createFromTemplate})
	s.add(route{method: http.MethodGet, path: "/surveys/:id", summary: "查看测评", tag: "surveys", roles: everyone, resp: surveys.Survey{}, handler: s.getSurvey})
	s.add(route{method: http.MethodPatch, path: "/surveys/:id", summary: "修改测评（发布后只能改标题、说明、结束时间）", tag: "surveys", roles: adminOnly, body: surveyPatch{}, resp: surveys.Survey{}, errs: conflict, handler: s.patchSurvey})
	s.add(route{method: http.MethodDelete, path: "/surveys/:id", summary: "删除测评草稿（及其投票码；已发布或已结束的不能删除）", tag: "surveys", roles: adminOnly, status: noContent, errs: conflict, handler: s.deleteSurvey})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/publish", summary: "发布测评（冻结定义，生成链接）", tag: "surveys", roles: adminOnly, resp: published{}, errs: conflict, handler: s.publishSurvey})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/close", summary: "结束测评", tag: "surveys", roles: adminOnly, resp: surveys.Survey{}, errs: conflict, handler: s.closeSurvey})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/codes", summary: "生成投票码", tag: "surveys", roles: adminOnly, body: codesInput{}, status: created, resp: codesIssued{}, errs: conflict, handler: s.issueCodes})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes", summary: "投票码发放与使用情况（按评价群体）", tag: "surveys", roles: adminOnly, resp: codeCountList{}, handler: s.codeCounts})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes.xlsx", summary: "打印投票码（含二维码，可裁剪；默认只含未使用的）", tag: "surveys", roles: adminOnly, query: printParams{}, file: xlsxType, handler: s.codesSheet})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes.png", summary: "打印投票码（A4 图片，300 dpi，每页 20 个，?page= 翻页，X-Page-Count 为总页数）", tag: "surveys", roles: adminOnly, query: printPageParams{}, file: pngType, handler: s.codesPNG})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/codes.pdf", summary: "打印投票码（A4 PDF，每页 20 个，含全部页）", tag: "surveys", roles: adminOnly, query: printParams{}, file: pdfType, handler: s.codesPDF})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/qr.png", summary: "测评链接二维码", tag: "surveys", roles: everyone, query: qrParams{}, file: pngType, handler: s.surveyQR})

	// Ballots: public submission, operator entry, raw ballots (ballots.go), the ballot page (ballot_page.go).
	s.add(route{method: http.MethodGet, path: "/public/surveys/:slug", summary: "评议人看到的测评（不含计分细节）", tag: "ballots", public: true, resp: publicSurvey{}, errs: gone, handler: s.getPublicSurvey})
	s.add(route{method: http.MethodPost, path: "/public/surveys/:slug/ballots", summary: "提交答卷（群众、党员，经链接或二维码）", tag: "ballots", public: true, body: ballotRequest{}, status: createdOrReplayed, resp: receiptBody{}, errs: submitErrs, handler: s.submitPublic})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/ballots", summary: "代录答卷（热线、纸质、走访）", tag: "ballots", roles: operators, body: ballotRequest{}, status: createdOrReplayed, resp: receiptBody{}, errs: usedOrClosed, handler: s.submitOperator})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/ballots", summary: "原始答卷（分页）", tag: "ballots", roles: adminOnly, query: pageParams{}, resp: list[surveys.Ballot]{}, handler: s.listBallots})
	s.addPage(http.MethodGet, "/s/:slug", true, nil, s.ballotForm)
	s.addPage(http.MethodPost, "/s/:slug", true, nil, s.ballotPost)
	s.addPage(http.MethodGet, "/operator/surveys/:id/ballot", false, operators, s.operatorBallotForm)
	s.addPage(http.MethodPost, "/operator/surveys/:id/ballot", false, operators, s.operatorBallotPost)

	// Results: scorecards from the tallies, final grades, free-text answers (results.go).
	s.add(route{method: http.MethodGet, path: "/surveys/:id/results", summary: "测评结果（得分、排名、推荐等次、最终等次；?group= 按评价群体，?org_id= 按组织）", tag: "results", roles: readers, query: resultsParams{}, resp: analytics.Results{}, handler: s.getResults})
	s.add(route{method: http.MethodPost, path: "/surveys/:id/results/rebuild", summary: "按全部答卷重新统计结果", tag: "results", roles: adminOnly, resp: rebuiltResults{}, handler: s.rebuildResults})
	s.add(route{method: http.MethodPut, path: "/surveys/:id/subjects/:subject_id/final-grade", summary: "确定测评对象的最终等次（须填理由，保留历史）", tag: "results", roles: secretaries, body: finalGradeInput{}, resp: analytics.FinalGradeRecord{}, handler: s.setFinalGrade})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/final-grades", summary: "最终等次记录（全部历史，最新的有效）", tag: "results", roles: readers, resp: items[analytics.FinalGradeRecord]{}, handler: s.listFinalGrades})
	s.add(route{method: http.MethodGet, path: "/surveys/:id/texts", summary: "文字题答案（?question= 必填，分页）", tag: "results", roles: textReaders, query: textParams{}, resp: list[textItem]{}, handler: s.listTexts})
	// Scorecard workbooks and background exports (reports.go).
	s.add(route{method: http.MethodGet, path: "/surveys/:id/report.xlsx", summary: "下载测评结果 Excel（汇总、排名、题目分布、意见建议、原始答卷；按角色和组织范围取舍；?group= 按评价群体，?org_id= 按组织，同测评结果）", tag: "results", roles: readers, query: resultsParams{}, file: xlsxType, handler: s.getReport})
	s.add(route{method: http.MethodPost, path: "/exports", summary: "后台导出（survey_report 测评结果，可按 group、org_id 筛选；ballots 原始答卷），返回 202 和任务编号", tag: "results", roles: readers, body: exportInput{}, status: accepted, resp: reports.Job{}, handler: s.createExport})
	s.add(route{method: http.MethodGet, path: "/exports/:id", summary: "后台导出进度（状态、百分比、已写答卷数）", tag: "results", roles: readers, resp: reports.Job{}, handler: s.getExport})
	s.add(route{method: http.MethodGet, path: "/exports/:id/file", summary: "下载后台导出的文件（完成前 409）", tag: "results", roles: readers, file: xlsxType, errs: conflict, handler: s.getExportFile})
	s.addPage(http.MethodGet, "/results/:id", false, readers, s.resultsPage)
	s.addPage(http.MethodPost, "/results/:id/subjects/:subject_id/final-grade", false, secretaries, s.resultsFinalGrade)

	// Work orders: hotline feedback from the call to the callback (workorders*.go).
	s.add(route{method: http.MethodPost, path: "/work-orders", summary: "受理工单（热线、来访、来信），返回编号、时限和可能重复的工单", tag: "work-orders", roles: operators, body: workOrderInput{}, status: created, resp: createdWorkOrder{}, handler: s.createWorkOrder})
	s.add(route{method: http.MethodPost, path: "/public/work-orders", summary: "网上征询：群众提交意见（无需账号，按来源限频）", tag: "work-orders", public: true, body: publicWorkOrderInput{}, maxBody: 64 << 10, status: created, resp: publicWorkOrderReceipt{}, errs: limited, handler: s.createPublicWorkOrder})
	s.add(route{method: http.MethodGet, path: "/work-orders", summary: "工单列表（按状态、组织、超期、时间、关键词或来电号码筛选；电话脱敏）", tag: "work-orders", roles: everyone, query: workOrderListParams{}, resp: list[workOrderView]{}, handler: s.listWorkOrders})
	s.add(route{method: http.MethodGet, path: "/work-orders/stats", summary: "工单统计：按类别和状态计数、按时办结率、满意率、重办数", tag: "work-orders", roles: everyone, query: workOrderFilterParams{}, resp: workOrderStats{}, handler: s.getWorkOrderStats})
	s.add(route{method: http.MethodGet, path: "/work-orders/report.xlsx", summary: "工单台账（Excel：工单台账、统计）", tag: "work-orders", roles: everyone, query: workOrderFilterParams{}, file: xlsxType, handler: s.getWorkOrderReport})
	s.add(route{method: http.MethodGet, path: "/work-orders/:id", summary: "工单详情（含处理记录；管理员和接线员可见完整电话）", tag: "work-orders", roles: everyone, resp: workOrderView{}, handler: s.getWorkOrder})
	s.add(route{method: http.MethodPost, path: "/work-orders/:id/events", summary: "工单流转：派单、签收、回退、延期、回复、办结、回访、重办、督办", tag: "work-orders", roles: everyone, body: eventInput{}, status: created, resp: eventView{}, errs: conflict, handler: s.addWorkOrderEvent})
	s.addPage(http.MethodGet, "/operator/work-orders/new", false, operators, s.operatorNewPage)
	s.addPage(http.MethodPost, "/operator/work-orders/new", false, operators, s.submitOperatorNew)
	s.addPage(http.MethodGet, "/operator/work-orders", false, operators, s.operatorQueuePage)
	s.addPage(http.MethodPost, "/operator/work-orders/:id/events", false, operators, s.submitQueueEvent("/operator/work-orders", s.renderOperatorQueue))
	s.addPage(http.MethodGet, "/branch/work-orders", false, secretaries, s.branchQueuePage)
	s.addPage(http.MethodPost, "/branch/work-orders/:id/events", false, secretaries, s.submitQueueEvent("/branch/work-orders", s.renderBranchQueue))
	s.addPage(http.MethodGet, "/feedback", true, nil, s.publicFeedbackPage)
	s.addPage(http.MethodPost, "/feedback", true, nil, s.submitPublicFeedback)

	// Accounts: users, sign-in, API tokens, audit log (auth.go, session.go).
	s.add(route{method: http.MethodPost, path: "/users", summary: "创建用户", tag: "accounts", roles: adminOnly, body: userInput{}, status: created, resp: accounts.User{}, errs: conflict, handler: s.createUser})
	s.add(route{method: http.MethodGet, path: "/users", summary: "用户列表", tag: "accounts", roles: adminOnly, query: pageParams{}, resp: list[accounts.User]{}, handler: s.listUsers})
	s.add(route{method: http.MethodGet, path: "/users/:id", summary: "查看用户", tag: "accounts", roles: adminOnly, resp: accounts.User{}, handler: s.getUser})
	s.add(route{method: http.MethodPatch, path: "/users/:id", summary: "修改用户（姓名、角色、组织、密码、停用）", tag: "accounts", roles: adminOnly, body: userPatch{}, resp: accounts.User{}, errs: conflict, handler: s.patchUser})
	s.add(route{method: http.MethodPost, path: "/session", summary: "登录（JSON 或表单），设置会话 Cookie", tag: "accounts", public: true, body: loginInput{}, maxBody: 16 << 10, form: true, status: signedIn, resp: sessionView{}, errs: signInErrs, handler: s.createSession})
	s.add(route{method: http.MethodGet, path: "/session", summary: "当前登录用户与 CSRF 令牌", tag: "accounts", roles: everyone, resp: sessionView{}, handler: s.getSession})
	s.add(route{method: http.MethodDelete, path: "/session", summary: "退出登录", tag: "accounts", roles: everyone, status: noContent, handler: s.deleteSession})
	s.add(route{method: http.MethodPost, path: "/tokens", summary: "创建接口令牌（仅显示一次）", tag: "accounts", roles: everyone, body: tokenInput{}, status: created, resp: newToken{}, handler: s.createToken})
	s.add(route{method: http.MethodGet, path: "/tokens", summary: "接口令牌列表（本人；管理员可看全部）", tag: "accounts", roles: everyone, query: tokenListParams{}, resp: list[accounts.Token]{}, handler: s.listTokens})
	s.add(route{method: http.MethodDelete, path: "/tokens/:id", summary: "吊销接口令牌", tag: "accounts", roles: everyone, status: noContent, handler: s.deleteToken})
	s.add(route{method: http.MethodGet, path: "/audit", summary: "审计日志（新到旧，可按 actor、action、object_id 筛选）", tag: "accounts", roles: adminOnly, query: auditParams{}, resp: list[accounts.AuditEntry]{}, handler: s.listAudit})
	s.addPage(http.MethodGet, "/login", true, nil, s.loginForm)
	s.addPage(http.MethodGet, "/", false, everyone, s.homePage)
	s.addPage(http.MethodGet, "/account", false, everyone, s.accountPage)
	s.addPage(http.MethodPost, "/logout", false, everyone, s.logoutForm)
	s.addPage(http.MethodPost, "/account/tokens", false, everyone, s.accountCreateToken)
	s.addPage(http.MethodPost, "/account/tokens/:id/revoke", false, everyone, s.accountRevokeToken)
	s.addPage(http.MethodGet, "/admin/users", false, adminOnly, s.adminUsersPage)
	s.addPage(http.MethodPost, "/admin/users", false, adminOnly, s.adminCreateUser)
	s.addPage(http.MethodGet, "/admin/users/:id", false, adminOnly, s.adminUserEditPage)
	s.addPage(http.MethodPost, "/admin/users/:id", false, adminOnly, s.adminEditUser)
	s.addPage(http.MethodPost, "/admin/users/:id/tokens/:token_id/revoke", false, adminOnly, s.adminRevokeUserToken)
	s.addPage(http.MethodGet, "/admin/audit", false, adminOnly, s.adminAuditPage)
	// Org tree, roster and surveys in the browser (admin_orgs.go, admin_surveys.go).
	s.addPage(http.MethodGet, "/admin/orgs", false, adminOnly, s.asPage(s.adminOrgsPage))
	s.addPage(http.MethodPost, "/admin/orgs", false, adminOnly, s.adminCreateOrg)
	s.addPage(http.MethodGet, "/admin/orgs/:id", false, adminOnly, s.asPage(s.adminOrgPage))
	s.addPage(http.MethodPost, "/admin/orgs/:id/members", false, adminOnly, s.asPage(s.adminCreateMember))
	s.addPageMax(http.MethodPost, "/admin/orgs/:id/import", false, adminOnly, rosterMaxBody, s.asPage(s.adminImportRoster))
	s.addPage(http.MethodPost, "/admin/orgs/:id", false, adminOnly, s.asPage(s.adminEditOrg))
	s.addPage(http.MethodGet, "/admin/orgs/:id/delete", false, adminOnly, s.asPage(s.adminDeleteOrgPage))
	s.addPage(http.MethodPost, "/admin/orgs/:id/delete", false, adminOnly, s.asPage(s.adminDeleteOrg))
	s.addPage(http.MethodGet, "/admin/members/:id", false, adminOnly, s.asPage(s.adminMemberPage))
	s.addPage(http.MethodPost, "/admin/members/:id", false, adminOnly, s.asPage(s.adminEditMember))
	s.addPage(http.MethodGet, "/admin/members/:id/delete", false, adminOnly, s.asPage(s.adminDeleteMemberPage))
	s.addPage(http.MethodPost, "/admin/members/:id/delete", false, adminOnly, s.asPage(s.adminDeleteMember))
	s.addPage(http.MethodGet, "/admin/surveys", false, adminOnly, s.asPage(s.adminSurveysPage))
	s.addPage(http.MethodPost, "/admin/surveys", false, adminOnly, s.adminCreateSurvey)
	s.addPage(http.MethodGet, "/admin/surveys/:id", false, adminOnly, s.asPage(s.adminSurveyPage))
	s.addPage(http.MethodPost, "/admin/surveys/:id/publish", false, adminOnly, s.asPage(s.surveyAction("published", s.publish)))
	s.addPage(http.MethodPost, "/admin/surveys/:id/close", false, adminOnly, s.asPage(s.surveyAction("closed", s.closeOne)))
	s.addPage(http.MethodPost, "/admin/surveys/:id/codes", false, adminOnly, s.asPage(s.adminIssueCodes))
	// Confirmation pages before publishing, closing, deleting (admin_confirm.go).
	s.addPage(http.MethodGet, "/admin/surveys/:id/publish", false, adminOnly, s.asPage(s.confirmPage("publish")))
	s.addPage(http.MethodGet, "/admin/surveys/:id/close", false, adminOnly, s.asPage(s.confirmPage("close")))
	s.addPage(http.MethodGet, "/admin/surveys/:id/delete", false, adminOnly, s.asPage(s.confirmPage("delete")))
	s.addPage(http.MethodPost, "/admin/surveys/:id/delete", false, adminOnly, s.asPage(s.adminDeleteSurvey))
	// The survey builder and its live preview (admin_builder.go, builder.js).
	s.addPage(http.MethodGet, "/admin/surveys/:id/edit", false, adminOnly, s.asPage(s.adminSurveyEditPage))
	s.addPage(http.MethodPost, "/admin/surveys/:id/edit", false, adminOnly, s.asPage(s.adminSurveyEditLimited))
	s.addPage(http.MethodPost, "/admin/surveys/:id/preview", false, adminOnly, s.asPage(s.adminSurveyPreview))
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
