package analytics

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
	"minyi/surveys"
)

const collFinalGrades = "final_grades"

// MaxReasonLength bounds a final grade's reason, in characters.
const MaxReasonLength = 1000

// FinalGradeRecord is one recorded final grade. Every change is a new
// record, so the history stays; the latest per subject is the final grade.
type FinalGradeRecord struct {
	ID         string `bson:"_id" json:"id"`
	SurveyID   string `bson:"survey_id" json:"survey_id"`
	SubjectID  string `bson:"subject_id" json:"subject_id"`
	FinalGrade `bson:",inline"`
}

// FinalGradeStore keeps the final grades branches record over the
// recommendations.
type FinalGradeStore struct {
	db  *mongo.Database
	now func() time.Time
}

// NewFinalGradeStore returns the store over db; now is the clock.
func NewFinalGradeStore(db *mongo.Database, now func() time.Time) *FinalGradeStore {
	return &FinalGradeStore{db: db, now: now}
}

// FinalGradeIndexes: a survey's records are read together, in order.
func FinalGradeIndexes() []store.Index {
	return []store.Index{
		{Collection: collFinalGrades, Name: "survey_subject", Keys: bson.D{{Key: "survey_id", Value: 1}, {Key: "subject_id", Value: 1}, {Key: "_id", Value: 1}}},
	}
}

func (s *FinalGradeStore) coll() *mongo.Collection { return s.db.Collection(collFinalGrades) }

// Set records grade as the final grade of subject in survey sv, by whom,
// with a reason. The grade must be one of the survey's grades and the
// reason is required.
func (s *FinalGradeStore) Set(ctx context.Context, sv *surveys.Survey, subjectID, grade, reason, by string) (*FinalGradeRecord, error) {
	if !hasSubject(sv, subjectID) {
		return nil, minyi.NotFound("subject_not_found", "测评对象")
	}
	reason = strings.TrimSpace(reason)
	var fe minyi.FieldErrors
	label, ok := "", false
	for _, g := range sv.Scoring.Grades {
		if g.Key == grade {
			label, ok = g.Label, true
		}
	}
	if !ok {
		fe.Add("grade", "unknown_grade", "等次不是本测评设定的等次之一")
	}
	switch {
	case reason == "":
		fe.Add("reason", "required", "请填写确定等次的理由")
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		fe.Addf("reason", "too_long", "理由不能超过 %d 个字", MaxReasonLength)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	r := &FinalGradeRecord{
		ID: bson.NewObjectID().Hex(), SurveyID: sv.ID, SubjectID: subjectID,
		FinalGrade: FinalGrade{Key: grade, Label: label, Reason: reason, SetBy: by, SetAt: s.now().UTC()},
	}
	if _, err := s.coll().InsertOne(ctx, r); err != nil {
		return nil, fmt.Errorf("insert final grade: %w", err)
	}
	return r, nil
}

// History returns every record of the survey, oldest first.
func (s *FinalGradeStore) History(ctx context.Context, surveyID string) ([]FinalGradeRecord, error) {
	cur, err := s.coll().Find(ctx, bson.D{{Key: "survey_id", Value: surveyID}}, options.Find().SetSort(bson.D{{Key: "set_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list final grades: %w", err)
	}
	out := []FinalGradeRecord{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list final grades: %w", err)
	}
	return out, nil
}

// Latest returns each subject's final grade: its latest record.
func (s *FinalGradeStore) Latest(ctx context.Context, surveyID string) (map[string]FinalGrade, error) {
	h, err := s.History(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]FinalGrade, len(h))
	for _, r := range h {
		out[r.SubjectID] = r.FinalGrade
	}
	return out, nil
}

func hasSubject(sv *surveys.Survey, id string) bool {
	for _, s := range sv.Subjects {
		if s.ID == id {
			return true
		}
	}
	return false
}
