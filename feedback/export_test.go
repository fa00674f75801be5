package feedback

import "go.mongodb.org/mongo-driver/v2/mongo"

// IndexCollection exposes the index collection to the tests, which remove
// documents from it to see them rebuilt.
func (s *Store) IndexCollection() *mongo.Collection { return s.index() }
