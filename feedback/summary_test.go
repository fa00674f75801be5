package feedback

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestSummaryRoundTrip: a summary is stored as one string and read back
// whole, content with every character a typed text may hold; a summary
// stored as the sub-document of the earlier form still reads.
func TestSummaryRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 8_000_000, time.UTC)
	want := summary{Number: "20260304-0012", Status: StatusAccepted, OrgID: "64f0c0ffee", Kind: KindComplaint, PhoneHash: "ab|cd",
		Content: "路灯不亮\n\t楼道：堆放杂物|，请处理", Sat: Unsatisfied, CreatedAt: at, DueAt: at.Add(72 * time.Hour), Version: 7,
		Channel: ChannelVisit, Category: "city/environment/lights", Supervised: 2, Ext: true}
	raw, err := bson.Marshal(bson.D{{Key: "e", Value: want}})
	if err != nil {
		t.Fatal(err)
	}
	if typ := bson.Raw(raw).Lookup("e").Type; typ != bson.TypeString {
		t.Fatalf("stored as %s, want a string", typ)
	}
	var got struct {
		E summary `bson:"e"`
	}
	if err := bson.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.E != want {
		t.Fatalf("read back %+v\nwant %+v", got.E, want)
	}

	legacy, err := bson.Marshal(bson.D{{Key: "e", Value: bson.D{{Key: "n", Value: "20260101-0001"}, {Key: "s", Value: "closed"},
		{Key: "o", Value: "b1"}, {Key: "k", Value: "help"}, {Key: "t", Value: at}, {Key: "d", Value: at}, {Key: "v", Value: 5}, {Key: "sup", Value: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := bson.Unmarshal(legacy, &got); err != nil {
		t.Fatal(err)
	}
	if got.E.Number != "20260101-0001" || got.E.Status != StatusClosed || got.E.OrgID != "b1" || got.E.Version != 5 || got.E.Supervised != 1 || !got.E.CreatedAt.Equal(at) {
		t.Fatalf("legacy summary read as %+v", got.E)
	}
	bad, _ := bson.Marshal(bson.D{{Key: "e", Value: "s1\x1fonly"}})
	if err := bson.Unmarshal(bad, &got); err == nil {
		t.Fatal("a truncated summary was read")
	}
}
