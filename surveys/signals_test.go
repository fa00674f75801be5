package surveys_test

import (
	"testing"
	"time"

	"minyi/store/storetest"
	"minyi/surveys"
)

// TestSignalsAreFlushed: signals noted in memory are read at once by the
// instance that noted them, and are in the store once it closes (another
// instance reads them there); a second flush adds only what came since.
func TestSignalsAreFlushed(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	at := time.Date(2026, 12, 2, 10, 0, 30, 0, time.UTC)
	now := func() time.Time { return at }
	a := surveys.NewSignalStore(db, now, nil)
	// 12 open-link ballots from one address in a minute: the 11th and
	// 12th are a burst, in one address-minute; one came from a repeat device.
	for i := range 12 {
		a.Note("s1", "addr", i == 3)
	}
	got, err := a.Get(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Burst != 2 || got.BurstMinutes != 1 || got.RepeatDevice != 1 {
		t.Fatalf("before the flush: %+v", got)
	}
	a.Close()
	b := surveys.NewSignalStore(db, now, nil)
	defer b.Close()
	if got, err = b.Get(ctx, "s1"); err != nil || got.Burst != 2 || got.BurstMinutes != 1 || got.RepeatDevice != 1 ||
		!got.LastAt.Equal(at.Truncate(time.Hour)) {
		t.Fatalf("another instance after the flush: %+v (%v)", got, err)
	}
	b.Note("s1", "other", true)
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(ctx); err != nil { // nothing pending: adds nothing
		t.Fatal(err)
	}
	c := surveys.NewSignalStore(db, now, nil)
	defer c.Close()
	if got, err = c.Get(ctx, "s1"); err != nil || got.Burst != 2 || got.RepeatDevice != 2 {
		t.Fatalf("after a second flush: %+v (%v)", got, err)
	}
}
