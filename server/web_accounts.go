package server

import (
	"net/http"
	"strings"

	"github.com/consult-platform/consult/consultations"
)

// accountForm is what the register and sign-in pages show again after an
// error: everything typed except the password.
type accountForm struct {
	Email       string
	DisplayName string
	Return      string
	Inline      map[string]string
	Min, Max    int
}

func (s *Server) accountPage(r *http.Request, titleID string, f accountForm) *page {
	f.Min, f.Max = consultations.MinPasswordLen, consultations.MaxPasswordLen
	f.Return = safeReturn(f.Return)
	return s.newPage(r, reqOf(r).loc.T(titleID), f)
}

func (s *Server) handleRegisterForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "web-register", s.accountPage(r, "RegisterTitle", accountForm{Return: r.URL.Query().Get("return")}))
}

// handleRegister creates a citizen account and signs it in at once.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	f := accountForm{Email: r.PostFormValue("email"), DisplayName: r.PostFormValue("display_name"), Return: r.PostFormValue("return")}
	u, err := s.store.CreateUser(r.Context(), consultations.NewAccount{
		Email: f.Email, Password: r.PostFormValue("password"), DisplayName: f.DisplayName,
		Locale: reqOf(r).loc.Tag, Role: consultations.RoleCitizen,
	})
	if err != nil {
		s.accountError(w, r, err, "web-register", "RegisterTitle", f, []string{"email", "display_name", "password"})
		return
	}
	s.startSession(w, r, u, f.Return)
}

func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "web-sign-in", s.accountPage(r, "SignInTitle", accountForm{Return: r.URL.Query().Get("return")}))
}

// handleSignIn checks the email and password. Its one error message never
// says which of the two was wrong, so it does not reveal who has an account.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	f := accountForm{Email: r.PostFormValue("email"), Return: r.PostFormValue("return")}
	password := r.PostFormValue("password")
	var err error
	var u *consultations.User
	if strings.TrimSpace(f.Email) == "" || password == "" {
		p := consultations.Problems{}
		if strings.TrimSpace(f.Email) == "" {
			p.Add("email", "ErrEmailRequired", nil)
		}
		if password == "" {
			p.Add("password", "ErrPasswordRequired", nil)
		}
		err = p.Err()
	} else if u, err = s.store.Authenticate(r.Context(), f.Email, password); err != nil && consultations.ErrorCode(err) == consultations.EUNAUTHENTICATED {
		err = &consultations.Error{Code: consultations.EINVALID, Message: consultations.Message{ID: "ErrSignInFailed"},
			Fields: map[string]consultations.Message{"email": {ID: "ErrSignInFailed"}}}
	}
	if err != nil {
		s.accountError(w, r, err, "web-sign-in", "SignInTitle", f, []string{"email", "password"})
		return
	}
	s.startSession(w, r, u, f.Return)
}

// accountError shows the form again with its errors, or fails outright
// when the error is not about what was typed.
func (s *Server) accountError(w http.ResponseWriter, r *http.Request, err error, tmpl, titleID string, f accountForm, order []string) {
	code := consultations.ErrorCode(err)
	if code != consultations.EINVALID && code != consultations.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	summary, inline := s.formErrors(r, err, order)
	f.Inline = inline
	p := s.accountPage(r, titleID, f)
	p.Errors = summary
	p.Title = reqOf(r).loc.T("ErrorPrefix") + " " + p.Title
	_, status, _, _ := classify(err)
	s.render(w, r, status, tmpl, p)
}

// startSession signs u in with a new session id (never one the browser
// brought, which defeats session fixation) and a new CSRF secret.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *consultations.User, returnTo string) {
	if old := reqOf(r).session; old != "" {
		s.store.DeleteSession(r.Context(), old)
	}
	token, err := s.store.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setCookie(w, r, s.cfg, sessionCookie, token, s.store.Times.Absolute)
	s.rotateCSRF(w, r)
	http.Redirect(w, r, safeReturn(returnTo), http.StatusSeeOther)
}

// handleSignOut ends the session on the server, not only in the browser.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if tok := reqOf(r).session; tok != "" {
		if err := s.store.DeleteSession(r.Context(), tok); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	clearCookie(w, r, s.cfg, sessionCookie)
	s.rotateCSRF(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
