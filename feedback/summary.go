package feedback

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// summary is what an index entry holds of an order: the filters' fields,
// the number and, in the timeline, the content for the text search.
type summary struct {
	Number    string
	Status    Status
	OrgID     string
	Kind      Kind
	PhoneHash string
	Content   string // timeline only, for the text search
	Sat       Satisfaction
	CreatedAt time.Time
	DueAt     time.Time
	Version   int
	// For the all-orders list's filters (workspace_filter.go).
	Channel    Channel
	Category   string
	Supervised int
	// Ext: an extension request awaits the operator's decision.
	Ext bool
}

func summarize(o *Order) summary {
	return summary{Number: o.Number, Status: o.Status, OrgID: o.OrgID, Kind: o.Kind, PhoneHash: o.Caller.Hash,
		Sat: o.Satisfaction, CreatedAt: o.CreatedAt, DueAt: o.DueAt, Version: o.Version,
		Channel: o.Channel, Category: o.Category, Supervised: o.Supervised, Ext: o.ExtensionRequest != nil}
}

// A summary is stored as one string, its fields separated by U+001F
// (which minyi.CleanText refuses in every typed text, and which ids, keys
// and numbers never hold), behind a format tag. Not a sub-document: the
// embedded store keeps a JSON schema beside every nested document's
// values, so the day buckets and working-set shards — rewritten whole on
// every update there — were several times larger, and every order's write
// paid for it.
const (
	summaryTag = "s1"
	summarySep = "\x1f"
)

// MarshalBSONValue stores the summary as its string.
func (m summary) MarshalBSONValue() (byte, []byte, error) {
	f := []string{summaryTag, m.Number, string(m.Status), m.OrgID, string(m.Kind), m.PhoneHash, string(m.Sat),
		strconv.FormatInt(m.CreatedAt.UnixMilli(), 10), strconv.FormatInt(m.DueAt.UnixMilli(), 10),
		strconv.Itoa(m.Version), string(m.Channel), m.Category, strconv.Itoa(m.Supervised), strconv.FormatBool(m.Ext), m.Content}
	typ, data, err := bson.MarshalValue(strings.Join(f, summarySep))
	return byte(typ), data, err
}

// legacySummary is the sub-document summaries were stored as before;
// they are still read (EnsureIndexed rewrites them once).
type legacySummary struct {
	Number     string       `bson:"n"`
	Status     Status       `bson:"s"`
	OrgID      string       `bson:"o,omitempty"`
	Kind       Kind         `bson:"k"`
	PhoneHash  string       `bson:"p,omitempty"`
	Content    string       `bson:"c,omitempty"`
	Sat        Satisfaction `bson:"sat,omitempty"`
	CreatedAt  time.Time    `bson:"t"`
	DueAt      time.Time    `bson:"d"`
	Version    int          `bson:"v"`
	Channel    Channel      `bson:"ch,omitempty"`
	Category   string       `bson:"cat,omitempty"`
	Supervised int          `bson:"sup,omitempty"`
}

// UnmarshalBSONValue reads a summary's string (or a legacy sub-document).
func (m *summary) UnmarshalBSONValue(typ byte, data []byte) error {
	rv := bson.RawValue{Type: bson.Type(typ), Value: data}
	if rv.Type == bson.TypeEmbeddedDocument {
		var l legacySummary
		if err := rv.Unmarshal(&l); err != nil {
			return fmt.Errorf("read work-order summary: %w", err)
		}
		*m = summary{Number: l.Number, Status: l.Status, OrgID: l.OrgID, Kind: l.Kind, PhoneHash: l.PhoneHash, Content: l.Content,
			Sat: l.Sat, CreatedAt: l.CreatedAt, DueAt: l.DueAt, Version: l.Version, Channel: l.Channel, Category: l.Category, Supervised: l.Supervised}
		return nil
	}
	s, ok := rv.StringValueOK()
	if !ok {
		return fmt.Errorf("read work-order summary: a %s, not a string", rv.Type)
	}
	f := strings.SplitN(s, summarySep, 15)
	if len(f) != 15 || f[0] != summaryTag {
		return fmt.Errorf("read work-order summary: %d fields", len(f))
	}
	var nums [4]int64
	for i, at := range []int{7, 8, 9, 12} {
		n, err := strconv.ParseInt(f[at], 10, 64)
		if err != nil {
			return fmt.Errorf("read work-order summary: %w", err)
		}
		nums[i] = n
	}
	*m = summary{Number: f[1], Status: Status(f[2]), OrgID: f[3], Kind: Kind(f[4]), PhoneHash: f[5], Sat: Satisfaction(f[6]),
		CreatedAt: time.UnixMilli(nums[0]).UTC(), DueAt: time.UnixMilli(nums[1]).UTC(), Version: int(nums[2]),
		Channel: Channel(f[10]), Category: f[11], Supervised: int(nums[3]), Ext: f[13] == "true", Content: f[14]}
	return nil
}
