package accounts

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Credentials have a life cycle: whoever held a user's old password, or a
// session or token issued before the user was disabled, must be out for
// good. Sessions and API tokens are therefore deleted, not merely refused
// while the user is disabled, so re-enabling a user brings none of them
// back.

// revokeCredentials ends every session and deletes every API token of
// userID. UpdateUser calls it on a new password and on disabling, so every
// caller of those changes (the JSON API, the pages, the CLI) gets it.
func (s *Store) revokeCredentials(ctx context.Context, userID string) error {
	if err := s.deleteSessionsOf(ctx, userID); err != nil {
		return err
	}
	if _, err := s.tokens().DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}}); err != nil {
		return fmt.Errorf("revoke tokens: %w", err)
	}
	return nil
}

// HasAdmin reports whether an enabled administrator exists (the server
// warns at start when the bootstrap token is still set then).
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	n, err := s.users().CountDocuments(ctx, bson.D{{Key: "role", Value: string(RoleAdmin)}, {Key: "disabled", Value: false}})
	if err != nil {
		return false, fmt.Errorf("count admins: %w", err)
	}
	return n > 0, nil
}
