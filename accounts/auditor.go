package accounts

import (
	"context"
	"log/slog"
	"time"

	"minyi"
)

// auditTimeout bounds writing one audit entry once the request's own
// cancellation no longer applies.
const auditTimeout = 10 * time.Second

// Auditor is the audit log as the domain services write to it
// (minyi.Auditor): the actor and the request id come from the context.
type Auditor struct {
	Store *Store
	Log   *slog.Logger
}

// NewAuditor writes to s's audit log and logs entries it could not write.
func NewAuditor(s *Store, log *slog.Logger) *Auditor {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Auditor{Store: s, Log: log}
}

// Audit appends r for the acting principal of ctx (none for a failed
// sign-in). A failure is logged, not returned: the change itself has
// happened. The entry is written with a context the client cannot cancel
// (a reset connection must not lose it), bounded by auditTimeout.
func (a *Auditor) Audit(ctx context.Context, r minyi.AuditRecord) {
	e := &AuditEntry{
		Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Summary: r.Summary,
		RequestID: minyi.RequestIDFrom(ctx),
	}
	if p := minyi.PrincipalFrom(ctx); p != nil {
		e.ActorID, e.Actor, e.Role, e.Via = p.UserID, p.Login, p.Role, p.Via
	}
	minyi.MarkAudited(ctx)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	if err := a.Store.Audit(ctx, e); err != nil {
		a.Log.ErrorContext(ctx, "audit entry lost",
			slog.String("request_id", e.RequestID), slog.String("action", r.Action), slog.String("object_id", r.ObjectID), slog.Any("err", err))
	}
}
