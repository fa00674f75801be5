package surveys

import (
	"context"
	"fmt"

	"minyi"
)

// CodeRequest asks for ballot codes (API.md, second round): Count codes of
// RaterGroup, optionally scoped to the member subjects of OrgID's subtree,
// or one personal code per member subject of that scope (PerMember self or
// peer; Count is then ignored).
type CodeRequest struct {
	Count      int
	RaterGroup string
	OrgID      string
	PerMember  string
}

// IssueFor creates the codes req asks for; scope is OrgID's subtree (nil
// without OrgID). The codes come back in clear, personal ones naming their
// member, in the survey's subject order.
func (s *CodeStore) IssueFor(ctx context.Context, sv *Survey, req CodeRequest, scope []string) ([]IssuedCode, error) {
	if sv.Access.Mode != AccessCode && len(sv.Access.PublicGroups) == 0 {
		return nil, minyi.E(minyi.ErrConflict, "survey_not_code_mode", "该测评凭链接参与，不使用测评码；如需测评码，请把参与方式改为 code")
	}
	if sv.Status == StatusClosed {
		return nil, minyi.E(minyi.ErrConflict, "survey_closed", "测评已结束，不能再发放测评码")
	}
	templates, err := codeTemplates(sv, req, scope)
	if err != nil {
		return nil, err
	}
	return s.insert(ctx, templates)
}

// codeTemplates is one Code (without hash and seal) for each code to issue.
func codeTemplates(sv *Survey, req CodeRequest, scope []string) ([]Code, error) {
	var fe minyi.FieldErrors
	if _, ok := sv.RaterGroup(req.RaterGroup); !ok {
		fe.Add("rater_group", "unknown_group", "评价群体不存在")
	}
	switch req.PerMember {
	case "", PerMemberSelf, PerMemberPeer:
	default:
		fe.Add("per_member", "invalid", "per_member 应为 self（本人）或 peer（互评）")
	}
	if req.PerMember == "" && (req.Count < 1 || req.Count > MaxCodesBatch) {
		fe.Addf("count", "out_of_range", "一次可生成1到%d个测评码", MaxCodesBatch)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	base := Code{SurveyID: sv.ID, RaterGroup: req.RaterGroup, OrgID: req.OrgID, OrgScope: scope, PerMember: req.PerMember}
	if req.PerMember == "" {
		out := make([]Code, req.Count)
		for i := range out {
			out[i] = base
		}
		return out, nil
	}
	var out []Code
	for _, sub := range sv.For(&Code{OrgID: req.OrgID, OrgScope: scope}).Subjects {
		if sub.Type != SubjectMember {
			continue
		}
		c := base
		c.MemberID = sub.ID
		out = append(out, c)
	}
	if len(out) == 0 {
		fe.Add("per_member", "no_members", "所选范围内没有评议对象（党员），无法按人生成测评码")
		return nil, fe.Err()
	}
	if len(out) > MaxCodesBatch {
		fe.Addf("per_member", "out_of_range", "一次最多生成%d个测评码", MaxCodesBatch)
		return nil, fe.Err()
	}
	return out, nil
}

// IssueCodesFor creates the ballot codes req asks for on survey id and
// returns them in clear (shown only to the caller).
func (s *SurveyService) IssueCodesFor(ctx context.Context, id string, req CodeRequest) ([]IssuedCode, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	sv, err := s.surveys.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	var scope []string
	if req.OrgID != "" {
		if ok, err := s.surveys.orgs.Exists(ctx, req.OrgID); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			var fe minyi.FieldErrors
			fe.Add("org_id", "unknown_org", "组织不存在")
			return nil, fe.Err()
		}
		scope, err = s.surveys.orgs.Subtree(ctx, req.OrgID)
		if err != nil {
			return nil, err
		}
	}
	codes, err := s.codes.IssueFor(ctx, sv, req, scope)
	if err != nil {
		return nil, err
	}
	what := ""
	switch req.PerMember {
	case PerMemberSelf:
		what = "（本人，每人一个）"
	case PerMemberPeer:
		what = "（互评，每人一个）"
	}
	if req.OrgID != "" {
		what += "（限组织 " + req.OrgID + "）"
	}
	s.record(ctx, "codes.issue", sv, fmt.Sprintf("为测评「%s」的评价群体 %s 生成测评码 %d 个%s", sv.Title, req.RaterGroup, len(codes), what))
	return codes, nil
}
