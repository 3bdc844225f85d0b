package consultations

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an account may do.
type Role string

const (
	RoleCitizen   Role = "citizen"
	RoleStaff     Role = "staff"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleCitizen, RoleStaff, RoleModerator, RoleAdmin:
		return true
	}
	return false
}

// Organisation is a ministry or agency that runs consultations.
type Organisation struct {
	ID            string    `json:"id"`
	Slug          string    `json:"slug"`
	Name          string    `json:"name"`
	DefaultLocale string    `json:"default_locale" db:"default_locale"`
	TimeZone      string    `json:"time_zone" db:"time_zone"`
	CreatedAt     time.Time `json:"created_at" db:"created_at"`
}

// User is an account. Citizens appear to others only by DisplayName, a
// pseudonym of their choosing.
type User struct {
	ID           string    `json:"id"`
	Email        string    `json:"-"`
	PasswordHash string    `json:"-" db:"password_hash"`
	DisplayName  string    `json:"display_name" db:"display_name"`
	Role         Role      `json:"role"`
	OrgID        *string   `json:"org_id,omitempty" db:"org_id"`
	Locale       string    `json:"locale"`
	CreatedAt    time.Time `json:"created_at" db:"created_at"`
}

// IsStaffOf reports whether u may manage the consultations of org.
func (u *User) IsStaffOf(orgID string) bool {
	if u == nil {
		return false
	}
	if u.Role == RoleAdmin {
		return true
	}
	return u.Role == RoleStaff && u.OrgID != nil && *u.OrgID == orgID
}

// IsModerator reports whether u may use the moderation queue.
func (u *User) IsModerator() bool {
	return u != nil && (u.Role == RoleModerator || u.Role == RoleAdmin)
}

// IsStaff reports whether u works for an organisation (or is an admin).
func (u *User) IsStaff() bool {
	return u != nil && (u.Role == RoleStaff || u.Role == RoleAdmin)
}

// NewAccount is what a person gives to register.
type NewAccount struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Locale      string `json:"locale"`
	Role        Role   `json:"-"`
	OrgSlug     string `json:"-"`
}

// Password length bounds, after NIST SP 800-63B: length, not composition.
const (
	MinPasswordLen    = 8
	MaxPasswordLen    = 128
	MaxDisplayNameLen = 50
)

func (a *NewAccount) normalise() {
	a.Email = strings.ToLower(strings.TrimSpace(a.Email))
	a.DisplayName = strings.TrimSpace(a.DisplayName)
	if a.Role == "" {
		a.Role = RoleCitizen
	}
	if a.Locale == "" {
		a.Locale = "en"
	}
}

func (a *NewAccount) validate() error {
	p := Problems{}
	if a.Email == "" {
		p.Add("email", "ErrEmailRequired", nil)
	} else if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email || len(a.Email) > 254 {
		p.Add("email", "ErrEmailInvalid", nil)
	}
	n := utf8.RuneCountInString(a.Password)
	switch {
	case n == 0:
		p.Add("password", "ErrPasswordRequired", nil)
	case n < MinPasswordLen:
		p.Add("password", "ErrPasswordTooShort", map[string]any{"Min": MinPasswordLen})
	case n > MaxPasswordLen:
		p.Add("password", "ErrPasswordTooLong", map[string]any{"Max": MaxPasswordLen})
	}
	switch dn := utf8.RuneCountInString(a.DisplayName); {
	case dn == 0:
		p.Add("display_name", "ErrDisplayNameRequired", nil)
	case dn > MaxDisplayNameLen:
		p.Add("display_name", "ErrDisplayNameTooLong", map[string]any{"Max": MaxDisplayNameLen})
	}
	if !a.Role.Valid() {
		p.Add("role", "ErrRoleInvalid", nil)
	}
	if a.Role == RoleStaff && a.OrgSlug == "" {
		p.Add("org", "ErrOrgRequired", nil)
	}
	if !ValidLocale(a.Locale) {
		p.Add("locale", "ErrLocaleInvalid", nil)
	}
	return p.Err()
}

// ValidLocale accepts short BCP 47 tags such as "en", "pt-BR", "zh-Hant".
func ValidLocale(tag string) bool {
	if len(tag) < 2 || len(tag) > 16 {
		return false
	}
	for _, r := range tag {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
