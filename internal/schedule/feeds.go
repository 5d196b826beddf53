package schedule

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
)

// Feed is a secret URL token of an iCalendar feed: a person's own days
// (StaffID) or their section's (UnitID, the section when it was made). Only
// the token's SHA-256 is kept.
type Feed struct {
	ID           int64     `json:"id"`
	TenantID     int64     `json:"-"`
	OwnerStaffID int64     `json:"-"`
	StaffID      int64     `json:"staff_id,omitempty"`
	UnitID       int64     `json:"unit_id,omitempty"`
	TokenHash    string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	RevokedAt    time.Time `json:"-"`
	// Owner is the feed's owner as they are now (read with the feed by
	// its token).
	Owner FeedOwner `json:"-"`
}

// FeedOwner is what a feed's owner may see now: a feed serves only that.
type FeedOwner struct {
	UnitID  int64 // their section today (a move changes it)
	Retired bool
	Head    bool // they head their section (所属長) today
	Active  bool // they have an account that is not disabled
}

// Serves reports whether the feed answers at all: its owner has not
// retired and can still sign in. Retirement disables the account and
// revokes the API tokens (org.Service.RetireStaff); a feed is a token too,
// and answers like a revoked one from then on.
func (f *Feed) Serves() bool { return !f.Owner.Retired && f.Owner.Active }

// Section is the section a section feed shows: the owner's section now,
// not the one they were in when they made the feed. A person moved by HR
// sees their new section's schedule in the app, and their feed follows;
// the old section's is no longer theirs to see.
func (f *Feed) Section() int64 { return f.Owner.UnitID }

// Store is what the feeds read and write.
type Store interface {
	FindCalendarFeeds(ctx context.Context, tenantID, ownerStaffID int64) ([]Feed, error)
	// FindCalendarFeedByHash finds a live feed by its token's hash (the
	// token is what tells the tenant).
	FindCalendarFeedByHash(ctx context.Context, hash string) (*Feed, error)
	FindApplications(ctx context.Context, tenantID int64, f apply.Filter) ([]*apply.Application, error)
	ScheduleStaffNames(ctx context.Context, tenantID int64, ids []int64) (map[int64]string, error)
	InScheduleTx(ctx context.Context, fn func(Tx) error) error
	PlanReads // plans.go
}

// Tx writes feeds.
type Tx interface {
	InsertCalendarFeed(ctx context.Context, tenantID int64, f *Feed) error
	RevokeCalendarFeed(ctx context.Context, tenantID, ownerStaffID, id int64, at time.Time) (bool, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service manages feeds and renders them.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// HashToken is the stored form of a token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Feeds lists the signed-in person's live feeds.
func (s *Service) Feeds(ctx context.Context, tenantID int64, who *auth.Principal) ([]Feed, error) {
	if who == nil || who.StaffID == 0 {
		return nil, apperr.Forbid()
	}
	return s.st.FindCalendarFeeds(ctx, tenantID, who.StaffID)
}

// CreateFeed makes a feed of the person's own days (section false) or of
// their section's and returns the token, shown this once.
func (s *Service) CreateFeed(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, section bool) (string, *Feed, error) {
	if who == nil || who.StaffID == 0 {
		return "", nil, apperr.Forbid()
	}
	// A section feed carries colleagues' names and days to wherever the
	// URL goes (a calendar app on a private phone): the 所属長's alone,
	// through the page and the API alike.
	if section && !who.Has(auth.Supervisor) {
		return "", nil, &apperr.Error{Code: apperr.Forbidden, Key: "schedule.section_feed_supervisor"}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	f := &Feed{OwnerStaffID: who.StaffID, TokenHash: HashToken(token), CreatedAt: s.now()}
	if section {
		f.UnitID = who.UnitID
	} else {
		f.StaffID = who.StaffID
	}
	err := s.st.InScheduleTx(ctx, func(tx Tx) error {
		if err := tx.InsertCalendarFeed(ctx, tenantID, f); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "schedule.feed_create", ObjectType: "calendar_feed",
			ObjectID: strconv.FormatInt(f.ID, 10), After: f})
	})
	if err != nil {
		return "", nil, err
	}
	return token, f, nil
}

// RevokeFeed ends one of the person's feeds (rotation is a new feed and
// the old one revoked).
func (s *Service) RevokeFeed(ctx context.Context, tenantID int64, actor audit.Actor, who *auth.Principal, id int64) error {
	if who == nil || who.StaffID == 0 {
		return apperr.Forbid()
	}
	// The feed as it is, for the audit entry: read before the transaction
	// (its kind and owner never change; the revocation itself is the
	// conditional statement below).
	live, err := s.st.FindCalendarFeeds(ctx, tenantID, who.StaffID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(live, func(f Feed) bool { return f.ID == id })
	if i < 0 {
		return apperr.NotFoundErr("calendar_feed")
	}
	f := live[i]
	now := s.now()
	return s.st.InScheduleTx(ctx, func(tx Tx) error {
		ok, err := tx.RevokeCalendarFeed(ctx, tenantID, who.StaffID, id, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.NotFoundErr("calendar_feed")
		}
		before := f.auditView()
		f.RevokedAt = now
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "schedule.feed_revoke", ObjectType: "calendar_feed",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: f.auditView()})
	})
}

// auditView is what the audit log shows of a feed: whose or which
// section's days it serves, when it was made and whether it is revoked;
// never its token (only the token's hash is kept, and not shown either).
func (f Feed) auditView() map[string]any {
	v := map[string]any{"owner_staff_id": f.OwnerStaffID, "created_at": f.CreatedAt.UTC().Format(time.RFC3339), "revoked": !f.RevokedAt.IsZero()}
	if f.UnitID != 0 {
		v["kind"], v["unit_id"] = "section", f.UnitID
	} else {
		v["kind"], v["staff_id"] = "personal", f.StaffID
	}
	if !f.RevokedAt.IsZero() {
		v["revoked_at"] = f.RevokedAt.UTC().Format(time.RFC3339)
	}
	return v
}

// FeedICS renders the feed of token: 31 days back to 180 days ahead.
// An unknown or revoked token is not found, and so is one whose owner
// retired or lost their account (Feed.Serves); a section feed shows the
// owner's section as it is now (Feed.Section).
func (s *Service) FeedICS(ctx context.Context, token, lang string) ([]byte, error) {
	if token == "" {
		return nil, apperr.NotFoundErr("calendar_feed")
	}
	f, err := s.st.FindCalendarFeedByHash(ctx, HashToken(token))
	if err != nil {
		return nil, err
	}
	if f == nil || !f.Serves() {
		return nil, apperr.NotFoundErr("calendar_feed")
	}
	today := calendar.DateOf(s.now())
	from, to := today.AddDays(-31), today.AddDays(180)
	filter := apply.Filter{From: from, To: to, DayStatuses: Shown}
	if f.UnitID != 0 {
		// A section feed is the 所属長's (CreateFeed): one whose owner no
		// longer heads a section — or one made before that rule by someone
		// who never did — answers like a revoked token.
		if f.Section() == 0 || !f.Owner.Head {
			return nil, apperr.NotFoundErr("calendar_feed")
		}
		filter.UnitIDs = []int64{f.Section()}
	} else {
		filter.StaffIDs = []int64{f.StaffID}
	}
	apps, err := s.st.FindApplications(ctx, f.TenantID, filter)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, a := range apps {
		ids = append(ids, a.StaffID)
	}
	names, err := s.st.ScheduleStaffNames(ctx, f.TenantID, ids)
	if err != nil {
		return nil, err
	}
	es := Entries(f.TenantID, apps, names, from, to)
	if err := s.withPlans(ctx, f, es, from, to); err != nil {
		return nil, err
	}
	return ICS(i18n.T(lang, "schedule.feed_name", nil), es, lang, s.now())
}
