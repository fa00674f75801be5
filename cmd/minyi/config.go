package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"minyi/feedback"
)

// errUsage means the usage text was already printed.
var errUsage = errors.New("usage")

// config is everything the service reads at start.
type config struct {
	Addr         string
	DataDir      string
	MongoURI     string
	Database     string
	WriteConcern string
	AdminToken   string
	MetricsToken string
	SecretKey    string
	Calendar     string
	BaseURL      string
	Proxies      string
	LogLevel     string
	LogFormat    string
	Env          string
	MaxBody      int64
	PublicRate   int // open-link ballots without a code per address a minute
	ShutdownWait time.Duration
	// Reconcile is how often the tally reconciler runs (a Go duration);
	// "0" keeps only its pass at start. Read it with reconcileInterval.
	Reconcile string
	// The 三率 assessment's rules (feedback.ParseAssessSettings).
	AssessWeights, AssessAcceptHours, AssessPartly, AssessMinRated string
}

// Bounds of MINYI_RECONCILE_INTERVAL: a round reads every open survey's
// ballot count, which the embedded store answers by a scan, so rounds
// closer than minReconcile would keep the store busy.
const (
	defaultReconcile = 10 * time.Minute
	minReconcile     = 10 * time.Second
)

// setting is one flag with its environment variable.
type setting struct {
	flag, env, usage string
}

// newFlagSet declares the flags; each defaults to its environment variable,
// then to the built-in default.
func newFlagSet(name string, getenv func(string) string, stderr io.Writer, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	str := func(p *string, s setting, def string) {
		fs.StringVar(p, s.flag, env(s.env, def), s.usage+" ($"+s.env+")")
	}
	str(&cfg.Addr, setting{"addr", "MINYI_ADDR", "listen address"}, ":8080")
	str(&cfg.DataDir, setting{"data-dir", "MINYI_DATA_DIR", "embedded store's data directory"}, "./data")
	str(&cfg.MongoURI, setting{"mongodb-uri", "MONGODB_URI", "use this MongoDB instead of the embedded store"}, "")
	str(&cfg.Database, setting{"database", "MINYI_DATABASE", "database name"}, "minyi")
	str(&cfg.WriteConcern, setting{"write-concern", "MINYI_WRITE_CONCERN", `write concern: "majority" or a node count; empty keeps the server default`}, "")
	str(&cfg.AdminToken, setting{"admin-token", "MINYI_ADMIN_TOKEN", "accept this bearer token as an administrator"}, "")
	str(&cfg.MetricsToken, setting{"metrics-token", "MINYI_METRICS_TOKEN", "bearer token /metrics requires; empty: only administrators may read /metrics"}, "")
	str(&cfg.SecretKey, setting{"secret-key", "MINYI_SECRET_KEY", "key that encrypts caller phone numbers and ballot codes; required unless -dev"}, "")
	str(&cfg.Calendar, setting{"calendar", "MINYI_CALENDAR", "JSON file of holidays, make-up workdays and work-order deadlines, added to the built-in 2026 calendar"}, "")
	str(&cfg.Proxies, setting{"trusted-proxies", "MINYI_TRUSTED_PROXIES", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed"}, "")
	str(&cfg.BaseURL, setting{"base-url", "MINYI_BASE_URL", "public address (scheme://host[:port]) that survey links and QR codes point to; empty: the address the admin's browser uses"}, "")
	str(&cfg.LogLevel, setting{"log-level", "MINYI_LOG_LEVEL", "debug, info, warn or error"}, "info")
	str(&cfg.LogFormat, setting{"log-format", "MINYI_LOG_FORMAT", "text or json"}, "text")
	str(&cfg.Env, setting{"env", "MINYI_ENV", "development or production; production refuses to start without a secret key"}, "development")
	str(&cfg.Reconcile, setting{"reconcile-interval", "MINYI_RECONCILE_INTERVAL", "how often the tally reconciler compares open surveys' tallies with their ballots (at least 10s; 0: only once at start)"}, defaultReconcile.String())
	str(&cfg.AssessWeights, setting{"assess-weights", "MINYI_ASSESS_WEIGHTS", "三率 assessment weights of the response, resolution and satisfaction rates"}, "0.30,0.35,0.35")
	str(&cfg.AssessAcceptHours, setting{"assess-accept-hours", "MINYI_ASSESS_ACCEPT_HOURS", "working hours after the assignment within which an acceptance counts as in time"}, "2")
	str(&cfg.AssessPartly, setting{"assess-partly", "MINYI_ASSESS_PARTLY", "what a partly resolved order counts for in the resolution rate (0-1)"}, "0.5")
	str(&cfg.AssessMinRated, setting{"assess-min-rated", "MINYI_ASSESS_MIN_RATED", "called-back orders a unit needs to be ranked"}, "5")
	fs.Int64Var(&cfg.MaxBody, "max-body", 1<<20, "request body limit in bytes")
	publicRate, _ := strconv.Atoi(env("MINYI_PUBLIC_RATE", "120"))
	fs.IntVar(&cfg.PublicRate, "public-rate", publicRate, "open-link ballots without a code that one address may submit a minute; ballots with a code are not limited ($MINYI_PUBLIC_RATE)")
	fs.DurationVar(&cfg.ShutdownWait, "shutdown-timeout", 10*time.Second, "how long in-flight requests may take at shutdown")
	return fs
}

// check validates the combination of settings.
func (c *config) check() error {
	switch c.Env {
	case "development":
	case "production":
		if len(c.SecretKey) < 32 {
			return errors.New("MINYI_SECRET_KEY must be set (at least 32 characters) when MINYI_ENV=production")
		}
	default:
		return fmt.Errorf("MINYI_ENV %q: want development or production", c.Env)
	}
	if c.AdminToken != "" && len(c.AdminToken) < minAdminToken {
		return fmt.Errorf("MINYI_ADMIN_TOKEN must be at least %d characters (it is an administrator's password): generate one with e.g. `openssl rand -base64 32`", minAdminToken)
	}
	for _, p := range c.trustedProxies() {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				return fmt.Errorf("MINYI_TRUSTED_PROXIES: %q is neither an address nor a CIDR", p)
			}
		}
	}
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "") {
		return fmt.Errorf("MINYI_BASE_URL %q: want an absolute http(s) address such as https://minyi.example.org", c.BaseURL)
	}
	if c.PublicRate < 1 {
		return fmt.Errorf("MINYI_PUBLIC_RATE %d: want at least 1 ballot a minute", c.PublicRate)
	}
	if _, err := c.reconcileInterval(); err != nil {
		return err
	}
	if _, err := c.assessSettings(); err != nil {
		return err
	}
	return nil
}

func (c *config) assessSettings() (feedback.AssessSettings, error) {
	return feedback.ParseAssessSettings(c.AssessWeights, c.AssessAcceptHours, c.AssessPartly, c.AssessMinRated)
}

// reconcileInterval is the reconciler's period: 0 (no periodic rounds) or
// at least minReconcile.
func (c *config) reconcileInterval() (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(c.Reconcile))
	if err != nil || d < 0 || d > 0 && d < minReconcile {
		return 0, fmt.Errorf("MINYI_RECONCILE_INTERVAL %q: want a duration of at least %s (e.g. 10m), or 0 to reconcile only at start", c.Reconcile, minReconcile)
	}
	return d, nil
}

func (c *config) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(c.Proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", c.LogFormat)
}
