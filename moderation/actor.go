package moderation

// Roles as the accounts store names them.
const (
	RoleCitizen   = "citizen"
	RoleStaff     = "staff"
	RoleModerator = "moderator"
	RoleAdmin     = "admin"
)

// Actor is whoever acts: the account's id, role and (for staff) the
// organisation it works for. A nil *Actor is nobody signed in.
type Actor struct {
	ID    string
	Role  string
	OrgID string
}

// Moderates reports whether a may use the review queue at all; scopes may
// still limit it to some organisations.
func (a *Actor) Moderates() bool {
	return a != nil && (a.Role == RoleModerator || a.Role == RoleAdmin)
}

// IsAdmin reports whether a administers the whole site.
func (a *Actor) IsAdmin() bool { return a != nil && a.Role == RoleAdmin }

// IsStaffOf reports whether a works for org (admins count as everyone's).
func (a *Actor) IsStaffOf(org string) bool {
	return a != nil && (a.Role == RoleAdmin || a.Role == RoleStaff && a.OrgID == org)
}
