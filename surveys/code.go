package surveys

import "time"

// Code is an issued ballot code as stored: never the code itself, only its
// keyed hash (the _id) for lookup and a sealed copy for reprinting.
type Code struct {
	Hash       string    `bson:"_id" json:"-"`
	SurveyID   string    `bson:"survey_id" json:"survey_id"`
	RaterGroup string    `bson:"rater_group" json:"rater_group"`
	Sealed     string    `bson:"sealed" json:"-"`
	Used       bool      `bson:"used" json:"used"`
	CreatedAt  time.Time `bson:"created_at" json:"created_at"`
}
