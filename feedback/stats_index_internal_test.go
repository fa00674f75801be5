package feedback

import (
	"strings"
	"testing"
	"time"
)

// TestStatEntryRoundTrip: an entry reads back as written, whatever its
// values (empty fields, counts past 9, an org id at the end).
func TestStatEntryRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 30, 23, 59, 59, 999_000_000, time.UTC)
	for _, e := range []statEntry{
		{Created: at, Kind: KindOpinion, Status: StatusReceived},
		{Created: at, OrgID: "6745a1b2c3d4e5f601234567", Kind: KindComplaint, Status: StatusCalledBack, Category: "city/lights-2/a_b",
			Replied: true, OnTime: true, Satisfaction: Unsatisfied, Resolution: Partly, Reopened: 37, Supervised: 12},
		{Created: time.UnixMilli(0).UTC(), OrgID: "b1", Kind: KindHelp, Status: StatusReplied, Replied: true},
		{Created: at, OrgID: "odd|org", Kind: KindEnquiry, Status: StatusMerged, Category: "x"},
	} {
		raw := e.encode()
		got, err := decodeEntry(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Created.Equal(e.Created) {
			t.Errorf("%q: created %s, want %s", raw, got.Created, e.Created)
		}
		got.Created = e.Created
		if got != e {
			t.Errorf("%q reads back as %+v, want %+v", raw, got, e)
		}
	}
	o := Order{CreatedAt: at.Add(123456), Kind: KindPraise, Status: StatusClosed}
	if e := entryOf(&o); !e.Created.Equal(at) {
		t.Errorf("created %s: want it to the millisecond, as stored", e.Created)
	}
	for _, raw := range []string{"", "abc", strings.Repeat("|", 8), "zz|opinion|received||1|||0|0|", "1|opinion|received||10|||!|0|"} {
		if _, err := decodeEntry(raw); err == nil {
			t.Errorf("%q: no error", raw)
		}
	}
}
