// Package feedback holds hotline, web, visit and mail work orders (工单): the
// order and its append-only event history, the transitions of the 12345-style
// flow (受理 → 派单 → 签收/回退 → 办理/延期 → 回复 → 办结 → 回访 → 重办), the
// working-day calendar that deadlines are counted on, the statistics of a
// period, and the Mongo store. It never sees a caller's phone number in clear
// text except at creation: the api seals it and hands over the sealed value,
// the keyed hash and the mask.
package feedback

import (
	"strings"
	"time"
	"unicode/utf8"

	"minyi"
)

// Kind is what the caller brings.
type Kind string

// The kinds of API.md.
const (
	KindOpinion    Kind = "opinion"
	KindSuggestion Kind = "suggestion"
	KindComplaint  Kind = "complaint"
	KindPraise     Kind = "praise"
	KindEnquiry    Kind = "enquiry"
	KindHelp       Kind = "help"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindOpinion, KindSuggestion, KindComplaint, KindPraise, KindEnquiry, KindHelp}

// Label is the Chinese name of the kind.
func (k Kind) Label() string {
	switch k {
	case KindOpinion:
		return "意见"
	case KindSuggestion:
		return "建议"
	case KindComplaint:
		return "投诉"
	case KindPraise:
		return "表扬"
	case KindEnquiry:
		return "咨询"
	case KindHelp:
		return "求助"
	}
	return string(k)
}

// Valid reports whether k is known.
func (k Kind) Valid() bool { return k.Label() != string(k) }

// Channel is how the order came in.
type Channel string

// The channels of API.md.
const (
	ChannelHotline Channel = "hotline"
	ChannelWeb     Channel = "web"
	ChannelVisit   Channel = "visit"
	ChannelMail    Channel = "mail"
)

// Channels lists every channel in display order.
var Channels = []Channel{ChannelHotline, ChannelWeb, ChannelVisit, ChannelMail}

// Label is the Chinese name of the channel.
func (c Channel) Label() string {
	switch c {
	case ChannelHotline:
		return "热线"
	case ChannelWeb:
		return "网上征询"
	case ChannelVisit:
		return "来访"
	case ChannelMail:
		return "来信"
	}
	return string(c)
}

// Valid reports whether c is known.
func (c Channel) Valid() bool { return c.Label() != string(c) }

// Urgency decides which deadline applies.
type Urgency string

// The urgencies of API.md.
const (
	UrgencyUrgent Urgency = "urgent"
	UrgencyNormal Urgency = "normal"
)

// Label is the Chinese name of the urgency.
func (u Urgency) Label() string {
	switch u {
	case UrgencyUrgent:
		return "紧急"
	case UrgencyNormal:
		return "一般"
	}
	return string(u)
}

// Caller is who called. Phone is the mask (138****5678); the clear number
// exists only sealed, and the hash serves duplicate lookups.
type Caller struct {
	Name   string `bson:"name" json:"name"`
	Phone  string `bson:"phone_masked" json:"phone"`
	Hash   string `bson:"phone_hash,omitempty" json:"-"`
	Sealed string `bson:"phone_sealed,omitempty" json:"-"`
}

// Actor is who did something to an order.
type Actor struct {
	ID   string `bson:"id,omitempty" json:"id,omitempty"`
	Name string `bson:"name" json:"name"`
	Role string `bson:"role" json:"role"`
}

// Order is one work order. Status and the fields after it are derived from
// Events (see Replay); they are stored so that lists and filters need not
// replay.
type Order struct {
	ID       string  `bson:"_id" json:"id"`
	Number   string  `bson:"number" json:"number"`
	Channel  Channel `bson:"channel" json:"channel"`
	Kind     Kind    `bson:"kind" json:"kind"`
	Urgency  Urgency `bson:"urgency" json:"urgency"`
	Content  string  `bson:"content" json:"content"`
	Caller   Caller  `bson:"caller" json:"caller"`
	MemberID string  `bson:"member_id,omitempty" json:"member_id,omitempty"`
	Location string  `bson:"location,omitempty" json:"location,omitempty"`
	// Category is the key path in the category catalogue (categories.go).
	Category string `bson:"category,omitempty" json:"category,omitempty"`

	Status       Status       `bson:"status" json:"status"`
	OrgID        string       `bson:"org_id,omitempty" json:"org_id,omitempty"`
	DueAt        time.Time    `bson:"due_at" json:"due_at"`
	Extensions   int          `bson:"extensions" json:"extensions"`
	ExtendedDays int          `bson:"extended_days" json:"extended_days"`
	Supervised   int          `bson:"supervised" json:"supervised"`
	Reopened     int          `bson:"reopened" json:"reopened"`
	RepliedAt    *time.Time   `bson:"replied_at,omitempty" json:"replied_at,omitempty"`
	OnTime       *bool        `bson:"on_time,omitempty" json:"on_time,omitempty"`
	ClosedAt     *time.Time   `bson:"closed_at,omitempty" json:"closed_at,omitempty"`
	Satisfaction Satisfaction `bson:"satisfaction,omitempty" json:"satisfaction,omitempty"`
	// Handling: reply outcome, pending extension request, merge pointers (workspace.go).
	Handling   `bson:",inline"`
	Resolution Resolution `bson:"resolution,omitempty" json:"resolution,omitempty"`
	// AssignedAt is the latest 派单 (or 重办, which sends the order back
	// to the branch to sign for again) and AcceptedAt the 签收 after it:
	// the response rate reads them without the events.
	AssignedAt *time.Time `bson:"assigned_at,omitempty" json:"assigned_at,omitempty"`
	AcceptedAt *time.Time `bson:"accepted_at,omitempty" json:"accepted_at,omitempty"`

	CreatedAt time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time `bson:"updated_at" json:"updated_at"`
	// Version is the number of events applied: the seq of the last one.
	Version int `bson:"version" json:"-"`
	// Events live in their own collection (see Store.Act); they are loaded
	// for one order at a time.
	Events []Event `bson:"-" json:"events,omitempty"`
}

// Overdue reports whether the order still awaits its branch's reply past
// its deadline.
func (o *Order) Overdue(now time.Time) bool {
	return o.Status.awaitsReply() && now.After(o.DueAt)
}

// Limits on free text, in characters.
const (
	maxContent = 2000
	maxNote    = 1000
	maxShort   = 100
	maxPlace   = 200
)

// Validate checks what a person entered on a new order. The phone has been
// normalised, sealed and hashed before (Caller.Hash set); hotline and web
// orders need one for the reply and the callback, visits and letters not.
func (o *Order) Validate() error {
	var fe minyi.FieldErrors
	fe.Text("content", &o.Content, true)
	fe.Text("caller.name", &o.Caller.Name, false)
	fe.Text("location", &o.Location, false)
	o.Content = strings.TrimSpace(o.Content)
	o.Caller.Name = strings.TrimSpace(o.Caller.Name)
	o.Location = strings.TrimSpace(o.Location)
	if !o.Channel.Valid() {
		fe.Add("channel", "invalid", "来源应为 hotline、web、visit 或 mail")
	}
	if !o.Kind.Valid() {
		fe.Add("kind", "invalid", "类别应为 opinion、suggestion、complaint、praise、enquiry 或 help")
	}
	if o.Urgency == "" {
		o.Urgency = UrgencyNormal
	}
	if o.Urgency != UrgencyUrgent && o.Urgency != UrgencyNormal {
		fe.Add("urgency", "invalid", "紧急程度应为 urgent 或 normal")
	}
	switch n := utf8.RuneCountInString(o.Content); {
	case n == 0:
		fe.Add("content", "required", "请填写反映内容")
	case n > maxContent:
		fe.Addf("content", "too_long", "反映内容不能超过%d个字", maxContent)
	}
	if utf8.RuneCountInString(o.Caller.Name) > maxShort {
		fe.Addf("caller.name", "too_long", "姓名不能超过%d个字", maxShort)
	}
	if utf8.RuneCountInString(o.Location) > maxPlace {
		fe.Addf("location", "too_long", "地点不能超过%d个字", maxPlace)
	}
	if o.Caller.Hash == "" && (o.Channel == ChannelHotline || o.Channel == ChannelWeb) {
		fe.Add("caller.phone", "required", "请填写联系电话，以便回复和回访")
	}
	return fe.Err()
}
