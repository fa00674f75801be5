package accounts

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/store"
)

// AuditEntry is one line of the append-only audit log: who did what to
// which object, and when. Nothing updates or deletes these documents.
type AuditEntry struct {
	ID         string    `bson:"_id" json:"id"`
	At         time.Time `bson:"at" json:"at"`
	ActorID    string    `bson:"actor_id,omitempty" json:"actor_id,omitempty"`
	Actor      string    `bson:"actor" json:"actor"` // login, "admin-token", or "" when unknown (failed login)
	Role       Role      `bson:"role,omitempty" json:"role,omitempty"`
	Via        string    `bson:"via,omitempty" json:"via,omitempty"`
	Action     string    `bson:"action" json:"action"` // e.g. "user.create", "survey.publish"
	ObjectType string    `bson:"object_type,omitempty" json:"object_type,omitempty"`
	ObjectID   string    `bson:"object_id,omitempty" json:"object_id,omitempty"`
	Summary    string    `bson:"summary,omitempty" json:"summary,omitempty"`
	RequestID  string    `bson:"request_id,omitempty" json:"request_id,omitempty"`
}

// AuditFilter narrows GET /audit; empty fields match everything.
type AuditFilter struct {
	Actor    string // login or user id
	Action   string
	ObjectID string
	After    string // cursor: the id of the last entry of the previous page
	Limit    int
}

// Audit appends e, stamping its id and time.
func (s *Store) Audit(ctx context.Context, e *AuditEntry) error {
	e.ID = bson.NewObjectID().Hex() // time-ordered, so _id order is log order
	e.At = s.now().UTC()
	if _, err := s.db.Collection(collAudit).InsertOne(ctx, e); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// ListAudit returns entries matching f, newest first, and the next cursor.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error) {
	filter := bson.D{}
	if f.Actor != "" {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "actor", Value: f.Actor}}, bson.D{{Key: "actor_id", Value: f.Actor}},
		}})
	}
	if f.Action != "" {
		filter = append(filter, bson.E{Key: "action", Value: f.Action})
	}
	if f.ObjectID != "" {
		filter = append(filter, bson.E{Key: "object_id", Value: f.ObjectID})
	}
	return store.FindPage(ctx, s.db.Collection(collAudit), filter, f.After, f.Limit, true, func(e *AuditEntry) string { return e.ID }, "audit")
}
