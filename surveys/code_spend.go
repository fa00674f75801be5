package surveys

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

// Spending a code, secretly. A ballot keeps nothing of the code that cast
// it: one code, one ballot is enforced by a spend record whose unique _id
// is the code's hash, inserted before the ballot (an insert is atomic
// across instances on every store; a conditional update is not on the
// embedded one). While the ballot is being written the record holds a
// claim, a keyed hash of the survey and submission id, so that a retry of
// the same submission (after a timeout or a crash between the two writes)
// recognises its own spend and stores its ballot. Once the ballot is stored
// the batcher removes the claim (MarkUsed), and the spend record and the
// ballot share nothing but the survey id. The ballot's own _id is an
// unkeyed hash of the same pair, so neither can be derived from the other
// without the submission id, which is stored nowhere.

const collSpends = "code_spends"

type codeSpend struct {
	ID       string `bson:"_id"`
	SurveyID string `bson:"survey_id"`
	Claim    string `bson:"claim,omitempty"`
}

// Claim is the claim a submission puts on the code it spends.
func (s *CodeStore) Claim(surveyID, submissionID string) string {
	return s.keys.Hash("ballot-claim", surveyID+":"+submissionID)[:32]
}

// Spend spends code c for the submission whose claim is given. It reports
// true when the code is now this submission's (spent just now, or by an
// earlier attempt of the same submission whose ballot may not be stored),
// false when another submission spent it.
func (s *CodeStore) Spend(ctx context.Context, c *Code, claim string) (bool, error) {
	_, err := s.db.Collection(collSpends).InsertOne(ctx, codeSpend{ID: c.Hash, SurveyID: c.SurveyID, Claim: claim})
	if err == nil {
		return true, nil
	}
	if !store.IsDuplicate(err) {
		return false, fmt.Errorf("spend code: %w", err)
	}
	var prior codeSpend
	err = s.db.Collection(collSpends).FindOne(ctx, bson.D{{Key: "_id", Value: c.Hash}}).Decode(&prior)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read code spend: %w", err)
	}
	return prior.Claim != "" && prior.Claim == claim, nil
}

// MarkUsed flags the codes with these hashes as used (for the issued and
// used counts) and drops the claims of their spend records, now that their
// ballots are stored: from then on nothing ties a ballot to its code. The
// single use itself is the spend record's unique _id.
func (s *CodeStore) MarkUsed(ctx context.Context, hashes []string) error {
	if len(hashes) == 0 {
		return nil
	}
	// One update by _id each, in one bulkWrite: the embedded store looks
	// up {_id} by index but would scan every code for an $in.
	used := make([]mongo.WriteModel, len(hashes))
	unclaim := make([]mongo.WriteModel, len(hashes))
	for i, h := range hashes {
		used[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: h}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
		unclaim[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: h}}).
			SetUpdate(bson.D{{Key: "$unset", Value: bson.D{{Key: "claim", Value: ""}}}})
	}
	bulk := options.BulkWrite().SetOrdered(false)
	if _, err := s.db.Collection(collSpends).BulkWrite(ctx, unclaim, bulk); err != nil {
		return fmt.Errorf("drop code claims: %w", err)
	}
	if _, err := s.coll().BulkWrite(ctx, used, bulk); err != nil {
		return fmt.Errorf("mark codes used: %w", err)
	}
	return nil
}

// ErrCodesSealed refuses the list of codes once voting has begun: an admin
// who could fetch the unused codes before and after each vote would learn
// which code, and so which person, cast the new ballot.
var ErrCodesSealed = minyi.E(minyi.ErrConflict, "codes_sealed",
	"已有人使用测评码投票，为保证投票保密，不再提供测评码清单，只提供发放与使用数量；如需补发，请生成新的测评码")

// voting reports whether any code of the survey was spent.
func (s *CodeStore) voting(ctx context.Context, surveyID string) (bool, error) {
	err := s.db.Collection(collSpends).FindOne(ctx, bson.D{{Key: "survey_id", Value: surveyID}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read code spends: %w", err)
	}
	return true, nil
}
