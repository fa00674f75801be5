package surveys

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/secret"
	"minyi/store"
)

const collCodes = "codes"

// Ballot code shape. The alphabet leaves out 0/O, 1/I/L (and U is kept: it
// is unambiguous in print), so a code read aloud or typed from paper is not
// misread; 31 symbols × 10 characters = 10·log2(31) ≈ 49.5 bits.
const (
	CodeAlphabet  = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	CodeLength    = 10
	MaxCodesBatch = 5000
	codePurpose   = "ballot-code"
)

var errCodeUnknown = minyi.NotFound("code_unknown", "测评码")

// CodeCount is how many codes of one rater group were issued and used.
type CodeCount struct {
	Issued int `json:"issued"`
	Used   int `json:"used"`
}

// IssuedCode is a code in clear, opened from its sealed copy for printing.
type IssuedCode struct {
	Code       string // normalised, e.g. ABCDEFGHJK
	RaterGroup string
	Used       bool
	MemberID   string // a personal code's holder
	PerMember  string
}

// CodeStore issues ballot codes and looks them up. The database holds only
// a keyed hash of each code (the lookup key) and a sealed copy (for
// reprinting), so a leaked database yields no usable code without the key.
type CodeStore struct {
	db   *mongo.Database
	keys *secret.Keyring
	now  func() time.Time
}

// NewCodeStore returns a store over db; keys hashes and seals the codes.
func NewCodeStore(db *mongo.Database, keys *secret.Keyring, now func() time.Time) *CodeStore {
	return &CodeStore{db: db, keys: keys, now: now}
}

// CodeIndexes are the codes collection's indexes (the hash is the _id).
func CodeIndexes() []store.Index {
	return []store.Index{
		{Collection: collCodes, Name: "survey_group", Keys: bson.D{{Key: "survey_id", Value: 1}, {Key: "rater_group", Value: 1}}},
	}
}

func (s *CodeStore) coll() *mongo.Collection { return s.db.Collection(collCodes) }

// NormalizeCode turns a code as typed into its stored form: upper case,
// without the dashes and spaces of its printed grouping.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\u3000' || r == '－' || r == '—':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(code))
}

// FormatCode groups a code for reading aloud: ABCD-EFGH-JK.
func FormatCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// wellFormed reports whether code (normalised) could have been issued.
func wellFormed(code string) bool {
	if len(code) != CodeLength {
		return false
	}
	for _, r := range code {
		if !strings.ContainsRune(CodeAlphabet, r) {
			return false
		}
	}
	return true
}

// newCode draws CodeLength symbols uniformly from crypto/rand: bytes of
// 248 or more are rejected so that every symbol is equally likely
// (248 = 8 × 31).
func newCode() string {
	b := make([]byte, 0, CodeLength)
	var buf [16]byte
	for len(b) < CodeLength {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
		for _, x := range buf {
			if x < 248 && len(b) < CodeLength {
				b = append(b, CodeAlphabet[int(x)%len(CodeAlphabet)])
			}
		}
	}
	return string(b)
}

// Issue creates count new codes for the rater group of sv and returns them
// in clear, normalised. Only a survey answered with codes may have them.
func (s *CodeStore) Issue(ctx context.Context, sv *Survey, group string, count int) ([]string, error) {
	issued, err := s.IssueFor(ctx, sv, CodeRequest{Count: count, RaterGroup: group}, nil)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(issued))
	for i, c := range issued {
		codes[i] = c.Code
	}
	return codes, nil
}

// insert stores one new code for each template (survey, group, scope set)
// and returns them in clear, in template order.
func (s *CodeStore) insert(ctx context.Context, templates []Code) ([]IssuedCode, error) {
	now := s.now().UTC()
	out := make([]IssuedCode, len(templates))
	pending := make([]int, len(templates))
	for i := range pending {
		pending[i] = i
	}
	// A collision of two 49-bit codes is all but impossible; should one
	// happen, the unique _id refuses it and a fresh code replaces it.
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt == 5 {
			return nil, errors.New("issue codes: too many collisions")
		}
		docs := make([]any, len(pending))
		for j, i := range pending {
			code := newCode()
			sealed, err := s.keys.Seal(codePurpose, code)
			if err != nil {
				return nil, fmt.Errorf("seal code: %w", err)
			}
			doc := templates[i]
			doc.Hash, doc.Sealed, doc.CreatedAt = s.hash(code), sealed, now
			docs[j] = doc
			out[i] = IssuedCode{Code: code, RaterGroup: doc.RaterGroup, MemberID: doc.MemberID, PerMember: doc.PerMember}
		}
		_, err := s.coll().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		var failed []int
		var bwe mongo.BulkWriteException
		switch {
		case err == nil:
		case errors.As(err, &bwe) && store.IsDuplicate(err):
			for _, we := range bwe.WriteErrors {
				failed = append(failed, pending[we.Index])
			}
		default:
			return nil, fmt.Errorf("insert codes: %w", err)
		}
		pending = failed
	}
	return out, nil
}

func (s *CodeStore) hash(code string) string { return s.keys.Hash(codePurpose, code) }

// Lookup finds code (as typed) among the codes of survey surveyID.
func (s *CodeStore) Lookup(ctx context.Context, surveyID, code string) (*Code, error) {
	code = NormalizeCode(code)
	if !wellFormed(code) {
		return nil, errCodeUnknown
	}
	var c Code
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: s.hash(code)}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) || err == nil && c.SurveyID != surveyID {
		return nil, errCodeUnknown
	}
	if err != nil {
		return nil, fmt.Errorf("look up code: %w", err)
	}
	return &c, nil
}

// DeleteSurvey removes every code of the survey (a deleted draft's). A
// failure here leaves codes no survey accepts: Lookup checks the survey.
func (s *CodeStore) DeleteSurvey(ctx context.Context, surveyID string) (int64, error) {
	res, err := s.coll().DeleteMany(ctx, bson.D{{Key: "survey_id", Value: surveyID}})
	if err != nil {
		return 0, fmt.Errorf("delete codes: %w", err)
	}
	if _, err := s.db.Collection(collSpends).DeleteMany(ctx, bson.D{{Key: "survey_id", Value: surveyID}}); err != nil {
		return res.DeletedCount, fmt.Errorf("delete code spends: %w", err)
	}
	return res.DeletedCount, nil
}

// Counts returns issued and used codes per rater group of the survey,
// counted in Go from a projection (no aggregation on the embedded store).
func (s *CodeStore) Counts(ctx context.Context, surveyID string) (map[string]CodeCount, error) {
	out := map[string]CodeCount{}
	err := s.each(ctx, bson.D{{Key: "survey_id", Value: surveyID}}, bson.D{{Key: "rater_group", Value: 1}, {Key: "used", Value: 1}}, func(c *Code) error {
		n := out[c.RaterGroup]
		n.Issued++
		if c.Used {
			n.Used++
		}
		out[c.RaterGroup] = n
		return nil
	})
	return out, err
}

// Reveal opens the sealed copies of the survey's codes for printing, sorted
// by group then code; group "" means every group, unusedOnly leaves out
// codes already used. Once a code was spent it refuses (ErrCodesSealed).
func (s *CodeStore) Reveal(ctx context.Context, surveyID, group string, unusedOnly bool) ([]IssuedCode, error) {
	if v, err := s.voting(ctx, surveyID); err != nil || v {
		if err == nil {
			err = ErrCodesSealed
		}
		return nil, err
	}
	filter := bson.D{{Key: "survey_id", Value: surveyID}}
	if group != "" {
		filter = append(filter, bson.E{Key: "rater_group", Value: group})
	}
	if unusedOnly {
		filter = append(filter, bson.E{Key: "used", Value: false})
	}
	var out []IssuedCode
	err := s.each(ctx, filter, nil, func(c *Code) error {
		code, err := s.keys.Open(codePurpose, c.Sealed)
		if err != nil {
			return fmt.Errorf("open code: %w", err)
		}
		out = append(out, IssuedCode{Code: code, RaterGroup: c.RaterGroup, Used: c.Used, MemberID: c.MemberID, PerMember: c.PerMember})
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].RaterGroup != out[j].RaterGroup {
			return out[i].RaterGroup < out[j].RaterGroup
		}
		return out[i].Code < out[j].Code
	})
	return out, err
}

func (s *CodeStore) each(ctx context.Context, filter, projection bson.D, fn func(*Code) error) error {
	o := options.Find().SetBatchSize(1000)
	if projection != nil {
		o.SetProjection(projection)
	}
	cur, err := s.coll().Find(ctx, filter, o)
	if err != nil {
		return fmt.Errorf("read codes: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var c Code
		if err := cur.Decode(&c); err != nil {
			return fmt.Errorf("decode code: %w", err)
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read codes: %w", err)
	}
	return nil
}
