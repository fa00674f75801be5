package surveys

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

const (
	collOrgs    = "orgs"
	collMembers = "members"
)

var (
	errOrgCodeTaken = minyi.E(minyi.ErrConflict, "org_code_taken", "组织编码已被使用").At("code")
	errOrgNotFound  = minyi.NotFound("org_not_found", "组织")
)

// OrgStore keeps the org tree.
type OrgStore struct {
	db  *mongo.Database
	now func() time.Time
}

// NewOrgStore returns a store over db; now is the clock.
func NewOrgStore(db *mongo.Database, now func() time.Time) *OrgStore {
	return &OrgStore{db: db, now: now}
}

// OrgIndexes are the indexes the org and member collections need.
func OrgIndexes() []store.Index {
	return []store.Index{
		{Collection: collOrgs, Name: "code_unique", Keys: bson.D{{Key: "code", Value: 1}}, Unique: true},
		{Collection: collOrgs, Name: "path", Keys: bson.D{{Key: "path", Value: 1}}},
		{Collection: collOrgs, Name: "parent", Keys: bson.D{{Key: "parent_id", Value: 1}}},
	}
}

func (s *OrgStore) coll() *mongo.Collection { return s.db.Collection(collOrgs) }

// Create validates o, places it under its parent and stores it.
func (s *OrgStore) Create(ctx context.Context, o *Org) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if err := s.place(ctx, o); err != nil {
		return err
	}
	o.ID = bson.NewObjectID().Hex()
	o.CreatedAt = s.now().UTC()
	o.UpdatedAt = o.CreatedAt
	if _, err := s.coll().InsertOne(ctx, o); err != nil {
		if store.IsDuplicate(err) {
			return errOrgCodeTaken
		}
		return fmt.Errorf("insert org: %w", err)
	}
	return nil
}

// place checks the parent and sets the ancestor path.
func (s *OrgStore) place(ctx context.Context, o *Org) error {
	o.Path = []string{}
	if o.ParentID == "" {
		return nil
	}
	parent, err := s.Get(ctx, o.ParentID)
	if errors.Is(err, minyi.ErrNotFound) {
		var fe minyi.FieldErrors
		fe.Add("parent_id", "unknown_org", "上级组织不存在")
		return fe.Err()
	}
	if err != nil {
		return err
	}
	if parent.Kind.rank() <= o.Kind.rank() {
		var fe minyi.FieldErrors
		fe.Addf("parent_id", "invalid_parent", "%s不能设在%s之下", o.Kind.Label(), parent.Kind.Label())
		return fe.Err()
	}
	o.Path = append(append([]string{}, parent.Path...), parent.ID)
	return nil
}

// Get returns the org with id.
func (s *OrgStore) Get(ctx context.Context, id string) (*Org, error) {
	var o Org
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&o)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get org: %w", err)
	}
	return &o, nil
}

// All returns every org, sorted by id (creation order). The tree is small.
func (s *OrgStore) All(ctx context.Context) ([]Org, error) {
	return store.FindAll[Org](ctx, s.coll(), bson.D{}, "list orgs", options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
}

// Subtree returns the ids of org id and all orgs below it.
func (s *OrgStore) Subtree(ctx context.Context, id string) ([]string, error) {
	docs, err := store.FindAll[Org](ctx, s.coll(), bson.D{{Key: "path", Value: id}}, "org subtree", options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	ids := []string{id}
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	return ids, nil
}

// OrgPatch lists the fields a PATCH may change; nil means unchanged.
// ParentID moves the org (and its subtree) under another org; "" makes it a
// root.
type OrgPatch struct {
	Name     *string
	Code     *string
	ParentID *string
}

var errOrgUnderItself = func() error {
	var fe minyi.FieldErrors
	fe.Add("parent_id", "cycle", "不能把组织移到它自己或它的下级组织之下")
	return fe.Err()
}()

// Update applies p to org id. A move re-checks the parent as Create does
// (a kind may only sit under a higher kind), refuses a parent inside the
// org's own subtree, and rewrites the path of the org and of every org
// below it in one bulkWrite.
//
// Only orgs store a path: members, users, surveys and work orders store an
// org id, and every subtree (a secretary's scope, "members of org X") is
// computed from the paths when it is needed, so nothing else moves with
// it. Published surveys keep the org names they were published with.
//
// The embedded store has no transactions: the bulkWrite is ordered with the
// org's own change first, so a taken code stops it before any descendant
// moves. Two admins moving overlapping subtrees at the same moment could
// interleave; the tree is edited by a handful of people, rarely.
func (s *OrgStore) Update(ctx context.Context, id string, p OrgPatch) (*Org, error) {
	o, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		o.Name = *p.Name
	}
	if p.Code != nil {
		o.Code = *p.Code
	}
	// Every problem at once: a bad name and a bad parent in one answer.
	var fe minyi.FieldErrors
	if err := collectFields(&fe, o.Validate()); err != nil {
		return nil, err
	}
	moved := p.ParentID != nil && *p.ParentID != o.ParentID
	if moved {
		o.ParentID = *p.ParentID
		if err := collectFields(&fe, s.move(ctx, o)); err != nil {
			return nil, err
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	o.UpdatedAt = s.now().UTC()
	set := bson.D{{Key: "name", Value: o.Name}, {Key: "code", Value: o.Code}, {Key: "updated_at", Value: o.UpdatedAt}}
	update := bson.D{}
	if moved {
		set = append(set, bson.E{Key: "path", Value: o.Path})
		if o.ParentID == "" {
			// A root has no parent_id at all, as Create stores it (omitempty).
			update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "parent_id", Value: ""}}})
		} else {
			set = append(set, bson.E{Key: "parent_id", Value: o.ParentID})
		}
	}
	update = append(update, bson.E{Key: "$set", Value: set})
	models := []mongo.WriteModel{mongo.NewUpdateOneModel().
		SetFilter(bson.D{{Key: "_id", Value: id}}).
		SetUpdate(update)}
	if moved {
		below, err := s.descendantPaths(ctx, id, o.Path)
		if err != nil {
			return nil, err
		}
		models = append(models, below...)
	}
	_, err = s.coll().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(true))
	if store.IsDuplicate(err) {
		return nil, errOrgCodeTaken
	}
	if err != nil {
		return nil, fmt.Errorf("update org: %w", err)
	}
	return o, nil
}

// collectFields adds the field errors of a validation failure to fe and
// returns any other error.
func collectFields(fe *minyi.FieldErrors, err error) error {
	var me *minyi.Error
	if errors.As(err, &me) && errors.Is(err, minyi.ErrInvalid) && len(me.Fields) > 0 {
		*fe = append(*fe, me.Fields...)
		return nil
	}
	return err
}

// move checks o's new parent and sets o's new path: place's rules, and the
// parent may not be o or below it.
func (s *OrgStore) move(ctx context.Context, o *Org) error {
	if o.ParentID == o.ID {
		return errOrgUnderItself
	}
	if o.ParentID != "" {
		parent, err := s.Get(ctx, o.ParentID)
		if err == nil && slices.Contains(parent.Path, o.ID) {
			return errOrgUnderItself
		}
	}
	return s.place(ctx, o)
}

// descendantPaths returns an update of every org below id: its path with
// id's old ancestors replaced by newPath (the part from id down stays).
func (s *OrgStore) descendantPaths(ctx context.Context, id string, newPath []string) ([]mongo.WriteModel, error) {
	docs, err := store.FindAll[Org](ctx, s.coll(), bson.D{{Key: "path", Value: id}}, "org subtree",
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "path", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var out []mongo.WriteModel
	for _, d := range docs {
		i := slices.Index(d.Path, id)
		if i < 0 {
			continue
		}
		path := append(append(append([]string{}, newPath...), id), d.Path[i+1:]...)
		out = append(out, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "path", Value: id}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "path", Value: path}}}}))
	}
	return out, nil
}

// Delete removes an org that has no children and no members and returns it
// as it was.
func (s *OrgStore) Delete(ctx context.Context, id string) (*Org, error) {
	o, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	err = s.coll().FindOne(ctx, bson.D{{Key: "parent_id", Value: id}}).Err()
	if err == nil {
		return nil, minyi.E(minyi.ErrConflict, "org_has_children", "不能删除：该组织下还有下级组织。请先把下级组织移到别处或删除。")
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("check org children: %w", err)
	}
	err = s.db.Collection(collMembers).FindOne(ctx, bson.D{{Key: "org_id", Value: id}}).Err()
	if err == nil {
		return nil, minyi.E(minyi.ErrConflict, "org_has_members", "不能删除：该组织还有党员。请先把党员调到其他组织或删除。")
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("check org members: %w", err)
	}
	if _, err := s.coll().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return nil, fmt.Errorf("delete org: %w", err)
	}
	return o, nil
}
