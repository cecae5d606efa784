package audit

// Actions lists every action code the platform writes to the audit log. The audit log shows
// each by its name in the reader's language (the catalogue key NameKey(code)); a test reads
// the source for every audit.Record and fails on a code missing here.
var Actions = []string{
	"advisory.submit", "advisory.transition", "advisory.assign", "advisory.owner", "advisory.team",
	"advisory.attach", "advisory.detach", "advisory.comment", "advisory.note", "advisory.rate",
	"advisory.workshop", "advisory.letter", "advisory.tor_proposed", "advisory.tor_agreed",
	"advisory.tor_changes_requested", "advisory.mission", "advisory.deliverable",
	"advisory.deliverable_status", "advisory.closing_report", "advisory.followup_sent",
	"advisory.followup_answered", "advisory.tags",
	"attendance.check_in", "attendance.undo",
	"auth.login", "auth.login_failed", "auth.logout", "auth.session.ended", "auth.token.revoked",
	"auth.oidc.login", "auth.oidc.link", "auth.oidc.failed",
	"auth.second_factor.enrol", "auth.second_factor.remove", "auth.second_factor.reset",
	"auth.second_factor.failed", "auth.recovery_code.used",
	"certificate.issue", "certificate.reissue", "certificate.bulk_issue", "certificate.revoke",
	"certificate.supersede",
	"content.publish", "content.restore", "content.trainer",
	"certificate_template.save", "certificate_template.assign", "certificate_template.default",
	"country.member", "country.assessment", "country.assessment.correct",
	"issuer_key.rotate",
	"official.create", "official.edit", "official.role", "official.delete",
	"official.erasure_scheduled", "official.erasure_cancelled", "official.password_reset",
	"official.reset_requested", "official.token_create",
	"outbox.view", "outbox.resend", "outbox.discard",
	"registration.apply", "registration.nominate", "registration.approve", "registration.reject",
	"registration.waitlist", "registration.cancel", "registration.accept", "registration.offer",
	"registration.offer_expired", "registration.erased", "registration.visa_letter",
	"survey.publish",
	"workshop.create", "workshop.edit", "workshop.status", "workshop.letter",
	"workshop.question", "workshop.visa_template",
	"workshop.speaker.add", "workshop.speaker.edit", "workshop.speaker.delete",
	"workshop.material.add", "workshop.material.edit", "workshop.material.delete",
}

// NameKey is the catalogue key of an action's readable name.
func NameKey(action string) string { return "audit.action." + action }
