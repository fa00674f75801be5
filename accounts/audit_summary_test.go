package accounts

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestAuditSummaryRoundTrip: a timeline line is stored as one string and
// read back whole; a line of the earlier sub-document form still reads.
func TestAuditSummaryRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 2, 1, 2, 3, 4_000_000, time.UTC)
	want := auditSummary{Actor: "张三", ActorID: "u-1", Action: "work_order.create", ObjectID: "64f0", At: at}
	raw, err := bson.Marshal(bson.D{{Key: "e", Value: want}})
	if err != nil {
		t.Fatal(err)
	}
	if typ := bson.Raw(raw).Lookup("e").Type; typ != bson.TypeString {
		t.Fatalf("stored as %s, want a string", typ)
	}
	var got struct {
		E auditSummary `bson:"e"`
	}
	if err := bson.Unmarshal(raw, &got); err != nil || got.E != want {
		t.Fatalf("read back %+v (%v), want %+v", got.E, err, want)
	}
	legacy, _ := bson.Marshal(bson.D{{Key: "e", Value: bson.D{{Key: "a", Value: "admin"}, {Key: "x", Value: "user.create"}, {Key: "t", Value: at}}}})
	if err := bson.Unmarshal(legacy, &got); err != nil || got.E.Actor != "admin" || got.E.Action != "user.create" || !got.E.At.Equal(at) {
		t.Fatalf("legacy line read as %+v (%v)", got.E, err)
	}
}
