package handbook

import (
	"context"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/attach"
	"telework/internal/audit"
)

// Reader reads pages, briefings and their files.
type Reader interface {
	// FindHandbookPages lists pages by sort then title (drafts only when
	// drafts is true), without files.
	FindHandbookPages(ctx context.Context, tenantID int64, drafts bool) ([]Page, error)
	// FindHandbookPage reads one page; NotFound when the tenant has none.
	FindHandbookPage(ctx context.Context, tenantID, id int64) (Page, error)
	// FindHandbookPageBySlot reads the page in a slot; NotFound if none.
	FindHandbookPageBySlot(ctx context.Context, tenantID int64, slot string) (Page, error)
	// FindBriefings lists briefings by date, newest first, without files.
	FindBriefings(ctx context.Context, tenantID int64) ([]Briefing, error)
	// FindBriefing reads one briefing; NotFound when the tenant has none.
	FindBriefing(ctx context.Context, tenantID, id int64) (Briefing, error)
	// FindTrialFiles lists the files of one owner, without data.
	FindTrialFiles(ctx context.Context, tenantID int64, owner attach.Owner) ([]attach.File, error)
	// FindTrialFile reads one file with its data.
	FindTrialFile(ctx context.Context, tenantID, id int64) (attach.File, error)
}

// Store is what the service reads and runs its transactions on.
type Store interface {
	Reader
	InHandbookTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one change writes, with its audit entry.
type Tx interface {
	Reader
	InsertHandbookPage(ctx context.Context, tenantID int64, p Page) (int64, error)
	// UpdateHandbookPage writes p at p.Version; stale is a Conflict.
	UpdateHandbookPage(ctx context.Context, tenantID int64, p Page) error
	// DeleteHandbookPage removes a page and its files.
	DeleteHandbookPage(ctx context.Context, tenantID, id int64) error
	InsertBriefing(ctx context.Context, tenantID int64, b Briefing) (int64, error)
	// UpdateBriefing writes b at b.Version; stale is a Conflict.
	UpdateBriefing(ctx context.Context, tenantID int64, b Briefing) error
	// DeleteBriefing removes a briefing and its files.
	DeleteBriefing(ctx context.Context, tenantID, id int64) error
	InsertTrialFile(ctx context.Context, tenantID int64, f attach.File) (int64, error)
	DeleteTrialFile(ctx context.Context, tenantID, id int64) (attach.File, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the handbook workflows.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// Pages lists the pages; drafts only for the editors (HR).
func (s *Service) Pages(ctx context.Context, tenantID int64, drafts bool) ([]Page, error) {
	return s.st.FindHandbookPages(ctx, tenantID, drafts)
}

// Page reads a page with its files; a draft is NotFound unless drafts.
func (s *Service) Page(ctx context.Context, tenantID, id int64, drafts bool) (Page, error) {
	p, err := s.st.FindHandbookPage(ctx, tenantID, id)
	if err != nil {
		return p, err
	}
	if !p.Published && !drafts {
		return Page{}, apperr.NotFoundErr("page")
	}
	p.Files, err = s.st.FindTrialFiles(ctx, tenantID, attach.Owner{PageID: id})
	return p, err
}

// BySlot finds the published page in a slot, for the pages that link to
// it; ok is false when the slot is empty or its page is a draft.
func (s *Service) BySlot(ctx context.Context, tenantID int64, slot string) (Page, bool, error) {
	p, err := s.st.FindHandbookPageBySlot(ctx, tenantID, slot)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		return Page{}, false, nil
	case err != nil:
		return Page{}, false, err
	}
	return p, p.Published, nil
}

func slotTaken() error {
	var v apperr.Validation
	v.Add("slot", "field.taken", nil)
	return v.Err()
}

// SavePage creates (p.ID 0) or updates a page at p.Version. A slot held by
// another page is a field error on slot. Audited as "handbook.page_create"
// or "handbook.page_update".
func (s *Service) SavePage(ctx context.Context, tenantID int64, actor audit.Actor, p Page) (Page, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	p.UpdatedAt, p.UpdatedBy = s.now(), actor.Label
	err := s.st.InHandbookTx(ctx, func(tx Tx) error {
		if p.ID == 0 {
			id, err := tx.InsertHandbookPage(ctx, tenantID, p)
			if apperr.IsDuplicate(err) {
				return slotTaken()
			} else if err != nil {
				return err
			}
			p.ID, p.Version = id, 1
			return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.page_create", ObjectType: "handbook_page",
				ObjectID: strconv.FormatInt(id, 10), After: p.AuditView()})
		}
		old, err := tx.FindHandbookPage(ctx, tenantID, p.ID)
		if err != nil {
			return err
		}
		if old.Version != p.Version {
			return apperr.ConflictStale()
		}
		if old.Title == p.Title && old.Body == p.Body && old.Slot == p.Slot && old.Published == p.Published && old.Sort == p.Sort {
			p = old
			return nil
		}
		if err := tx.UpdateHandbookPage(ctx, tenantID, p); apperr.IsDuplicate(err) {
			return slotTaken()
		} else if err != nil {
			return err
		}
		p.Version++
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.page_update", ObjectType: "handbook_page",
			ObjectID: strconv.FormatInt(p.ID, 10), Before: old.AuditView(), After: p.AuditView()})
	})
	return p, err
}

// DeletePage removes a page with its files. Audited as
// "handbook.page_delete".
func (s *Service) DeletePage(ctx context.Context, tenantID int64, actor audit.Actor, id int64) error {
	return s.st.InHandbookTx(ctx, func(tx Tx) error {
		old, err := tx.FindHandbookPage(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteHandbookPage(ctx, tenantID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.page_delete", ObjectType: "handbook_page",
			ObjectID: strconv.FormatInt(id, 10), Before: old.AuditView()})
	})
}

// Briefings lists the briefing sessions, newest first, with their files.
func (s *Service) Briefings(ctx context.Context, tenantID int64) ([]Briefing, error) {
	bs, err := s.st.FindBriefings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for i := range bs {
		if bs[i].Files, err = s.st.FindTrialFiles(ctx, tenantID, attach.Owner{BriefingID: bs[i].ID}); err != nil {
			return nil, err
		}
	}
	return bs, nil
}

// Briefing reads one briefing with its files.
func (s *Service) Briefing(ctx context.Context, tenantID, id int64) (Briefing, error) {
	b, err := s.st.FindBriefing(ctx, tenantID, id)
	if err != nil {
		return b, err
	}
	b.Files, err = s.st.FindTrialFiles(ctx, tenantID, attach.Owner{BriefingID: id})
	return b, err
}

// SaveBriefing creates (b.ID 0) or updates a briefing at b.Version.
// Audited as "handbook.briefing_create" or "handbook.briefing_update".
func (s *Service) SaveBriefing(ctx context.Context, tenantID int64, actor audit.Actor, b Briefing) (Briefing, error) {
	if err := b.Validate(); err != nil {
		return b, err
	}
	b.UpdatedAt = s.now()
	err := s.st.InHandbookTx(ctx, func(tx Tx) error {
		if b.ID == 0 {
			id, err := tx.InsertBriefing(ctx, tenantID, b)
			if err != nil {
				return err
			}
			b.ID, b.Version = id, 1
			return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.briefing_create", ObjectType: "briefing",
				ObjectID: strconv.FormatInt(id, 10), After: b.AuditView()})
		}
		old, err := tx.FindBriefing(ctx, tenantID, b.ID)
		if err != nil {
			return err
		}
		if old.Version != b.Version {
			return apperr.ConflictStale()
		}
		if err := tx.UpdateBriefing(ctx, tenantID, b); err != nil {
			return err
		}
		b.Version++
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.briefing_update", ObjectType: "briefing",
			ObjectID: strconv.FormatInt(b.ID, 10), Before: old.AuditView(), After: b.AuditView()})
	})
	return b, err
}

// DeleteBriefing removes a briefing with its materials. Audited as
// "handbook.briefing_delete".
func (s *Service) DeleteBriefing(ctx context.Context, tenantID int64, actor audit.Actor, id int64) error {
	return s.st.InHandbookTx(ctx, func(tx Tx) error {
		old, err := tx.FindBriefing(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteBriefing(ctx, tenantID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.briefing_delete", ObjectType: "briefing",
			ObjectID: strconv.FormatInt(id, 10), Before: old.AuditView()})
	})
}

// Attach adds a file to a page (owner.PageID) or a briefing
// (owner.BriefingID). Audited as "handbook.file_add".
func (s *Service) Attach(ctx context.Context, tenantID int64, actor audit.Actor, owner attach.Owner, name string, data []byte) (attach.File, error) {
	if owner.CheckItem != "" || (owner.PageID == 0) == (owner.BriefingID == 0) {
		return attach.File{}, apperr.NotFoundErr("page")
	}
	var f attach.File
	err := s.st.InHandbookTx(ctx, func(tx Tx) error {
		typ, id := ownerRef(owner)
		var err error
		// The owner first: another tenant's page is not found, whatever
		// the file.
		if owner.PageID != 0 {
			_, err = tx.FindHandbookPage(ctx, tenantID, owner.PageID)
		} else {
			_, err = tx.FindBriefing(ctx, tenantID, owner.BriefingID)
		}
		if err != nil {
			return err
		}
		if f, err = attach.New("file", name, data, owner, actor.Label, s.now()); err != nil {
			return err
		}
		if f.ID, err = tx.InsertTrialFile(ctx, tenantID, f); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.file_add", ObjectType: typ, ObjectID: id, After: f.AuditView()})
	})
	return f, err
}

func ownerRef(o attach.Owner) (string, string) {
	if o.PageID != 0 {
		return "handbook_page", strconv.FormatInt(o.PageID, 10)
	}
	return "briefing", strconv.FormatInt(o.BriefingID, 10)
}

// File reads a page's or briefing's file with its data. A file of a draft
// page is NotFound unless drafts (HR); roadmap evidence is never served
// here.
func (s *Service) File(ctx context.Context, tenantID, id int64, drafts bool) (attach.File, error) {
	f, err := s.st.FindTrialFile(ctx, tenantID, id)
	if err != nil {
		return f, err
	}
	switch {
	case f.Owner.CheckItem != "":
		return attach.File{}, apperr.NotFoundErr("file")
	case f.Owner.PageID != 0 && !drafts:
		p, err := s.st.FindHandbookPage(ctx, tenantID, f.Owner.PageID)
		if err != nil {
			return attach.File{}, err
		}
		if !p.Published {
			return attach.File{}, apperr.NotFoundErr("file")
		}
	}
	return f, nil
}

// RemoveFile deletes a page's or briefing's file. Audited as
// "handbook.file_remove".
func (s *Service) RemoveFile(ctx context.Context, tenantID int64, actor audit.Actor, id int64) error {
	return s.st.InHandbookTx(ctx, func(tx Tx) error {
		f, err := tx.FindTrialFile(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if f.Owner.CheckItem != "" {
			return apperr.NotFoundErr("file")
		}
		if _, err := tx.DeleteTrialFile(ctx, tenantID, id); err != nil {
			return err
		}
		typ, oid := ownerRef(f.Owner)
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "handbook.file_remove", ObjectType: typ, ObjectID: oid, Before: f.AuditView()})
	})
}
