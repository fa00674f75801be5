package accounts

import (
	"context"
	"errors"
	"fmt"
	"minyi/store"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collAuditIndex holds the audit log's timeline: the embedded store would
// answer "newest first, filtered" by scanning and sorting every entry, so
// the list walks day buckets of small summaries by _id (store.Timeline)
// and reads the page's entries by _id. On MongoDB the same.
const collAuditIndex = "audit_index"

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

// auditSummary is an entry's line in the timeline: what the filters need.
// It is stored as one string (auditSummaryCodec), not a sub-document: a
// day's bucket holds hundreds of lines and is rewritten whole on every
// entry on the embedded store, which keeps a schema beside each nested
// document.
type auditSummary struct {
	Actor    string
	ActorID  string
	Action   string
	ObjectID string
	At       time.Time
}

const auditSummarySep = "\x1f" // refused in every typed text (minyi.CleanText)

// MarshalBSONValue stores the summary as "a1␟actor␟actor id␟action␟object␟unix ms".
func (m auditSummary) MarshalBSONValue() (byte, []byte, error) {
	clean := func(v string) string { return strings.ReplaceAll(v, auditSummarySep, "") }
	typ, data, err := bson.MarshalValue(strings.Join([]string{"a1", clean(m.Actor), clean(m.ActorID), clean(m.Action), clean(m.ObjectID),
		strconv.FormatInt(m.At.UnixMilli(), 10)}, auditSummarySep))
	return byte(typ), data, err
}

// UnmarshalBSONValue reads the string, or the sub-document of the earlier form.
func (m *auditSummary) UnmarshalBSONValue(typ byte, data []byte) error {
	rv := bson.RawValue{Type: bson.Type(typ), Value: data}
	if rv.Type == bson.TypeEmbeddedDocument {
		var l struct {
			Actor    string    `bson:"a,omitempty"`
			ActorID  string    `bson:"ai,omitempty"`
			Action   string    `bson:"x"`
			ObjectID string    `bson:"o,omitempty"`
			At       time.Time `bson:"t"`
		}
		if err := rv.Unmarshal(&l); err != nil {
			return fmt.Errorf("read audit summary: %w", err)
		}
		*m = auditSummary(l)
		return nil
	}
	v, ok := rv.StringValueOK()
	f := strings.Split(v, auditSummarySep)
	if !ok || len(f) != 6 || f[0] != "a1" {
		return fmt.Errorf("read audit summary: not a summary (%s)", rv.Type)
	}
	ms, err := strconv.ParseInt(f[5], 10, 64)
	if err != nil {
		return fmt.Errorf("read audit summary: %w", err)
	}
	*m = auditSummary{Actor: f[1], ActorID: f[2], Action: f[3], ObjectID: f[4], At: time.UnixMilli(ms).UTC()}
	return nil
}

// AuditFilter narrows GET /audit; empty fields match everything.
type AuditFilter struct {
	Actor    string // login or user id
	Action   string
	ObjectID string
	After    string // cursor: the id of the last entry of the previous page
	Limit    int
}

func (f AuditFilter) matches(m auditSummary) bool {
	return (f.Actor == "" || m.Actor == f.Actor || m.ActorID == f.Actor) &&
		(f.Action == "" || m.Action == f.Action) && (f.ObjectID == "" || m.ObjectID == f.ObjectID)
}

// Audit appends e, stamping its id and time, then its timeline summary. A
// crash between the two leaves an entry the list does not show (it is
// still in the collection, for an export), never a wrong one.
func (s *Store) Audit(ctx context.Context, e *AuditEntry) error {
	e.At = s.now().UTC()
	return s.AuditMany(ctx, []*AuditEntry{e})
}

// AuditMany appends entries in bulk, in order, as Audit would one by one
// (an import of what was done elsewhere): an entry with a zero At is
// stamped now, one with an At keeps it; ids are stamped in order either
// way. The entries go in with insertMany, their summaries with one write a
// day (Timeline.PutMany).
func (s *Store) AuditMany(ctx context.Context, entries []*AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	docs := make([]any, len(entries))
	sums := make([]store.Entry, len(entries))
	for i, e := range entries {
		e.ID = bson.NewObjectID().Hex() // time-ordered, so _id order is log order
		if e.At.IsZero() {
			e.At = s.now().UTC()
		}
		docs[i] = e
		sums[i] = store.Entry{At: e.At, ID: e.ID,
			Summary: auditSummary{Actor: e.Actor, ActorID: e.ActorID, Action: e.Action, ObjectID: e.ObjectID, At: e.At}}
	}
	if _, err := s.db.Collection(collAudit).InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	if err := s.auditLog.PutMany(ctx, sums); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// ListAudit returns entries matching f, newest first, and the next cursor.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error) {
	day := ""
	if f.After != "" {
		var after AuditEntry
		err := s.db.Collection(collAudit).FindOne(ctx, bson.D{{Key: "_id", Value: f.After}}).Decode(&after)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return []AuditEntry{}, "", nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("list audit: %w", err)
		}
		day = s.auditLog.Day(after.At)
	}
	var ids []string
	err := s.auditLog.Walk(ctx, day, f.After, time.Time{}, time.Time{}, func(id string, raw bson.RawValue) (bool, error) {
		var m auditSummary
		if err := raw.Unmarshal(&m); err != nil {
			return false, fmt.Errorf("list audit: %w", err)
		}
		if f.matches(m) {
			ids = append(ids, id)
		}
		return len(ids) <= f.Limit, nil
	})
	if err != nil {
		return nil, "", err
	}
	found := make([]*AuditEntry, len(ids))
	err = store.Parallel(ctx, len(ids), 4, func(ctx context.Context, i int) error {
		var e AuditEntry
		err := s.db.Collection(collAudit).FindOne(ctx, bson.D{{Key: "_id", Value: ids[i]}}).Decode(&e)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list audit: %w", err)
		}
		found[i] = &e
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]AuditEntry, 0, len(ids))
	for _, e := range found {
		if e != nil {
			out = append(out, *e)
		}
	}
	if len(out) > f.Limit {
		return out[:f.Limit], out[f.Limit-1].ID, nil
	}
	return out, "", nil
}

// EnsureAuditIndexed adds the entries stored before the timeline existed
// to it (one stream of the log, once per database). Run it at start.
func (s *Store) EnsureAuditIndexed(ctx context.Context) error {
	idx := s.db.Collection(collAuditIndex)
	err := idx.FindOne(ctx, bson.D{{Key: "_id", Value: "meta/indexed"}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("audit index: %w", err)
	}
	cur, err := s.db.Collection(collAudit).Find(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("audit index: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var e AuditEntry
		if err := cur.Decode(&e); err != nil {
			return fmt.Errorf("audit index: %w", err)
		}
		sum := auditSummary{Actor: e.Actor, ActorID: e.ActorID, Action: e.Action, ObjectID: e.ObjectID, At: e.At}
		if err := s.auditLog.Put(ctx, e.At, e.ID, sum); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("audit index: %w", err)
	}
	_, err = idx.UpdateOne(ctx, bson.D{{Key: "_id", Value: "meta/indexed"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: s.now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("audit index: %w", err)
	}
	return nil
}
