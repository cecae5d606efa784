package authoring

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
)

// Translation states.
const (
	TransSource   = "source"   // the lesson in the course's first language, translated from
	TransMissing  = "missing"  // no text in this language
	TransOutdated = "outdated" // the source changed since the translation's base
	TransCurrent  = "current"  // translated from the source as it is published
)

// Translation is the state of one lesson in one language.
type Translation struct {
	Lesson string
	Lang   string
	Path   string
	Status string
	// Head is the translation's latest revision (zero when missing); its SourceID is the
	// source revision it was translated from.
	Head Revision
	// Source is the source-language file's path and the revision a translation should follow:
	// the published one, or the latest while the source was never published.
	SourcePath string
	SourceID   int64
}

// Translations reports every lesson of course in every language of langs (langs[0] is the
// source language), in lesson order.
func (s *Store) Translations(ctx context.Context, course string, langs []string) ([]Translation, error) {
	if len(langs) == 0 {
		return nil, fmt.Errorf("authoring: %s has no languages", course)
	}
	files, err := s.Files(ctx, course)
	if err != nil {
		return nil, err
	}
	byPath := map[string]File{}
	lessonSet := map[string]bool{}
	for _, f := range files {
		byPath[f.Path] = f
		if lesson, _, ok := LessonFile(f.Path); ok && !f.Head.Deleted {
			lessonSet[lesson] = true
		}
	}
	lessons := sortedKeys(lessonSet)
	sort.Strings(lessons)
	var out []Translation
	for _, lesson := range lessons {
		srcPath := LessonPath(course, lesson, langs[0])
		src, hasSrc := byPath[srcPath]
		srcID := src.PublishedID
		if srcID == 0 {
			srcID = src.Head.ID
		}
		for i, lang := range langs {
			t := Translation{Lesson: lesson, Lang: lang, Path: LessonPath(course, lesson, lang), SourcePath: srcPath, SourceID: srcID}
			f, ok := byPath[t.Path]
			if ok && !f.Head.Deleted {
				t.Head = f.Head
			}
			switch {
			case i == 0:
				t.Status = TransSource
				if !ok || f.Head.Deleted {
					t.Status = TransMissing
				}
			case t.Head.ID == 0:
				t.Status = TransMissing
			case !hasSrc || t.Head.SourceID == 0:
				t.Status = TransOutdated
			default:
				same, err := s.sameText(ctx, t.Head.SourceID, srcID)
				if err != nil {
					return nil, err
				}
				t.Status = TransOutdated
				if same {
					t.Status = TransCurrent
				}
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// sameText reports whether two revisions hold the same text.
func (s *Store) sameText(ctx context.Context, a, b int64) (bool, error) {
	if a == b {
		return true, nil
	}
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT count(DISTINCT sha256) FROM content_revisions WHERE id IN (?, ?)`, a, b).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return n == 1, err
}

// SourceChanges is what changed in the source since a translation's base: the diff from the
// base revision's text to the source's current one.
func (s *Store) SourceChanges(ctx context.Context, t Translation) ([]DiffLine, error) {
	if t.SourceID == 0 {
		return nil, nil
	}
	now, err := s.Revision(ctx, t.SourceID)
	if err != nil {
		return nil, err
	}
	var before []byte
	if t.Head.SourceID != 0 {
		base, err := s.Revision(ctx, t.Head.SourceID)
		if err != nil {
			return nil, err
		}
		before = base.Body
	}
	return Diff(string(before), string(now.Body)), nil
}
