package surveys

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
	"minyi/store"
)

const (
	collSurveys        = "surveys"
	collSurveyVersions = "survey_versions"
)

var (
	errSurveyNotFound = minyi.NotFound("survey_not_found", "测评")
	errSurveyNotDraft = minyi.E(minyi.ErrConflict, "survey_not_draft", "只有草稿状态的测评可以发布")
	errSurveyChanged  = minyi.E(minyi.ErrConflict, "survey_changed", "测评已被他人修改或状态已变化，请刷新后重试")
	errNotPublished   = minyi.E(minyi.ErrConflict, "survey_not_published", "测评尚未发布或已经结束")
	errDeleteNotDraft = minyi.E(minyi.ErrConflict, "survey_not_draft", "只有草稿状态的测评可以删除；已发布或已结束的测评是历史记录，可以结束但不能删除")
)

// SurveyStore keeps survey definitions and their frozen versions.
type SurveyStore struct {
	db      *mongo.Database
	orgs    *OrgStore
	members *MemberStore
	now     func() time.Time
	caches  surveyCaches // see Cache
}

// NewSurveyStore returns a store over db; orgs and members resolve subjects,
// now is the clock.
func NewSurveyStore(db *mongo.Database, orgs *OrgStore, members *MemberStore, now func() time.Time) *SurveyStore {
	return &SurveyStore{db: db, orgs: orgs, members: members, now: now}
}

// SurveyIndexes are the survey collections' indexes. Drafts have no slug,
// so the unique slug index is sparse.
func SurveyIndexes() []store.Index {
	return []store.Index{
		{Collection: collSurveys, Name: "slug_unique", Keys: bson.D{{Key: "slug", Value: 1}}, Unique: true, Sparse: true},
		{Collection: collSurveyVersions, Name: "survey_version", Keys: bson.D{{Key: "survey_id", Value: 1}, {Key: "version", Value: 1}}, Unique: true},
	}
}

func (s *SurveyStore) coll() *mongo.Collection { return s.db.Collection(collSurveys) }

// Create validates sv as a draft, names its subjects and stores it.
func (s *SurveyStore) Create(ctx context.Context, sv *Survey) error {
	sv.Normalize()
	if err := s.check(ctx, sv, StageDraft); err != nil {
		return err
	}
	now := s.now().UTC()
	sv.ID = bson.NewObjectID().Hex()
	sv.Status, sv.Version, sv.Slug = StatusDraft, 0, ""
	sv.CreatedAt, sv.UpdatedAt = now, now
	sv.PublishedAt, sv.ClosedAt = nil, nil
	if _, err := s.coll().InsertOne(ctx, sv); err != nil {
		return fmt.Errorf("insert survey: %w", err)
	}
	return nil
}

// check validates sv at stage, including that its subjects and org exist,
// and fills the subjects' names.
func (s *SurveyStore) check(ctx context.Context, sv *Survey, stage Stage) error {
	fe := sv.problems(stage)
	r, err := s.loadRefs(ctx, sv)
	if err != nil {
		return err
	}
	r.check(sv, &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	r.describe(sv)
	return nil
}

// Get returns the survey with id.
func (s *SurveyStore) Get(ctx context.Context, id string) (*Survey, error) {
	return s.findOne(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetBySlug returns the published (or closed) survey with the public slug.
func (s *SurveyStore) GetBySlug(ctx context.Context, slug string) (*Survey, error) {
	if slug == "" {
		return nil, errSurveyNotFound
	}
	return s.findOne(ctx, bson.D{{Key: "slug", Value: slug}})
}

func (s *SurveyStore) findOne(ctx context.Context, filter bson.D) (*Survey, error) {
	var sv Survey
	err := s.coll().FindOne(ctx, filter).Decode(&sv)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errSurveyNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get survey: %w", err)
	}
	return &sv, nil
}

// GetVersion returns the frozen definition of survey id at version: what a
// ballot with that version answered.
func (s *SurveyStore) GetVersion(ctx context.Context, id string, version int) (*Survey, error) {
	var doc surveyVersion
	err := s.db.Collection(collSurveyVersions).FindOne(ctx, bson.D{{Key: "_id", Value: versionID(id, version)}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// The archive copy is written after the publish itself; should
		// that write have failed, the survey still holds its only version.
		sv, err := s.Get(ctx, id)
		if err == nil && sv.Version == version && sv.Status != StatusDraft {
			return sv, nil
		}
		return nil, minyi.NotFound("survey_version_not_found", "该版本的测评")
	}
	if err != nil {
		return nil, fmt.Errorf("get survey version: %w", err)
	}
	return &doc.Definition, nil
}

// surveyVersion is the archived copy of a definition as frozen at publish.
type surveyVersion struct {
	ID         string    `bson:"_id"`
	SurveyID   string    `bson:"survey_id"`
	Version    int       `bson:"version"`
	Definition Survey    `bson:"definition"`
	CreatedAt  time.Time `bson:"created_at"`
}

func versionID(id string, version int) string { return fmt.Sprintf("%s@%d", id, version) }

// SurveyFilter narrows List. Zero values do not filter.
type SurveyFilter struct {
	Status Status
	// OrgIDs, when not nil, keeps the surveys run by one of these orgs or
	// rating a subject in one of them (a secretary's subtree); an empty,
	// non-nil slice keeps none.
	OrgIDs []string
}

// List returns up to limit surveys, newest first, after the given id, and
// the cursor of the next page. status filters when not empty.
func (s *SurveyStore) List(ctx context.Context, status Status, after string, limit int) ([]Survey, string, error) {
	return s.ListFiltered(ctx, SurveyFilter{Status: status}, after, limit)
}

// ListFiltered is List with every filter: up to limit surveys matching f,
// newest first, after the given id, and the cursor of the next page. The
// filter is part of the query, so every page but the last is full.
func (s *SurveyStore) ListFiltered(ctx context.Context, f SurveyFilter, after string, limit int) ([]Survey, string, error) {
	filter := bson.D{}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: f.Status})
	}
	if f.OrgIDs != nil {
		in := bson.D{{Key: "$in", Value: f.OrgIDs}}
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "org_id", Value: in}},
			bson.D{{Key: "subjects.org_id", Value: in}},
		}})
	}
	return store.FindPage(ctx, s.coll(), filter, after, limit, true, func(sv *Survey) string { return sv.ID }, "surveys")
}

// Delete removes draft id and returns it. A published or closed survey is
// history (ballots and results refer to it) and is never deleted. The
// caller removes the draft's codes (CodeStore.DeleteSurvey).
func (s *SurveyStore) Delete(ctx context.Context, id string) (*Survey, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if sv.Status != StatusDraft {
		return nil, errDeleteNotDraft
	}
	// The status in the filter: a publish between the read and here wins.
	res, err := s.coll().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: StatusDraft}})
	if err != nil {
		return nil, fmt.Errorf("delete survey: %w", err)
	}
	if res.DeletedCount == 0 {
		return nil, errSurveyChanged
	}
	s.forget(sv)
	return sv, nil
}

// Publish freezes draft id as version 1: it re-validates it completely,
// expands "every member of org X" subjects, names every subject and gives
// the survey its public slug.
func (s *SurveyStore) Publish(ctx context.Context, id string) (*Survey, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if sv.Status != StatusDraft {
		return nil, errSurveyNotDraft
	}
	plan, err := s.PlanPublish(ctx, sv)
	if err != nil {
		return nil, err
	}
	if err := plan.Problems.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	sv.Subjects = plan.Subjects
	sv.Status, sv.Version = StatusPublished, 1
	sv.PublishedAt, sv.UpdatedAt = &now, now
	for attempt := 0; ; attempt++ {
		sv.Slug = newSlug()
		res, err := s.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: StatusDraft}}, sv)
		if store.IsDuplicate(err) && attempt < 3 {
			continue // a slug collision: 50 random bits make this all but impossible
		}
		if err != nil {
			return nil, fmt.Errorf("publish survey: %w", err)
		}
		if res.MatchedCount == 0 {
			return nil, errSurveyChanged
		}
		break
	}
	_, err = s.db.Collection(collSurveyVersions).InsertOne(ctx, surveyVersion{
		ID: versionID(id, sv.Version), SurveyID: id, Version: sv.Version, Definition: *sv, CreatedAt: now,
	})
	s.forget(sv)
	if err != nil && !store.IsDuplicate(err) {
		return nil, fmt.Errorf("archive survey version: %w", err)
	}
	return sv, nil
}

// newSlug is 10 lower-case base32 characters of crypto/rand: 50 bits, short
// enough for a QR code and a link read aloud, far too many to guess.
func newSlug() string {
	var b [7]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))[:10]
}

// Close ends a published survey: no more ballots are accepted.
func (s *SurveyStore) Close(ctx context.Context, id string) (*Survey, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if sv.Status != StatusPublished {
		return nil, errNotPublished
	}
	now := s.now().UTC()
	sv.Status, sv.ClosedAt, sv.UpdatedAt = StatusClosed, &now, now
	res, err := s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: StatusPublished}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: sv.Status}, {Key: "closed_at", Value: now}, {Key: "updated_at", Value: now}}}})
	if err != nil {
		return nil, fmt.Errorf("close survey: %w", err)
	}
	if res.MatchedCount == 0 {
		return nil, errSurveyChanged
	}
	s.forget(sv)
	return sv, nil
}
