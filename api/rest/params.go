package rest

import (
	"minyi/surveys"
)

// The query parameters of each JSON endpoint, declared once for the
// OpenAPI document (route.query). TestOpenAPIQueryParamsRead checks that
// each handler reads exactly the names its struct declares, so the two
// cannot drift. Tags: form (name, default=), doc (Chinese description),
// binding:"required", minimum, maximum, enum.

// PageParams is every paged list's ?limit= and ?after= (see page).
type PageParams struct {
	Limit int    `form:"limit,default=50" minimum:"1" maximum:"500" doc:"每页条数"`
	After string `form:"after" doc:"上一页响应中的 next，从其后接着取"`
}

type MemberParams struct {
	PageParams
	OrgID string `form:"org_id" doc:"只列该组织及其下级组织的党员"`
	Q     string `form:"q" doc:"按姓名查找"`
}

type ImportParams struct {
	Partial bool `form:"partial,default=false" doc:"true：只导入正确的行，其余报错"`
	DryRun  bool `form:"dry_run,default=false" doc:"true：只检查、不保存"`
}

type SurveyListParams struct {
	PageParams
	Status surveys.Status `form:"status" doc:"按状态筛选"`
}

// PrintParams choose which codes printCards prints.
type PrintParams struct {
	RaterGroup string `form:"rater_group" doc:"只打印该评价群体的测评码"`
	All        string `form:"all" enum:"true" doc:"true：含已使用的测评码（默认只含未使用的）"`
}

type PrintPageParams struct {
	PrintParams
	Page int `form:"page,default=1" minimum:"1" doc:"第几页（总页数见响应头 X-Page-Count）"`
}

type QrParams struct {
	Module int `form:"module,default=8" minimum:"2" maximum:"32" doc:"二维码每个模块的像素数"`
}

// ResultsParams filter a scorecard (results and its workbook).
type ResultsParams struct {
	Group string `form:"group" doc:"只看该评价群体的评价"`
	OrgID string `form:"org_id" doc:"只看该组织及其下级组织的测评对象"`
}

type TextParams struct {
	PageParams
	Question string `form:"question" binding:"required" doc:"文字题的 key"`
}

// WorkOrderFilterParams are read by workOrderFilter (list, stats, ledger).
type WorkOrderFilterParams struct {
	OrgID string `form:"org_id" doc:"只看该组织及其下级组织承办的工单"`
	From  string `form:"from" doc:"开始日期 YYYY-MM-DD（含）或 RFC 3339 时间"`
	To    string `form:"to" doc:"结束日期 YYYY-MM-DD（含）或 RFC 3339 时间（不含）"`
}

type WorkOrderListParams struct {
	PageParams
	WorkOrderFilterParams
	Status  string `form:"status" doc:"按状态筛选，多个用逗号分隔"`
	Overdue string `form:"overdue" enum:"true,false" doc:"true：只看超期的"`
	Q       string `form:"q" doc:"关键词（编号、内容）或来电号码（仅接线员、管理员，记入审计）"`
	// The workspace's filters (workorders_ws.go).
	Kind       string `form:"kind" doc:"按诉求类型筛选"`
	Channel    string `form:"channel" doc:"按来源筛选"`
	Category   string `form:"category" doc:"按问题分类筛选（分类路径，含下级分类）"`
	Supervised string `form:"supervised" enum:"true,false" doc:"true：只看督办过的"`
}

type TokenListParams struct {
	PageParams
	UserID string `form:"user_id" doc:"管理员：只看该用户的令牌"`
}

type AuditParams struct {
	PageParams
	Actor    string `form:"actor" doc:"操作人（登录名或用户编号）"`
	Action   string `form:"action" doc:"操作，如 survey.publish"`
	ObjectID string `form:"object_id" doc:"对象编号"`
}

// PublicSurveyParams: the survey as the ballot of a code sees it.
type PublicSurveyParams struct {
	Code string `form:"code" doc:"测评码：只列出该码的评议对象（按组织、按人发放的码）"`
}
