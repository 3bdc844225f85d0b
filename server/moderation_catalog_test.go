package server

import "github.com/consult-platform/consult/moderation"

// The moderation pages build message ids from reasons, categories,
// actions and notification kinds.
func init() {
	for _, r := range append(append([]string{}, moderation.QueueReasons...), moderation.ReportReasons...) {
		dynamicKeys = append(dynamicKeys, "ModReason_"+r)
	}
	for _, c := range moderation.Categories {
		dynamicKeys = append(dynamicKeys, "ModCategory_"+c)
	}
	for _, a := range moderation.Actions {
		dynamicKeys = append(dynamicKeys, "ModAction_"+a)
	}
	for _, a := range []string{"block", "hold", "flag", "mask"} {
		dynamicKeys = append(dynamicKeys, "ModWordAction_"+a)
	}
	for _, k := range []string{"ModMyAction_hide", "ModMyAction_redact", "ModMyAction_restore", "ModAppeal_open", "ModAppeal_upheld", "ModAppeal_rejected",
		"Notify_moderation_hidden", "Notify_moderation_redacted", "Notify_moderation_restored", "Notify_moderation_approved", "Notify_appeal_upheld", "Notify_appeal_rejected"} {
		dynamicKeys = append(dynamicKeys, k)
	}
}
