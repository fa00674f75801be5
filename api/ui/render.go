package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/surveys"
)

// webFS holds the page templates and static assets, compiled into the binary.
//
//go:embed web
var webFS embed.FS

// pages are the parsed HTML templates: each page file parsed together with
// layout.html, so every page may define its own "content" block.
type pages map[string]*template.Template

// Renderer renders the page templates and the error page.
type Renderer struct {
	pages    pages
	accounts *accounts.Store // the sessions' CSRF tokens; nil without accounts
	log      *slog.Logger
	// bootstrapToken: MINYI_ADMIN_TOKEN is set, and administrators are told
	// to unset it once an administrator account exists.
	bootstrapToken bool
	// calendar warns operators and admins when it does not cover the
	// coming days (calendar_notice.go); nil: no warning.
	calendar *calendarNotice
}

// NewRenderer parses the embedded templates; bootstrapToken tells whether
// MINYI_ADMIN_TOKEN is set.
func NewRenderer(acc *accounts.Store, log *slog.Logger, bootstrapToken bool) (*Renderer, error) {
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	return &Renderer{pages: p, accounts: acc, log: log, bootstrapToken: bootstrapToken}, nil
}

func loadPages() (pages, error) {
	names, err := fs.Glob(webFS, "web/templates/*.html")
	if err != nil {
		return nil, err
	}
	p := pages{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).ParseFS(webFS, "web/templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", base, err)
		}
		p[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// PageView is what every page template receives: the layout reads Title,
// CSRF, User, Bare and BootstrapNotice; the page reads Data.
type PageView struct {
	Title string
	CSRF  string
	User  *accounts.Principal
	Data  any
	Bare  bool // no top bar: a page shown inside another (the builder's preview)
	// BootstrapNotice asks an administrator to unset MINYI_ADMIN_TOKEN
	// (set by Render while it is set and an administrator account exists).
	BootstrapNotice bool
	// CalendarGap lists the years of the coming 60 days the work-order
	// calendar has no holidays for (operators and admins; calendar_notice.go).
	CalendarGap []int
}

// Render writes page name with data. It renders into a buffer first so that
// a template error becomes a clean 500, not half a page.
func (s *Renderer) Render(c *gin.Context, status int, name string, v PageView) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	if v.User == nil {
		v.User = httpx.Principal(c)
	}
	if v.CSRF == "" {
		v.CSRF = httpx.CSRFToken(c, s.accounts) // forms embed it: <input type="hidden" name="csrf_token" value="{{.CSRF}}">
	}
	v.BootstrapNotice = !v.Bare && s.bootstrapNotice(c, v.User)
	if !v.Bare {
		v.CalendarGap = s.calendarGap(c, v.User)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// bootstrapNotice reports whether u, an administrator, should be told to
// unset MINYI_ADMIN_TOKEN: it is set although an administrator account
// exists (as the log warns at start). A failed look-up shows no notice.
func (s *Renderer) bootstrapNotice(c *gin.Context, u *accounts.Principal) bool {
	if !s.bootstrapToken || s.accounts == nil || u == nil || u.Role != accounts.RoleAdmin {
		return false
	}
	ok, err := s.accounts.HasAdmin(c.Request.Context())
	if err != nil {
		s.log.WarnContext(c.Request.Context(), "bootstrap notice: admin look-up failed", slog.String("request_id", httpx.RequestID(c)), slog.Any("err", err))
	}
	return ok && err == nil
}

// pageTime is a time as pages show it: Beijing time, to the minute.
func pageTime(t time.Time) string { return t.In(surveys.ChinaTime).Format("2006-01-02 15:04") }

// Static serves the embedded assets under /static/.
func Static() gin.HandlerFunc {
	sub, err := fs.Sub(webFS, "web/static")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	files := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Writer, c.Request)
	}
}
