package api

import (
	"net/http"
	"reflect"
	"slices"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/api/openapi"
	"minyi/api/rest"
	"minyi/assessments"
	"minyi/commitments"
	"minyi/feedback"
	"minyi/surveys"
)

// openapi serves an OpenAPI 3 document generated from the route table, so
// every endpoint documents itself when it is registered: its parameters,
// bodies and answers are read by reflection from the Go types the handler
// decodes and writes.
//
// Who may read what: a caller without valid credentials gets the document
// of the public endpoints only (submitting a ballot, signing in, the
// hotline form); any signed-in caller gets the whole document, not cached.
func (s *Server) openapi(c *gin.Context) error {
	p, err := s.principalFrom(c)
	if err != nil {
		c.JSON(http.StatusOK, s.openapiDoc(false))
		return nil
	}
	c.Header("Cache-Control", "no-store")
	httpx.SetPrincipal(c, p)
	c.JSON(http.StatusOK, s.openapiDoc(true))
	s.auditBootstrapUse(c, p)
	return nil
}

// openapiDoc is the document of every route, or of the public ones only.
func (s *Server) openapiDoc(all bool) map[string]any {
	ops := make([]openapi.Operation, 0, len(s.routes))
	for _, r := range s.routes {
		if all || r.public {
			ops = append(ops, r.operation())
		}
	}
	return openapi.Document(openapi.Info{
		Title:       "Minyi API",
		Version:     s.version,
		Description: "民意：党员与党支部满意度测评、民主评议、热线工单与测评结果汇总。",
		Server:      "/",
	}, ops, withWorkspaceEnums(openapiOptions))
}

// operation is r as the document shows it.
func (r route) operation() openapi.Operation {
	op := openapi.Operation{
		Method: r.method, Path: "/api/v1" + r.path, ID: openapi.OperationID(r.method, r.path),
		Summary: r.summary, Tag: r.tag,
		Body: r.body, BodyForm: r.form, Upload: r.upload, Query: r.query,
		Status: r.status, Response: r.resp, Binary: r.file,
		Errors: r.errors(),
	}
	if !r.public {
		op.Roles = []string{string(accounts.RoleAdmin)}
		for _, role := range r.roles {
			op.Roles = append(op.Roles, string(role))
		}
		// A session cookie needs the CSRF header on every unsafe method
		// (auth.go); a bearer token never does.
		session := []string{"session"}
		if r.method != http.MethodGet && r.method != http.MethodHead {
			session = append(session, "csrf")
		}
		op.Security = [][]string{{"bearer"}, session}
	}
	if _, ok := r.query.(rest.PrintPageParams); ok {
		op.Headers = map[string]string{"X-Page-Count": "测评码的总页数"}
	}
	return op
}

// errors are the error statuses r can answer: those implied by how it is
// registered and what it reads, then its own.
func (r route) errors() []int {
	var out []int
	if !r.public {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	if r.body != nil || r.upload != "" {
		out = append(out, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity)
	}
	if r.query != nil {
		out = append(out, http.StatusUnprocessableEntity)
	}
	if len(openapi.PathParams(r.path)) > 0 {
		out = append(out, http.StatusNotFound)
	}
	out = append(out, http.StatusServiceUnavailable)
	out = append(out, r.errs...)
	slices.Sort(out)
	return slices.Compact(out)
}

// openapiOptions are what reflection cannot see: types that encode
// themselves, the values of enumerated strings, the error shape and how
// callers authenticate.
var openapiOptions = openapi.Options{
	Types: map[reflect.Type]openapi.Schema{
		reflect.TypeFor[analytics.Number](): {"type": "number", "nullable": true, "description": "保留 4 位小数；无法计算时为 null"},
		reflect.TypeFor[rest.OptTime]():     {"type": "string", "format": "date-time", "nullable": true, "description": "null 清除"},
	},
	Enums: map[reflect.Type][]string{
		reflect.TypeFor[surveys.Kind]():       enumOf(surveys.KindSatisfaction, surveys.KindAppraisal, surveys.KindQuestionnaire),
		reflect.TypeFor[surveys.Status]():     enumOf(surveys.StatusDraft, surveys.StatusPublished, surveys.StatusClosed),
		reflect.TypeFor[surveys.OrgKind]():    enumOf(surveys.OrgCommittee, surveys.OrgGeneralBranch, surveys.OrgBranch),
		reflect.TypeFor[accounts.Role]():      enumOf(accounts.RoleAdmin, accounts.RoleLeader, accounts.RoleOperator, accounts.RoleSecretary),
		reflect.TypeFor[feedback.Status]():    enumOf(feedback.StatusReceived, feedback.StatusAssigned, feedback.StatusAccepted, feedback.StatusReturned, feedback.StatusReplied, feedback.StatusClosed, feedback.StatusCalledBack),
		reflect.TypeFor[feedback.Kind]():      enumOf(feedback.KindOpinion, feedback.KindSuggestion, feedback.KindComplaint, feedback.KindPraise, feedback.KindEnquiry, feedback.KindHelp),
		reflect.TypeFor[feedback.Action]():    enumOf(feedback.ActionReceive, feedback.ActionAssign, feedback.ActionAccept, feedback.ActionReturn, feedback.ActionExtend, feedback.ActionReply, feedback.ActionClose, feedback.ActionCallback, feedback.ActionReopen, feedback.ActionSupervise),
		reflect.TypeFor[assessments.Kind]():   enumOf(assessments.KindSurvey, assessments.KindHotline, assessments.KindCommitments, assessments.KindManual),
		reflect.TypeFor[assessments.Status](): enumOf(assessments.StatusDraft, assessments.StatusPublished, assessments.StatusClosed),
		reflect.TypeFor[feedback.Channel]():   enumOf(feedback.ChannelHotline, feedback.ChannelWeb, feedback.ChannelVisit, feedback.ChannelMail),
		// Commitments.
		reflect.TypeFor[commitments.OwnerType](): enumOf(commitments.OwnerMember, commitments.OwnerOrg),
		reflect.TypeFor[commitments.Area]():      enumOf(commitments.Areas...),
		reflect.TypeFor[commitments.Status]():    enumOf(commitments.StatusDraft, commitments.StatusSubmitted, commitments.StatusReturned, commitments.StatusApproved, commitments.StatusCompleted),
		reflect.TypeFor[commitments.Outcome]():   enumOf(commitments.OutcomeFulfilled, commitments.OutcomePartly, commitments.OutcomeUnfulfilled),
	},
	Error: httpx.ErrorBody{},
	Names: map[reflect.Type]string{reflect.TypeFor[httpx.ErrorBody](): "Error", reflect.TypeFor[httpx.ErrorDetail](): "ErrorDetail"},
	Tags: map[string]string{
		"orgs":        "组织树",
		"members":     "党员名册",
		"surveys":     "测评定义、模板、测评码和二维码",
		"ballots":     "答卷：评议人提交、代录、原始答卷",
		"results":     "测评结果、最终等次、文字题答案、结果导出",
		"work-orders": "热线工单：受理、流转、统计、台账",
		"accounts":    "用户、登录、接口令牌、审计日志",
		"assessments": "综合考评：方案、结果、公示与异议、最终等次、趋势、汇总表",
		"commitments": "公开承诺：承诺、审诺、示诺、践诺、评诺，台账与统计",
	},
	SecuritySchemes: map[string]any{
		"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "接口令牌（POST /api/v1/tokens）或 MINYI_ADMIN_TOKEN"},
		"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "登录（POST /api/v1/session）后的会话 Cookie"},
		"csrf":    map[string]any{"type": "apiKey", "in": "header", "name": csrfHeader, "description": "用会话 Cookie 时，非 GET 请求须带 GET /api/v1/session 返回的 csrf_token"},
	},
}

func enumOf[T ~string](vals ...T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}
