package surveys

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The roster in memory.
//
// Lists of members by org subtree and name search would make the embedded
// store scan the members collection on every page (it filters in Go, ~25 µs
// a document); the roster is small reference data that changes by hand. So
// the store keeps it in memory, with a version check: every write sets a
// new random token in one document (_id "roster", read by _id) after
// writing the members, and a read compares the token with the one the copy
// was loaded under (read before loading), reloading when they differ. That
// holds across instances on MongoDB too: a writer's token always comes
// after its members, so a copy that missed them carries an older token.
// maxRosterAge reloads even so, in case a crash fell between a write and
// its token.

const (
	collRoster   = "roster_version"
	maxRosterAge = 5 * time.Minute
)

type rosterCache struct {
	mu       sync.Mutex
	token    string
	loadedAt time.Time
	members  []Member // in id order
}

// touchRoster marks the roster changed.
func (s *MemberStore) touchRoster(ctx context.Context) {
	_, err := s.db.Collection(collRoster).UpdateOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: "roster"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "token", Value: bson.NewObjectID().Hex()}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		// The copy is then refreshed by age only; the write itself stands.
		s.cache.mu.Lock()
		s.cache.loadedAt = time.Time{}
		s.cache.mu.Unlock()
	}
}

// roster returns the current roster (shared: do not modify).
func (s *MemberStore) roster(ctx context.Context) ([]Member, error) {
	var v struct {
		Token string `bson:"token"`
	}
	err := s.db.Collection(collRoster).FindOne(ctx, bson.D{{Key: "_id", Value: "roster"}}).Decode(&v)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("roster version: %w", err)
	}
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.members != nil && c.token == v.Token && time.Since(c.loadedAt) < maxRosterAge {
		return c.members, nil
	}
	cur, err := s.coll().Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("load roster: %w", err)
	}
	var all []Member
	if err := cur.All(ctx, &all); err != nil {
		return nil, fmt.Errorf("load roster: %w", err)
	}
	if all == nil {
		all = []Member{}
	}
	slices.SortFunc(all, func(a, b Member) int { return strings.Compare(a.ID, b.ID) })
	c.members, c.token, c.loadedAt = all, v.Token, time.Now()
	return all, nil
}

// List returns up to limit members matching f after the given id, in id
// (creation) order, and the cursor of the next page ("" at the end).
func (s *MemberStore) List(ctx context.Context, f MemberFilter, after string, limit int) ([]Member, string, error) {
	all, err := s.roster(ctx)
	if err != nil {
		return nil, "", err
	}
	var orgs map[string]bool
	if f.OrgIDs != nil {
		orgs = make(map[string]bool, len(f.OrgIDs))
		for _, id := range f.OrgIDs {
			orgs[id] = true
		}
	}
	out := []Member{}
	for _, m := range all {
		if m.ID <= after || orgs != nil && !orgs[m.OrgID] || f.Query != "" && !strings.Contains(m.Name, f.Query) {
			continue
		}
		if len(out) == limit {
			return out, out[limit-1].ID, nil
		}
		out = append(out, m)
	}
	return out, "", nil
}

// InOrgs returns every member of the given orgs, in id order: the expansion
// of an "every member of org X" subject.
func (s *MemberStore) InOrgs(ctx context.Context, orgIDs []string) ([]Member, error) {
	ms, _, err := s.List(ctx, MemberFilter{OrgIDs: orgIDs}, "", 1<<30)
	return ms, err
}

// ByIDs returns the members with the given ids, keyed by id; unknown ids
// are simply absent.
func (s *MemberStore) ByIDs(ctx context.Context, ids []string) (map[string]Member, error) {
	out := map[string]Member{}
	if len(ids) == 0 {
		return out, nil
	}
	all, err := s.roster(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if i, ok := slices.BinarySearchFunc(all, id, func(m Member, id string) int { return strings.Compare(m.ID, id) }); ok {
			out[id] = all[i]
		}
	}
	return out, nil
}
