package surveys

import (
	"context"
	"fmt"
	"log/slog"

	"minyi"
)

// SurveyService is a survey's life as it changes: drafting, editing,
// publishing, closing, deleting a draft and issuing ballot codes. Each
// method is one domain operation: it takes ctx carrying the acting principal,
// refuses one that may not act (only admins define and run surveys), makes
// the change and writes the audit entry. The store forgets a changed survey
// in the caches it owns (SurveyStore.Cache), so nothing here has to.
type SurveyService struct {
	surveys *SurveyStore
	codes   *CodeStore
	audit   minyi.Auditor
	log     *slog.Logger
}

// NewSurveyService changes surveys and their codes, auditing to audit; log
// notes what a change left behind (the codes of a deleted draft).
func NewSurveyService(surveys *SurveyStore, codes *CodeStore, audit minyi.Auditor) *SurveyService {
	return &SurveyService{surveys: surveys, codes: codes, audit: audit, log: slog.New(slog.DiscardHandler)}
}

// WithLogger sets the logger of s and returns s.
func (s *SurveyService) WithLogger(log *slog.Logger) *SurveyService {
	if log != nil {
		s.log = log
	}
	return s
}

func (s *SurveyService) record(ctx context.Context, action string, sv *Survey, summary string) {
	s.audit.Audit(ctx, minyi.AuditRecord{Action: action, ObjectType: "survey", ObjectID: sv.ID, Summary: summary})
}

// CreateSurvey stores sv as a new draft.
func (s *SurveyService) CreateSurvey(ctx context.Context, sv *Survey) error {
	if _, err := minyi.Require(ctx); err != nil {
		return err
	}
	if err := s.surveys.Create(ctx, sv); err != nil {
		return err
	}
	s.record(ctx, "survey.create", sv, "创建测评「"+sv.Title+"」")
	return nil
}

// CreateFromTemplate makes a draft from template key, adjusted by o.
func (s *SurveyService) CreateFromTemplate(ctx context.Context, key string, o TemplateOptions) (*Survey, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	sv, err := s.surveys.CreateFromTemplate(ctx, key, o)
	if err != nil {
		return nil, err
	}
	s.record(ctx, "survey.create", sv, "用模板 "+key+" 创建测评「"+sv.Title+"」")
	return sv, nil
}

// UpdateSurvey applies p to survey id (after publishing only the title,
// description and closing time).
func (s *SurveyService) UpdateSurvey(ctx context.Context, id string, p SurveyPatch) (*Survey, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	sv, err := s.surveys.Update(ctx, id, p)
	if err != nil {
		return nil, err
	}
	s.record(ctx, "survey.update", sv, "修改测评「"+sv.Title+"」")
	return sv, nil
}

// PublishSurvey freezes draft id as version 1 with its public slug.
func (s *SurveyService) PublishSurvey(ctx context.Context, id string) (*Survey, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	sv, err := s.surveys.Publish(ctx, id)
	if err != nil {
		return nil, err
	}
	s.record(ctx, "survey.publish", sv, "发布测评「"+sv.Title+"」")
	return sv, nil
}

// CloseSurvey ends published survey id: no more ballots are accepted.
func (s *SurveyService) CloseSurvey(ctx context.Context, id string) (*Survey, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	sv, err := s.surveys.Close(ctx, id)
	if err != nil {
		return nil, err
	}
	s.record(ctx, "survey.close", sv, "结束测评「"+sv.Title+"」")
	return sv, nil
}

// DeleteDraft deletes draft id with the codes issued for it and returns it
// as it was; a published or closed survey is history (409 survey_not_draft).
func (s *SurveyService) DeleteDraft(ctx context.Context, id string) (*Survey, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	sv, err := s.surveys.Delete(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := s.codes.DeleteSurvey(ctx, sv.ID)
	if err != nil {
		// The draft is gone; its codes match no survey any more. Say so
		// and carry on rather than fail a delete that happened.
		s.log.WarnContext(ctx, "codes of a deleted survey left behind",
			"request_id", minyi.RequestIDFrom(ctx), "survey", sv.ID, "err", err)
	}
	s.record(ctx, "survey.delete", sv, fmt.Sprintf("删除测评草稿「%s」（及其测评码 %d 个）", sv.Title, n))
	return sv, nil
}

// IssueCodes creates count new ballot codes for rater group of survey id
// and returns them in clear, normalised (shown only to the caller).
func (s *SurveyService) IssueCodes(ctx context.Context, id, group string, count int) ([]string, error) {
	issued, err := s.IssueCodesFor(ctx, id, CodeRequest{Count: count, RaterGroup: group})
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(issued))
	for i, c := range issued {
		codes[i] = c.Code
	}
	return codes, nil
}
