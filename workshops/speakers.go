package workshops

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/draw"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Speakers are the people who speak at a workshop's agenda items: one of the platform's
// accounts (a trainer, or staff), whose name and organisation come from the account, or a
// person from outside, named in Arabic, English and French, with an affiliation, a short
// biography and a photo. A speaker speaks at one or more agenda items, or at none yet.

// Limits of a speaker.
const (
	// MaxPhotoBytes is the largest photo accepted, before it is re-encoded.
	MaxPhotoBytes = 5 << 20
	// MaxPhotoMB is MaxPhotoBytes in megabytes, for messages.
	MaxPhotoMB = MaxPhotoBytes >> 20
	// photoSide is the longest side of a stored photo: a larger one is scaled down.
	photoSide = 600
	// maxPhotoSide and maxPhotoPixels refuse an image before its pixels are decoded.
	maxPhotoSide   = 8000
	maxPhotoPixels = 40_000_000
	maxSpeakerName = 120
	maxAffiliation = 200
	maxBio         = 2000
	maxSpeakers    = 100
)

// Speaker is a person speaking at a workshop. Photo is left out of lists.
type Speaker struct {
	ID          int64             `json:"id"`
	WorkshopID  int64             `json:"workshop_id"`
	OfficialID  int64             `json:"official_id"` // 0: a person from outside the platform
	Name        map[string]string `json:"name"`
	Affiliation string            `json:"affiliation"`
	Bio         map[string]string `json:"bio"`
	HasPhoto    bool              `json:"has_photo"`
	Sessions    []int64           `json:"sessions"` // the agenda items they speak at
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// NameIn is the speaker's name in lang, with fallbacks.
func (sp Speaker) NameIn(lang string) string { return pick(sp.Name, lang) }

// BioIn is the speaker's biography in lang, with fallbacks.
func (sp Speaker) BioIn(lang string) string { return pick(sp.Bio, lang) }

// SpeaksAt reports whether the speaker speaks at agenda item sid.
func (sp Speaker) SpeaksAt(sid int64) bool { return slices.Contains(sp.Sessions, sid) }

// SpeakerInput is a speaker as added or edited: an account (OfficialID) or a person named in
// Name; Photo is a JPEG or PNG file (empty: keep the one there is, unless RemovePhoto).
type SpeakerInput struct {
	OfficialID  int64             `json:"official_id"`
	Name        map[string]string `json:"name"`
	Affiliation string            `json:"affiliation"`
	Bio         map[string]string `json:"bio"`
	Photo       []byte            `json:"photo"`
	RemovePhoto bool              `json:"remove_photo"`
	Sessions    []int64           `json:"sessions"`
}

const speakerCols = `id, workshop_id, coalesce(official_id, 0), name_ar, name_en, name_fr, affiliation, bio_ar, bio_en, bio_fr,
	photo_type, created_at, updated_at`

func scanSpeaker(row store.Scanner) (Speaker, error) {
	var sp Speaker
	var nAr, nEn, nFr, bAr, bEn, bFr, ptype, created, updated string
	err := row.Scan(&sp.ID, &sp.WorkshopID, &sp.OfficialID, &nAr, &nEn, &nFr, &sp.Affiliation, &bAr, &bEn, &bFr, &ptype, &created, &updated)
	sp.Name, sp.Bio = langMap(nAr, nEn, nFr), langMap(bAr, bEn, bFr)
	sp.HasPhoto = ptype != ""
	sp.CreatedAt, sp.UpdatedAt = parseTime(created), parseTime(updated)
	sp.Sessions = []int64{}
	return sp, err
}

// Speakers lists the speakers of workshop wid in the order they were added, with the agenda
// items each speaks at. A speaker who is an account carries the account's names (Arabic
// script, Latin) and, when none was typed, its organisation; an account since deleted is
// left out.
func (s *Service) Speakers(ctx context.Context, wid int64) ([]Speaker, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+speakerCols+" FROM workshop_speakers WHERE workshop_id = ? ORDER BY id", wid)
	list, err := store.Collect(rows, err, scanSpeaker)
	if err != nil {
		return nil, fmt.Errorf("workshops: speakers of %d: %w", wid, err)
	}
	byID := map[int64]*Speaker{}
	for i := range list {
		byID[list[i].ID] = &list[i]
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT ss.speaker_id, ss.session_id FROM workshop_session_speakers ss
		JOIN workshop_sessions se ON se.id = ss.session_id JOIN workshop_speakers sp ON sp.id = ss.speaker_id
		WHERE sp.workshop_id = ? ORDER BY se.starts_at, se.id`, wid)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var sp, se int64
		if err := row.Scan(&sp, &se); err != nil {
			return err
		}
		if x := byID[sp]; x != nil {
			x.Sessions = append(x.Sessions, se)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: speakers' agenda items of %d: %w", wid, err)
	}
	out := make([]Speaker, 0, len(list))
	for _, sp := range list {
		if sp.OfficialID != 0 {
			o, err := s.offs.Get(ctx, sp.OfficialID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if o.DeletedAt != nil {
				continue
			}
			fromAccount(&sp, o)
		}
		out = append(out, sp)
	}
	return out, nil
}

// fromAccount fills a speaker's name (and, when none was typed, affiliation) from account o.
func fromAccount(sp *Speaker, o *officials.Official) {
	sp.Name = langMap(o.NameAr, o.NameLatin, o.NameLatin)
	if sp.Affiliation == "" {
		sp.Affiliation = o.Organisation
	}
}

// Speaker returns speaker sid of workshop wid; store.ErrNotFound when there is none.
func (s *Service) Speaker(ctx context.Context, wid, sid int64) (*Speaker, error) {
	list, err := s.Speakers(ctx, wid)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == sid {
			return &list[i], nil
		}
	}
	return nil, store.ErrNotFound
}

// SpeakerPhoto returns the photo of speaker sid of workshop wid and its media type;
// store.ErrNotFound when there is no such speaker or no photo.
func (s *Service) SpeakerPhoto(ctx context.Context, wid, sid int64) ([]byte, string, error) {
	var data []byte
	var ptype string
	err := s.db.R.QueryRowContext(ctx, "SELECT photo, photo_type FROM workshop_speakers WHERE id = ? AND workshop_id = ? AND photo IS NOT NULL",
		sid, wid).Scan(&data, &ptype)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", store.ErrNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("workshops: photo of speaker %d: %w", sid, err)
	}
	return data, ptype, nil
}

// checkSpeaker validates in (everything but what needs the database) and re-encodes its
// photo; it returns the photo to store and its media type ("" when none was given).
func checkSpeaker(in *SpeakerInput) ([]byte, string, error) {
	trimAll := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for l, v := range m {
			out[l] = strings.TrimSpace(v)
		}
		return out
	}
	in.Name, in.Bio = trimAll(in.Name), trimAll(in.Bio)
	in.Affiliation = strings.TrimSpace(in.Affiliation)
	f := problem.Fields{}
	if in.OfficialID == 0 && in.Name["ar"] == "" && in.Name["en"] == "" {
		f.Add("name_ar", "workshop_materials.field.name.required")
	}
	if in.OfficialID != 0 && (in.Name["ar"] != "" || in.Name["en"] != "" || in.Name["fr"] != "") {
		f.Add("official_id", "workshop_materials.field.official.or_name")
	}
	for _, l := range i18n.Langs {
		checkText(f, "name_"+l, in.Name[l], maxSpeakerName, false, false)
		checkText(f, "bio_"+l, in.Bio[l], maxBio, false, true)
	}
	for m, field := range map[*map[string]string]string{&in.Name: "name", &in.Bio: "bio"} {
		for l := range *m {
			if !slices.Contains(i18n.Langs, l) {
				f.Add(field, "workshop_materials.field.title.lang")
			}
		}
	}
	checkText(f, "affiliation", in.Affiliation, maxAffiliation, false, false)
	var photo []byte
	var ptype string
	if len(in.Photo) > 0 {
		var key string
		photo, ptype, key = reencodePhoto(in.Photo)
		if key != "" {
			f.Add("photo", key)
		}
	}
	if len(f) > 0 {
		return nil, "", &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: "error.validation", Fields: f,
			Args: []any{"mb", MaxPhotoMB, "side", maxPhotoSide}}
	}
	return photo, ptype, nil
}

// reencodePhoto checks that data is a JPEG or PNG image by its content (its header first,
// so that a file claiming huge dimensions is refused before its pixels are decoded), then
// decodes it whole and encodes it again, scaled down to photoSide: what is stored and served
// is pixels the platform wrote, without the file's metadata (a phone's location among it).
func reencodePhoto(data []byte) ([]byte, string, string) {
	if len(data) > MaxPhotoBytes {
		return nil, "", "workshop_materials.field.photo.too_large"
	}
	var decodeConfig func([]byte) (image.Config, error)
	var decode func([]byte) (image.Image, error)
	kind := ""
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		kind = "image/png"
		decodeConfig = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		kind = "image/jpeg"
		decodeConfig = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	default:
		head := bytes.ToLower(bytes.TrimSpace(data[:min(len(data), 512)]))
		if bytes.HasPrefix(head, []byte("<")) && bytes.Contains(head, []byte("<svg")) {
			return nil, "", "workshop_materials.field.photo.svg"
		}
		return nil, "", "workshop_materials.field.photo.type"
	}
	cfg, err := decodeConfig(data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", "workshop_materials.field.photo.damaged"
	}
	if cfg.Width > maxPhotoSide || cfg.Height > maxPhotoSide || cfg.Width*cfg.Height > maxPhotoPixels {
		return nil, "", "workshop_materials.field.photo.dimensions"
	}
	img, err := decode(data)
	if err != nil {
		return nil, "", "workshop_materials.field.photo.damaged"
	}
	b := img.Bounds()
	if w, h := b.Dx(), b.Dy(); w > photoSide || h > photoSide {
		nw, nh := photoSide, h*photoSide/w
		if h > w {
			nw, nh = w*photoSide/h, photoSide
		}
		dst := image.NewRGBA(image.Rect(0, 0, max(nw, 1), max(nh, 1)))
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		img = dst
	}
	var out bytes.Buffer
	if kind == "image/png" {
		err = png.Encode(&out, img)
	} else {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return nil, "", "workshop_materials.field.photo.damaged"
	}
	return out.Bytes(), kind, ""
}

// SaveSpeaker adds a speaker to workshop wid (sid 0) or changes speaker sid, with the agenda
// items they speak at, for staff. Nothing is stored unless all of it is valid.
func (s *Service) SaveSpeaker(ctx context.Context, actor audit.Actor, wid, sid int64, in SpeakerInput) (*Speaker, error) {
	photo, ptype, err := checkSpeaker(&in)
	if err != nil {
		return nil, err
	}
	if in.OfficialID != 0 {
		o, err := s.offs.Get(ctx, in.OfficialID)
		if errors.Is(err, store.ErrNotFound) || err == nil && (o.DeletedAt != nil || !(o.Role == officials.RoleTrainer || o.IsStaff())) {
			return nil, fieldsErr("official_id", "workshop_materials.field.official.not_trainer")
		}
		if err != nil {
			return nil, err
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Agenda edits take the same lock: the items named are still the workshop's.
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		if _, err := s.bare(ctx, tx, wid); err != nil {
			return err
		}
		f := problem.Fields{}
		sessions := slices.Compact(slices.Sorted(slices.Values(in.Sessions)))
		for _, se := range sessions {
			if _, err := s.sessionOf(ctx, tx, wid, se, "sessions"); err != nil {
				if p, ok := problem.As(err); ok && len(p.Fields) > 0 {
					f.Add("sessions", "workshop_materials.field.session.unknown")
					continue
				}
				return err
			}
		}
		if in.OfficialID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM workshop_speakers WHERE workshop_id = ? AND official_id = ? AND id <> ?",
				wid, in.OfficialID, sid).Scan(&n); err != nil {
				return fmt.Errorf("workshops: speaker: %w", err)
			}
			if n > 0 {
				f.Add("official_id", "workshop_materials.field.official.already")
			}
		}
		if len(f) > 0 {
			return f.Err()
		}
		var official any
		if in.OfficialID != 0 {
			official = in.OfficialID
		}
		now := s.stamp()
		action := "workshop.speaker.edit"
		if sid == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM workshop_speakers WHERE workshop_id = ?", wid).Scan(&n); err != nil {
				return fmt.Errorf("workshops: count speakers: %w", err)
			}
			if n >= maxSpeakers {
				return problem.New(http.StatusConflict, "too_many_speakers", "workshop_materials.error.too_many_speakers", "max", maxSpeakers)
			}
			var photoArg any
			if photo != nil {
				photoArg = photo
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO workshop_speakers(workshop_id, official_id, name_ar, name_en, name_fr, affiliation,
				bio_ar, bio_en, bio_fr, photo, photo_type, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				wid, official, in.Name["ar"], in.Name["en"], in.Name["fr"], in.Affiliation, in.Bio["ar"], in.Bio["en"], in.Bio["fr"],
				photoArg, ptype, now, now).Scan(&sid)
			if err != nil {
				return fmt.Errorf("workshops: add speaker: %w", err)
			}
			action = "workshop.speaker.add"
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE workshop_speakers SET official_id = ?, name_ar = ?, name_en = ?, name_fr = ?, affiliation = ?,
				bio_ar = ?, bio_en = ?, bio_fr = ?, updated_at = ? WHERE id = ? AND workshop_id = ?`,
				official, in.Name["ar"], in.Name["en"], in.Name["fr"], in.Affiliation, in.Bio["ar"], in.Bio["en"], in.Bio["fr"], now, sid, wid)
			if err != nil {
				return fmt.Errorf("workshops: edit speaker %d: %w", sid, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return store.ErrNotFound
			}
			switch {
			case photo != nil:
				_, err = tx.ExecContext(ctx, "UPDATE workshop_speakers SET photo = ?, photo_type = ? WHERE id = ?", photo, ptype, sid)
			case in.RemovePhoto:
				_, err = tx.ExecContext(ctx, "UPDATE workshop_speakers SET photo = NULL, photo_type = '' WHERE id = ?", sid)
			}
			if err != nil {
				return fmt.Errorf("workshops: photo of speaker %d: %w", sid, err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_session_speakers WHERE speaker_id = ?", sid); err != nil {
				return fmt.Errorf("workshops: agenda items of speaker %d: %w", sid, err)
			}
		}
		for _, se := range sessions {
			if _, err := tx.ExecContext(ctx, "INSERT INTO workshop_session_speakers(session_id, speaker_id) VALUES(?, ?)", se, sid); err != nil {
				return fmt.Errorf("workshops: agenda items of speaker %d: %w", sid, err)
			}
		}
		who := in.Name["ar"] + " / " + in.Name["en"]
		if in.OfficialID != 0 {
			who = "official:" + strconv.FormatInt(in.OfficialID, 10)
		}
		return audit.Record(ctx, tx, actor, action, subject(wid), "speaker:"+strconv.FormatInt(sid, 10), "", who)
	})
	if err != nil {
		return nil, err
	}
	s.materialsChanged(wid)
	return s.Speaker(ctx, wid, sid)
}

// DeleteSpeaker removes speaker sid from workshop wid, and with them their place at the
// agenda items they spoke at (the items themselves stay), for staff.
func (s *Service) DeleteSpeaker(ctx context.Context, actor audit.Actor, wid, sid int64) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var nAr, nEn string
		var official int64
		err := tx.QueryRowContext(ctx, "SELECT name_ar, name_en, coalesce(official_id, 0) FROM workshop_speakers WHERE id = ? AND workshop_id = ?",
			sid, wid).Scan(&nAr, &nEn, &official)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("workshops: delete speaker %d: %w", sid, err)
		}
		// Said here rather than left to the foreign key, so that it holds whatever the
		// database's settings.
		if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_session_speakers WHERE speaker_id = ?", sid); err != nil {
			return fmt.Errorf("workshops: delete speaker %d: %w", sid, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM workshop_speakers WHERE id = ?", sid); err != nil {
			return fmt.Errorf("workshops: delete speaker %d: %w", sid, err)
		}
		who := nAr + " / " + nEn
		if official != 0 {
			who = "official:" + strconv.FormatInt(official, 10)
		}
		return audit.Record(ctx, tx, actor, "workshop.speaker.delete", subject(wid), "speaker:"+strconv.FormatInt(sid, 10), who, "")
	})
	if err != nil {
		return err
	}
	s.materialsChanged(wid)
	return nil
}
