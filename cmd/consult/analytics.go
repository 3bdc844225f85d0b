package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/consult-platform/consult/consultations/analytics"
)

// analyticsFlags are serve's participation-figures settings.
type analyticsFlags struct {
	k int
}

func (f *analyticsFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	k, _ := strconv.Atoi(getenv("CONSULT_SUPPRESSION_K"))
	fs.IntVar(&f.k, "suppression-k", k, fmt.Sprintf("public counts below this are shown as \"<k\" (default %d, at least %d)", analytics.DefaultK, analytics.MinK))
}

// newAnalytics makes the figures service, keeps counts up to date from
// now on and repairs any written while it was not running.
//
// The server gives the service its moderation figures (SetModeration).
func newAnalytics(ctx context.Context, a *app, f analyticsFlags) (*analytics.Service, error) {
	if f.k != 0 && f.k < analytics.MinK {
		a.log.Warn("suppression threshold raised to the minimum", "asked", f.k, "using", analytics.MinK)
	}
	svc := analytics.New(a.store, analytics.Options{K: f.k})
	n, err := svc.Repair(ctx)
	if err != nil {
		// Two nodes starting together may recount the same consultation
		// at once and one of them loses; the server still serves, and the
		// figures are kept on write from now on.
		a.log.Warn("recounting participation figures failed; they are repaired at the next start", "error", err)
		return svc, nil
	}
	if n > 0 {
		a.log.Info("recounted participation figures", "consultations", n)
	}
	return svc, nil
}
