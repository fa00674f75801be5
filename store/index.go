package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Index describes one index a domain package needs. Only plain, compound,
// unique and sparse indexes: TTL, partial and text indexes are outside the
// subset the embedded store supports.
type Index struct {
	Collection string
	Name       string
	Keys       bson.D
	Unique     bool
	Sparse     bool
}

// EnsureIndexes creates the indexes of idx in db that this store keeps
// (see below). On the embedded store that is the unique ones only: its
// SQLite backend never answers a query from a secondary index (it pushes
// down only a filter on _id, idindex.go), so a non-unique index serves no
// read and costs every write of the collection one more parse of the
// document's JSON. Non-unique indexes an earlier version created there are
// dropped. On MongoDB every index is kept: they serve the streams of the
// exports, the ledger and the reconciler.
func (s *Store) EnsureIndexes(ctx context.Context, db *mongo.Database, idx []Index) error {
	if !s.Embedded() {
		return EnsureIndexes(ctx, db, idx)
	}
	var keep []Index
	for _, ix := range idx {
		if ix.Unique {
			keep = append(keep, ix)
			continue
		}
		have, err := indexNames(ctx, db.Collection(ix.Collection))
		if err != nil {
			return err
		}
		if have[ix.Name] {
			if err := db.Collection(ix.Collection).Indexes().DropOne(ctx, ix.Name); err != nil {
				return fmt.Errorf("drop index %s on %s: %w", ix.Name, ix.Collection, err)
			}
		}
	}
	return EnsureIndexes(ctx, db, keep)
}

// EnsureIndexes creates the indexes that do not exist yet, so it runs at
// every start. It asks which exist rather than re-creating them: FerretDB
// 1.24 panics on a createIndexes that repeats indexes it loaded from disk.
func EnsureIndexes(ctx context.Context, db *mongo.Database, idx []Index) error {
	byColl := map[string][]mongo.IndexModel{}
	existing := map[string]map[string]bool{}
	var order []string
	for _, ix := range idx {
		have, ok := existing[ix.Collection]
		if !ok {
			var err error
			if have, err = indexNames(ctx, db.Collection(ix.Collection)); err != nil {
				return err
			}
			existing[ix.Collection] = have
		}
		if have[ix.Name] {
			continue
		}
		o := options.Index().SetName(ix.Name)
		if ix.Unique {
			o.SetUnique(true)
		}
		if ix.Sparse {
			o.SetSparse(true)
		}
		if _, ok := byColl[ix.Collection]; !ok {
			order = append(order, ix.Collection)
		}
		byColl[ix.Collection] = append(byColl[ix.Collection], mongo.IndexModel{Keys: ix.Keys, Options: o})
	}
	for _, c := range order {
		if _, err := db.Collection(c).Indexes().CreateMany(ctx, byColl[c]); err != nil {
			return fmt.Errorf("create indexes on %s: %w", c, err)
		}
	}
	return nil
}

func indexNames(ctx context.Context, c *mongo.Collection) (map[string]bool, error) {
	specs, err := c.Indexes().ListSpecifications(ctx)
	if err != nil {
		return nil, fmt.Errorf("list indexes on %s: %w", c.Name(), err)
	}
	names := make(map[string]bool, len(specs))
	for _, s := range specs {
		names[s.Name] = true
	}
	return names, nil
}
