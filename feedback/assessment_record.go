package feedback

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// An AssessRecord is stored as one string, not a sub-document: a unit's
// month document holds a record per order and is rewritten whole on every
// step of each of them on the embedded store, which keeps a schema beside
// each nested document (the same reason as the summaries, summary.go).
//
//	"r1␟number␟kind␟category␟received␟assigned␟accepted␟resolution␟satisfaction"
//
// with the instants in unix milliseconds (accepted empty when not yet) and
// ␟ = U+001F, which no typed text can hold (minyi.CleanText).
const (
	recordSep    = "\x1f"
	recordFields = 9
)

// legacyRecord is the sub-document form records had before.
type legacyRecord struct {
	Number       string       `bson:"n"`
	Kind         Kind         `bson:"k"`
	Category     string       `bson:"c,omitempty"`
	Received     time.Time    `bson:"t"`
	Assigned     time.Time    `bson:"a"`
	Accepted     *time.Time   `bson:"acc,omitempty"`
	Resolution   Resolution   `bson:"r,omitempty"`
	Satisfaction Satisfaction `bson:"s,omitempty"`
}

// MarshalBSONValue stores the record as its string.
func (r AssessRecord) MarshalBSONValue() (byte, []byte, error) {
	clean := func(v string) string { return strings.ReplaceAll(v, recordSep, "") }
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	accepted := ""
	if r.Accepted != nil {
		accepted = ms(*r.Accepted)
	}
	typ, data, err := bson.MarshalValue(strings.Join([]string{"r1", clean(r.Number), clean(string(r.Kind)), clean(r.Category),
		ms(r.Received), ms(r.Assigned), accepted, clean(string(r.Resolution)), clean(string(r.Satisfaction))}, recordSep))
	return byte(typ), data, err
}

// UnmarshalBSONValue reads the string, or the sub-document of the earlier
// form.
func (r *AssessRecord) UnmarshalBSONValue(typ byte, data []byte) error {
	rv := bson.RawValue{Type: bson.Type(typ), Value: data}
	if rv.Type == bson.TypeEmbeddedDocument {
		var l legacyRecord
		if err := rv.Unmarshal(&l); err != nil {
			return fmt.Errorf("read assessment record: %w", err)
		}
		*r = AssessRecord(l)
		return nil
	}
	v, ok := rv.StringValueOK()
	f := strings.Split(v, recordSep)
	if !ok || len(f) != recordFields || f[0] != "r1" {
		return fmt.Errorf("read assessment record: not a record (%s)", rv.Type)
	}
	instant := func(s string) (time.Time, error) {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("read assessment record: %w", err)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	received, err := instant(f[4])
	if err != nil {
		return err
	}
	assigned, err := instant(f[5])
	if err != nil {
		return err
	}
	var accepted *time.Time
	if f[6] != "" {
		t, err := instant(f[6])
		if err != nil {
			return err
		}
		accepted = &t
	}
	*r = AssessRecord{Number: f[1], Kind: Kind(f[2]), Category: f[3], Received: received, Assigned: assigned, Accepted: accepted,
		Resolution: Resolution(f[7]), Satisfaction: Satisfaction(f[8])}
	return nil
}
