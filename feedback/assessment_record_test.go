package feedback

import (
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestAssessRecordRoundTrip: a record reads back as written, as a string
// in the document, with or without its acceptance; one of the earlier
// sub-document form still reads; other values are refused.
func TestAssessRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 30, 15, 4, 5, 123_000_000, time.UTC)
	acc := at.Add(90 * time.Minute)
	for _, r := range []AssessRecord{
		{Number: "20261130-0001", Kind: KindComplaint, Received: at, Assigned: at.Add(time.Minute)},
		{Number: "20261130-0002", Kind: KindHelp, Category: "city/lights", Received: at, Assigned: at, Accepted: &acc,
			Resolution: Resolved, Satisfaction: Unsatisfied},
	} {
		raw, err := bson.Marshal(bson.D{{Key: "e", Value: r}})
		if err != nil {
			t.Fatal(err)
		}
		if typ := bson.Raw(raw).Lookup("e").Type; typ != bson.TypeString {
			t.Errorf("%s stored as %s, want a string", r.Number, typ)
		}
		var got struct{ E AssessRecord }
		if err := bson.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.E, r) {
			t.Errorf("reads back as %+v, want %+v", got.E, r)
		}
	}
	legacy, err := bson.Marshal(bson.D{{Key: "e", Value: legacyRecord{Number: "20261101-0009", Kind: KindOpinion, Received: at, Assigned: at, Accepted: &acc, Satisfaction: Satisfied}}})
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ E AssessRecord }
	if err := bson.Unmarshal(legacy, &got); err != nil {
		t.Fatal(err)
	}
	if want := (AssessRecord{Number: "20261101-0009", Kind: KindOpinion, Received: at, Assigned: at, Accepted: &acc, Satisfaction: Satisfied}); !reflect.DeepEqual(got.E, want) {
		t.Errorf("legacy record reads as %+v, want %+v", got.E, want)
	}
	for _, bad := range []any{"x", "r1\x1fonly", 42} {
		raw, _ := bson.Marshal(bson.D{{Key: "e", Value: bad}})
		if err := bson.Unmarshal(raw, &got); err == nil {
			t.Errorf("%v read as a record", bad)
		}
	}
}
