package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Access rules. Reading (search, articles, feeds, pages) is open. With a
// token (searchd -token-file), every request that writes — any method but
// GET, HEAD and OPTIONS, on any path — and every export (/api/export…,
// GET included: it hands out the whole corpus) needs it, as
// "Authorization: Bearer <token>" or as the cookie the login page sets.
// The rule looks at methods and paths only, so routes added later are
// covered without knowing of it.
//
// Cross-site requests can't write: a write whose Origin is another host,
// or that a browser marks Sec-Fetch-Site cross-site, is refused, and the
// UI's forms carry a CSRF token checked here (the cookie is also
// SameSite=Strict).

// Errors of access, mapped to 401 and 403 by classify.
var (
	errUnauthorized = errors.New("authorization required: send Authorization: Bearer <token> (the token is in searchd's -token-file)")
	errForbidden    = errors.New("cross-site request or missing CSRF token refused")
)

const (
	tokenCookie = "riverside_token"
	csrfField   = "csrf"
	csrfHeader  = "X-CSRF-Token"
)

// access holds the token and the CSRF key derived from it.
type access struct {
	token []byte
	csrf  string
}

func newAccess(token string) *access {
	a := &access{token: []byte(token)}
	key := make([]byte, 32)
	if token != "" {
		// Stable across restarts: forms open in a browser stay valid.
		m := hmac.New(sha256.New, []byte(token))
		m.Write([]byte("riverside csrf key"))
		key = m.Sum(nil)
	} else {
		rand.Read(key)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("csrf"))
	a.csrf = base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	return a
}

// equal compares secrets in constant time (hashing first hides the
// length too).
func equal(a, b []byte) bool {
	ha, hb := sha256.Sum256(a), sha256.Sum256(b)
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

func (a *access) validToken(t string) bool {
	return len(a.token) > 0 && t != "" && equal([]byte(t), a.token)
}

// writes tells whether r changes state.
func writes(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func exports(r *http.Request) bool {
	return r.URL.Path == "/api/export" || strings.HasPrefix(r.URL.Path, "/api/export/")
}

// crossSite tells whether a browser sent r from another site.
func crossSite(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s == "cross-site" || s == "same-site" {
		return true
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		return err != nil || u.Host != r.Host
	}
	return r.Header.Get("Origin") == "null"
}

// guard applies the access rules before next.
func (s *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w2 := writes(r)
		if w2 && crossSite(r) {
			s.fail(w, r, errForbidden)
			return
		}
		if !w2 && !exports(r) {
			next.ServeHTTP(w, r)
			return
		}
		bearer, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch {
		case hasBearer && s.access.validToken(strings.TrimSpace(bearer)):
			// An API client: no cookie, so no CSRF to fear.
			next.ServeHTTP(w, r)
			return
		case hasBearer && len(s.access.token) > 0:
			s.fail(w, r, errUnauthorized)
			return
		}
		// A browser (a form) or an open server: forms need the CSRF
		// token; with a token configured, the login cookie too.
		if w2 && isForm(r) && !s.validCSRF(r) {
			s.fail(w, r, errForbidden)
			return
		}
		if len(s.access.token) > 0 && r.URL.Path != "/login" {
			c, err := r.Cookie(tokenCookie)
			if err != nil || !s.access.validToken(c.Value) {
				s.fail(w, r, errUnauthorized)
				return
			}
			if w2 && !isForm(r) && !s.validCSRF(r) {
				// A script with the cookie must send the CSRF header.
				s.fail(w, r, errForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// isForm tells a form of the UI from an API call. Under /api/ every
// body is JSON, whatever its Content-Type says (curl -d sends a form's),
// and browsers are kept out by the cross-site rule.
func isForm(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

func (s *server) validCSRF(r *http.Request) bool {
	v := r.Header.Get(csrfHeader)
	if v == "" && isForm(r) {
		r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
		v = r.PostFormValue(csrfField)
	}
	return v != "" && equal([]byte(v), []byte(s.access.csrf))
}

// loginView is what templates/login.html renders.
type loginView struct {
	Form     formView
	CSRF     string
	Next     string
	Needed   bool
	Error    string
	LoggedIn bool
}

// localPath keeps a redirect on this server.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/subscriptions"
	}
	return p
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) error {
	v := loginView{Form: form(url.Values{}), CSRF: s.access.csrf, Next: localPath(r.URL.Query().Get("next")), Needed: len(s.access.token) > 0}
	if c, err := r.Cookie(tokenCookie); err == nil && s.access.validToken(c.Value) {
		v.LoggedIn = true
	}
	return writeHTML(w, s.loginHTML, http.StatusOK, v)
}

// login serves POST /login: a right token becomes an HttpOnly,
// SameSite=Strict cookie, so that the browser carries it and scripts
// can't read it.
func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.PostFormValue("next"))
	if !s.access.validToken(r.PostFormValue("token")) {
		v := loginView{Form: form(url.Values{}), CSRF: s.access.csrf, Next: next, Needed: len(s.access.token) > 0, Error: "That is not the token."}
		return writeHTML(w, s.loginHTML, http.StatusUnauthorized, v)
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: string(s.access.token), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// tokenHolder tells whether r carries the token (as a bearer or as the
// login cookie). With no token configured, no one does.
func (s *server) tokenHolder(r *http.Request) bool {
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return s.access.validToken(strings.TrimSpace(bearer))
	}
	c, err := r.Cookie(tokenCookie)
	return err == nil && s.access.validToken(c.Value)
}
