package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// FindPage is a keyset-paged find over _id: filter narrowed to ids after
// the cursor (before it when newestFirst), at most limit documents, and the
// cursor of the next page ("" on the last). It asks for one document more
// than the page to know whether another page follows. what names the thing
// listed in errors.
func FindPage[T any](ctx context.Context, c *mongo.Collection, filter bson.D, after string, limit int, newestFirst bool, id func(*T) string, what string) ([]T, string, error) {
	dir, op := 1, "$gt"
	if newestFirst {
		dir, op = -1, "$lt"
	}
	if after != "" {
		filter = append(bson.D{}, filter...)
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: op, Value: after}}})
	}
	out, err := FindAll[T](ctx, c, filter, "list "+what, options.Find().SetSort(bson.D{{Key: "_id", Value: dir}}).SetLimit(int64(limit)+1))
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = id(&out[limit-1])
	}
	return out, next, nil
}

// FindAll decodes every document filter matches (opts may sort, limit or
// project). Use it where the result is known to be small; stream with a
// cursor otherwise. doing names the read in errors ("list orgs").
func FindAll[T any](ctx context.Context, c *mongo.Collection, filter bson.D, doing string, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", doing, err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", doing, err)
	}
	return out, nil
}
