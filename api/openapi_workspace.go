package api

import (
	"maps"
	"reflect"

	"minyi/api/openapi"
	"minyi/feedback"
)

// withWorkspaceEnums adds the hotline workspace's values (issue 14) to the
// enumerations of o: the merged status, the extension, merge and absorb
// actions, and the reply's outcome. Kept apart so that the shared table in
// openapi.go stays as it is.
func withWorkspaceEnums(o openapi.Options) openapi.Options {
	o.Enums = maps.Clone(o.Enums)
	o.Enums[reflect.TypeFor[feedback.Status]()] = enumOf(feedback.Statuses...)
	o.Enums[reflect.TypeFor[feedback.Action]()] = enumOf(feedback.ActionReceive, feedback.ActionAssign, feedback.ActionAccept,
		feedback.ActionReturn, feedback.ActionExtend, feedback.ActionReply, feedback.ActionClose, feedback.ActionCallback,
		feedback.ActionReopen, feedback.ActionSupervise, feedback.ActionExtensionRequested, feedback.ActionApproveExtension,
		feedback.ActionRefuseExtension, feedback.ActionMerge, feedback.ActionAbsorb)
	o.Enums[reflect.TypeFor[feedback.ReplyOutcome]()] = enumOf(feedback.Outcomes...)
	return o
}
