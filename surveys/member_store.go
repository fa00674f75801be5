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
	errMemberExists   = minyi.E(minyi.ErrConflict, "member_exists", "该组织下已有同名党员；如确为两人，请分别填写党员编号").At("name")
	errNumberTaken    = minyi.E(minyi.ErrConflict, "number_taken", "该党员编号已被其他党员使用").At("number")
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

// MemberIndexes are the members collection's indexes: a member number is
// unique across the tree; org, name and number together are unique, so
// same-name members of one branch need numbers that differ.
func MemberIndexes() []store.Index {
	return []store.Index{
		{Collection: collMembers, Name: "ident_unique", Keys: bson.D{{Key: "ident", Value: 1}}, Unique: true, Sparse: true},
	}
}

// RetireMemberNameIndex drops the old unique index over org and name alone
// (it refused same-name members with different numbers), if present, and
// gives members stored before it their Ident (a scan of the roster, once).
func RetireMemberNameIndex(ctx context.Context, db *mongo.Database) error {
	old, err := store.FindAll[Member](ctx, db.Collection(collMembers), bson.D{{Key: "ident", Value: bson.D{{Key: "$exists", Value: false}}}}, "members without ident")
	if err != nil {
		return err
	}
	for _, m := range old {
		if _, err := db.Collection(collMembers).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "ident", Value: m.identity()}}}}); err != nil {
			return fmt.Errorf("set member ident: %w", err)
		}
	}
	specs, err := db.Collection(collMembers).Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("list member indexes: %w", err)
	}
	for _, s := range specs {
		if s.Name == "org_name_unique" {
			if err := db.Collection(collMembers).Indexes().DropOne(ctx, s.Name); err != nil {
				return fmt.Errorf("drop member index: %w", err)
			}
		}
	}
	return nil
}

func (s *MemberStore) coll() *mongo.Collection { return s.db.Collection(collMembers) }

// Create validates m, checks its org and stores it.
func (s *MemberStore) Create(ctx context.Context, m *Member) error {
	if err := s.check(ctx, m); err != nil {
		return err
	}
	m.ID = bson.NewObjectID().Hex()
	m.Ident = m.identity()
	m.CreatedAt = s.now().UTC()
	m.UpdatedAt = m.CreatedAt
	defer s.touchRoster(ctx)
	if _, err := s.coll().InsertOne(ctx, m); err != nil {
		if store.IsDuplicate(err) {
			return s.duplicate(ctx, m)
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
	if p.Number != nil {
		m.Number = *p.Number
	}
	if p.Probationary != nil {
		m.Probationary = *p.Probationary
	}
	if err := s.check(ctx, m); err != nil {
		return nil, err
	}
	m.UpdatedAt = s.now().UTC()
	defer s.touchRoster(ctx)
	set := bson.D{
		{Key: "name", Value: m.Name}, {Key: "org_id", Value: m.OrgID}, {Key: "title", Value: m.Title},
		{Key: "probationary", Value: m.Probationary}, {Key: "updated_at", Value: m.UpdatedAt},
		{Key: "ident", Value: m.identity()},
	}
	update := bson.D{{Key: "$unset", Value: bson.D{{Key: "number", Value: ""}}}}
	if m.Number != "" {
		set, update = append(set, bson.E{Key: "number", Value: m.Number}), nil
	}
	update = append(update, bson.E{Key: "$set", Value: set})
	_, err = s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if store.IsDuplicate(err) {
		return nil, s.duplicate(ctx, m)
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

// duplicate says which unique rule m broke: its number is another
// member's, or its branch has a member of that name without a number to
// tell them apart. It reads the cached roster, never scans.
func (s *MemberStore) duplicate(ctx context.Context, m *Member) error {
	if m.Number == "" {
		return errMemberExists
	}
	all, err := s.roster(ctx)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != m.ID && o.Number == m.Number {
			return errNumberTaken
		}
	}
	return errMemberExists
}
