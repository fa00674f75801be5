package surveys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
	"minyi/store"
)

var (
	errMemberExists   = minyi.E(minyi.ErrConflict, "member_exists", "该组织下已有同名党员").At("name")
	errMemberNotFound = minyi.NotFound("member_not_found", "党员")
)

// MemberStore keeps the member roster.
type MemberStore struct {
	db    *mongo.Database
	orgs  *OrgStore
	now   func() time.Time
	cache rosterCache // the roster in memory (member_store_cache.go)
}

// NewMemberStore returns a store over db; orgs resolves the org a member
// belongs to, now is the clock.
func NewMemberStore(db *mongo.Database, orgs *OrgStore, now func() time.Time) *MemberStore {
	return &MemberStore{db: db, orgs: orgs, now: now}
}

// MemberIndexes are the members collection's indexes. org_id+name is unique:
// it is how the roster import recognises a member it already has.
func MemberIndexes() []store.Index {
	return []store.Index{
		{Collection: collMembers, Name: "org_name_unique", Keys: bson.D{{Key: "org_id", Value: 1}, {Key: "name", Value: 1}}, Unique: true},
	}
}

func (s *MemberStore) coll() *mongo.Collection { return s.db.Collection(collMembers) }

// Create validates m, checks its org and stores it.
func (s *MemberStore) Create(ctx context.Context, m *Member) error {
	if err := s.check(ctx, m); err != nil {
		return err
	}
	m.ID = bson.NewObjectID().Hex()
	m.CreatedAt = s.now().UTC()
	m.UpdatedAt = m.CreatedAt
	defer s.touchRoster(ctx)
	if _, err := s.coll().InsertOne(ctx, m); err != nil {
		if store.IsDuplicate(err) {
			return errMemberExists
		}
		return fmt.Errorf("insert member: %w", err)
	}
	return nil
}

// check validates m's fields and that its org exists.
func (s *MemberStore) check(ctx context.Context, m *Member) error {
	var fe minyi.FieldErrors
	m.validate(&fe)
	if m.OrgID != "" {
		_, err := s.orgs.Get(ctx, m.OrgID)
		switch {
		case errors.Is(err, minyi.ErrNotFound):
			fe.Add("org_id", "unknown_org", "所在组织不存在")
		case err != nil:
			return err
		}
	}
	return fe.Err()
}

// Get returns the member with id.
func (s *MemberStore) Get(ctx context.Context, id string) (*Member, error) {
	var m Member
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errMemberNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get member: %w", err)
	}
	return &m, nil
}

// Update applies p to member id.
func (s *MemberStore) Update(ctx context.Context, id string, p MemberPatch) (*Member, error) {
	m, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		m.Name = *p.Name
	}
	if p.OrgID != nil {
		m.OrgID = *p.OrgID
	}
	if p.Title != nil {
		m.Title = *p.Title
	}
	if p.Probationary != nil {
		m.Probationary = *p.Probationary
	}
	if err := s.check(ctx, m); err != nil {
		return nil, err
	}
	m.UpdatedAt = s.now().UTC()
	defer s.touchRoster(ctx)
	_, err = s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "name", Value: m.Name}, {Key: "org_id", Value: m.OrgID}, {Key: "title", Value: m.Title},
		{Key: "probationary", Value: m.Probationary}, {Key: "updated_at", Value: m.UpdatedAt},
	}}})
	if store.IsDuplicate(err) {
		return nil, errMemberExists
	}
	if err != nil {
		return nil, fmt.Errorf("update member: %w", err)
	}
	return m, nil
}

// Delete removes member id. Published surveys keep the member's name in
// their frozen subjects, so their results stay readable.
func (s *MemberStore) Delete(ctx context.Context, id string) (*Member, error) {
	var m Member
	defer s.touchRoster(ctx)
	err := s.coll().FindOneAndDelete(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errMemberNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("delete member: %w", err)
	}
	return &m, nil
}
