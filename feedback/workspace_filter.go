package feedback

import (
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The all-orders list's filters beyond status, unit, period and text: kind,
// channel, category (a node and its descendants) and 督办.

// inCategory reports whether path is the node cat or below it.
func inCategory(path, cat string) bool {
	return path == cat || strings.HasPrefix(path, cat+"/")
}

// matchesWorkspace is the part of Filter.matches for these filters.
func (f Filter) matchesWorkspace(m summary) bool {
	switch {
	case f.Kind != "" && m.Kind != f.Kind:
		return false
	case f.Channel != "" && m.Channel != f.Channel:
		return false
	case f.Category != "" && !inCategory(m.Category, f.Category):
		return false
	case f.Supervised && m.Supervised == 0:
		return false
	}
	return true
}

// workspaceQuery is the same as store conditions (Each: statistics, ledger).
func (f Filter) workspaceQuery() bson.A {
	var and bson.A
	if f.Kind != "" {
		and = append(and, bson.D{{Key: "kind", Value: f.Kind}})
	}
	if f.Channel != "" {
		and = append(and, bson.D{{Key: "channel", Value: f.Channel}})
	}
	if f.Category != "" {
		and = append(and, bson.D{{Key: "category", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(f.Category) + "(/|$)"}}}})
	}
	if f.Supervised {
		and = append(and, bson.D{{Key: "supervised", Value: bson.D{{Key: "$gt", Value: 0}}}})
	}
	return and
}
