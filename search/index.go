package search

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/store"
)

// Kinds of documents.
const (
	KindLesson   = "lesson"
	KindCourse   = "course"
	KindWorkshop = "workshop"
)

// Languages are the languages documents are indexed in.
var Languages = []string{"ar", "en", "fr"}

// Index is the search index, kept in the platform's database (tables search_docs and
// search_fts). It is safe for concurrent use: writes go through the single writer
// connection, searches through the reader pool.
type Index struct {
	db         *store.DB
	prepare    sync.Once
	stmts      *statements
	prepareErr error

	// The catalogue handed to the hook and not yet indexed (see CatalogueHook).
	mu       sync.Mutex
	pending  *courses.Catalogue
	log      *slog.Logger
	dirty    atomic.Bool // a catalogue is pending or being indexed
	indexing sync.Mutex  // held while the pending catalogue is indexed
	timer    *time.Timer // the next indexing of the pending catalogue (under mu)
	// life ends with Stop: a running indexing is cancelled and none starts after.
	life context.Context
	stop context.CancelFunc

	// Recent pages of results: officials search for the same few things, and a query costs
	// an FTS5 evaluation over every matching document. Any write to the index forgets them.
	results *cache.Map[string, *Results]
	// The evaluations under way, by page and generation, shared by the searches that ask for
	// the same page at the same moment.
	flight singleflight.Group
	// Held by the one search that ranks its query in two halves (see evaluate).
	splitting chan struct{}

	// The thesaurus of the content folder, replaced with each catalogue indexed.
	thesaurus atomic.Pointer[Thesaurus]
	// The vocabulary of the index, for misspelt words: read again after a write (the
	// generation of the results' topic counts the writes, on any instance; vocabGen is the
	// count it was read at).
	vocabMu  sync.Mutex
	vocab    *vocabulary
	vocabGen uint64
}

// New returns the index stored in db (the migration 00006_search creates its tables). Its
// kept results register on bus (nil: a bus of its own).
func New(db *store.DB, bus *cache.Bus) *Index {
	ix := &Index{db: db, results: cache.New[string, *Results](bus, cache.SearchResults, "search.results", 5*time.Minute, 5000),
		splitting: make(chan struct{}, 1)}
	ix.life, ix.stop = context.WithCancel(context.Background())
	return ix
}

// Stop ends the background indexing of catalogues: the one scheduled is called off, the
// one running is cancelled (its transaction rolls back and the previous index stays; the
// next start indexes the catalogue again) and waited for. Searches after Stop no longer
// wait for an indexing.
func (ix *Index) Stop() {
	ix.stop()
	ix.mu.Lock()
	if ix.timer != nil {
		ix.timer.Stop()
	}
	ix.mu.Unlock()
	ix.indexing.Lock()
	defer ix.indexing.Unlock()
}

// doc is one document in one language, as stored.
type doc struct {
	kind, ref, lang string
	title, context  string
	body            string
	headings        []string // the texts of body's heading lines
	notesAt         int      // where the footnotes begin in body
	topic           string   // a lesson's course title
	country         string
	startsOn        string
	status          string
	extra           []string // more words to find it by (not shown)
}

// catalogueDocs lists the documents of a catalogue: every lesson in every language it is
// written in, and every course in every language that has its title.
func catalogueDocs(cat *courses.Catalogue) []doc {
	var docs []doc
	for _, co := range cat.Courses() {
		for _, lang := range Languages {
			title := co.Title[lang]
			if title == "" {
				continue
			}
			body := co.Summary[lang]
			if o := co.Outcomes[lang]; len(o) > 0 {
				body += "\n" + strings.Join(o, "\n")
			}
			docs = append(docs, doc{kind: KindCourse, ref: co.Slug, lang: lang, title: title, body: body, notesAt: len(body)})
		}
		for _, l := range co.Lessons {
			for _, lang := range l.Languages {
				v, _ := l.View(lang)
				if v == nil || v.Lang != lang {
					continue
				}
				ctitle := co.TitleIn(lang)
				// The plain text may hold the typographer's entities (&rsquo; &laquo;): the
				// index and the snippets want the characters.
				notesAt := min(max(v.NotesAt, 0), len(v.Text))
				text := html.UnescapeString(v.Text[:notesAt])
				notes := html.UnescapeString(v.Text[notesAt:])
				headings := make([]string, len(v.Headings))
				for i, h := range v.Headings {
					headings[i] = strings.TrimSpace(html.UnescapeString(h.Text))
				}
				docs = append(docs, doc{kind: KindLesson, ref: co.Slug + "/" + l.Slug, lang: lang, title: html.UnescapeString(v.Title),
					context: ctitle, body: text + notes, headings: headings, notesAt: len(text), topic: ctitle})
			}
		}
	}
	return docs
}

// fingerprint identifies a set of documents and the analysis they would get.
func fingerprint(docs []doc) string {
	h := sha256.New()
	h.Write([]byte("analyzer " + analyzerVersion + "\x00"))
	for _, d := range docs {
		for _, s := range []string{d.kind, d.ref, d.lang, d.title, d.context, d.body, d.country, d.startsOn, d.status,
			strings.Join(d.headings, "\x01"), strconv.Itoa(d.notesAt), d.topic} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		h.Write([]byte(strings.Join(d.extra, "\x01")))
		h.Write([]byte{0xff})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// IndexCatalogue replaces the indexed lessons and courses with those of cat, in one
// transaction, so that searches see either the old catalogue or the new one. When cat is
// what is already indexed (same text, same analyser), it writes nothing.
//
// It also takes the catalogue's thesaurus (ThesaurusFile in its content folder) for the
// searches from then on; lines of it that cannot be used are left out (`masar content
// check` reports them) and returned as problems, the rest is used.
func (ix *Index) IndexCatalogue(ctx context.Context, cat *courses.Catalogue) error {
	_, err := ix.indexCatalogue(ctx, cat)
	return err
}

func (ix *Index) indexCatalogue(ctx context.Context, cat *courses.Catalogue) ([]courses.Problem, error) {
	docs := catalogueDocs(cat)
	fp := fingerprint(docs)
	th, problems := thesaurusOf(cat)
	th.settleLanguages(docs)
	ix.thesaurus.Store(th)
	defer ix.changed()
	bulk := false // a big catalogue was written
	err := ix.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := ix.lock(ctx, tx); err != nil {
			return err
		}
		var old string
		err := tx.QueryRowContext(ctx, `SELECT value FROM search_meta WHERE key = 'catalogue'`).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("search: read catalogue fingerprint: %w", err)
		}
		if old == fp {
			return nil
		}
		for _, stmt := range []string{`DELETE FROM search_docs WHERE kind IN ('lesson', 'course')`,
			`DELETE FROM search_keys WHERE kind IN ('lesson', 'course')`} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("search: clear catalogue: %w", err)
			}
		}
		if err := insertDocs(ctx, ix.db.Dialect(), tx, docs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_meta (key, value) VALUES ('catalogue', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, fp); err != nil {
			return fmt.Errorf("search: save catalogue fingerprint: %w", err)
		}
		// A big catalogue is written in several segments: merge them into one, so that
		// queries read fewer, smaller pieces (a small one is about one segment already).
		if len(docs) >= optimizeAbove {
			bulk = true
			return compact(ctx, ix.db.Dialect(), tx)
		}
		return nil
	})
	if err == nil && bulk {
		err = vacuumAfter(ctx, ix.db)
	}
	return problems, err
}

// optimizeAbove is the number of documents from which a re-indexed catalogue is optimised.
const optimizeAbove = 500

// CatalogueDelay is how long after start-up (or a reload) the catalogue is indexed in the
// background, unless a search asks for it first.
const CatalogueDelay = 2 * time.Second

// CatalogueHook returns a function for web.Library.OnLoad. Each catalogue it is given is
// indexed in the background, CatalogueDelay later, so that neither start-up nor the reload
// request waits for it; a search that comes before waits for that indexing instead, so that
// searches always see the catalogue being served. A failure is logged (the catalogue is
// served anyway) and the previous index stays.
func (ix *Index) CatalogueHook(log *slog.Logger) func(*courses.Catalogue) {
	if log == nil {
		log = slog.Default()
	}
	return func(cat *courses.Catalogue) {
		ix.mu.Lock()
		ix.pending, ix.log = cat, log
		ix.dirty.Store(true)
		if ix.timer != nil {
			ix.timer.Stop() // the new timer indexes whatever is pending then
		}
		if ix.life.Err() == nil {
			ix.timer = time.AfterFunc(CatalogueDelay, ix.indexPending)
		}
		ix.mu.Unlock()
	}
}

// indexPending indexes the catalogue handed to the hook, if one is waiting; it returns once
// nothing is pending any more. The indexing does not depend on the context of the search
// that may have started it: a search given up does not leave the index half-built.
func (ix *Index) indexPending() {
	if !ix.dirty.Load() {
		return
	}
	ix.indexing.Lock()
	defer ix.indexing.Unlock()
	if ix.life.Err() != nil {
		return // stopped: the database may be closing
	}
	ix.mu.Lock()
	cat, log := ix.pending, ix.log
	ix.pending = nil
	ix.mu.Unlock()
	if cat == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ix.life, 5*time.Minute)
	defer cancel()
	start := time.Now()
	problems, err := ix.indexCatalogue(ctx, cat)
	for _, p := range problems {
		log.Warn("search: thesaurus line left out", "problem", p.String())
	}
	ix.mu.Lock()
	if ix.pending == nil {
		ix.dirty.Store(false)
	}
	ix.mu.Unlock()
	switch {
	case err != nil && ix.life.Err() != nil:
		log.Debug("search: the platform stopped before its catalogue was indexed")
	case err != nil:
		log.Error("search: indexing the catalogue failed", "err", err)
	default:
		log.Debug("search: catalogue indexed", "courses", cat.Len(), "took", time.Since(start))
	}
}

// Document ids: the language's number in the high bits, the key in the low 32 bits, so that
// a language's documents are one range of rowids (see the migration).
const keyBits = 32

func langNumber(lang string) int64 {
	switch lang {
	case "ar":
		return 1
	case "en":
		return 2
	case "fr":
		return 3
	}
	return 0
}

// langRange is the range [lo, hi) of the ids of a language's documents.
func langRange(lang string) (lo, hi int64) {
	n := langNumber(lang)
	return n << keyBits, (n + 1) << keyBits
}

func docID(lang string, key int64) int64 { return langNumber(lang)<<keyBits | key }

func keyOf(id int64) int64 { return id & (1<<keyBits - 1) }

// lock makes the index's writers take turns. On PostgreSQL two of them (a re-indexed
// catalogue, a workshop's change, on two instances) would otherwise each delete and insert
// the same documents side by side and one would fail on the other's rows; on SQLite the one
// writer connection already takes them in turn, and lock does nothing.
func (ix *Index) lock(ctx context.Context, tx *sql.Tx) error {
	if err := ix.db.LockTx(ctx, tx, "search", 0); err != nil {
		return fmt.Errorf("search: lock the index: %w", err)
	}
	return nil
}

// insertDocs analyses and stores documents; q is a transaction.
func insertDocs(ctx context.Context, dialect store.Dialect, q store.Queryer, docs []doc) error {
	analyzers := map[string]*analyzer{}
	for _, d := range docs {
		a := analyzers[d.lang]
		if a == nil {
			a = newAnalyzer(d.lang)
			analyzers[d.lang] = a
		}
		var key int64
		if err := q.QueryRowContext(ctx, `INSERT INTO search_keys (kind, ref) VALUES (?, ?)
			ON CONFLICT (kind, ref) DO UPDATE SET kind = excluded.kind RETURNING id`, d.kind, d.ref).Scan(&key); err != nil {
			return fmt.Errorf("search: key of %s %s: %w", d.kind, d.ref, err)
		}
		if key >= 1<<keyBits {
			return fmt.Errorf("search: key of %s %s: %d keys used up", d.kind, d.ref, key)
		}
		id := docID(d.lang, key)
		an := a.document(docInput{title: d.title, body: d.body, headings: d.headings, notesAt: d.notesAt, topic: d.topic, context: d.extra})
		if _, err := q.ExecContext(ctx, `INSERT INTO search_docs (id, kind, ref, lang, title, context, body, country, starts_on, status, stems)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, d.kind, d.ref, d.lang, d.title, d.context, d.body, d.country, d.startsOn, d.status, an.stems); err != nil {
			return fmt.Errorf("search: store %s %s (%s): %w", d.kind, d.ref, d.lang, err)
		}
		if err := putAnalysed(ctx, dialect, q, id, &an); err != nil {
			return fmt.Errorf("search: index %s %s (%s): %w", d.kind, d.ref, d.lang, err)
		}
	}
	return nil
}

// WorkshopDoc is what the index needs of a workshop: plain values, so that the index does
// not depend on package workshops. Title and Description are keyed by language (ar, en, fr);
// the workshop is indexed in each language that has a title.
type WorkshopDoc struct {
	ID          int64
	Title       map[string]string
	Description map[string]string
	City        string
	Country     string            // host country, ISO 3166-1 alpha-2
	CountryName map[string]string // optional: the country's name by language, so that «الأردن» finds workshops in JO
	Start       time.Time         // first day; its date in its own location is shown
	Status      string            // draft, published, cancelled or completed
}

// Searchable reports whether the public may find the workshop: only published and
// completed workshops are indexed.
func (w WorkshopDoc) Searchable() bool {
	return w.Status == "published" || w.Status == "completed"
}

func (w WorkshopDoc) docs() []doc {
	var out []doc
	ref := strconv.FormatInt(w.ID, 10)
	start := ""
	if !w.Start.IsZero() {
		start = w.Start.Format("2006-01-02")
	}
	for _, lang := range Languages {
		title := strings.TrimSpace(w.Title[lang])
		if title == "" {
			continue
		}
		extra := []string{w.City}
		if n := w.CountryName[lang]; n != "" {
			extra = append(extra, n)
		}
		out = append(out, doc{kind: KindWorkshop, ref: ref, lang: lang, title: title, context: w.City,
			body: w.Description[lang], notesAt: len(w.Description[lang]), country: strings.ToUpper(w.Country), startsOn: start, status: w.Status, extra: extra})
	}
	return out
}

// PutWorkshop indexes a workshop, replacing what was indexed of it; a workshop that is not
// searchable (draft, cancelled) is removed from the index instead. Call it from the
// workshops' change hook after the change is committed. It opens its own transaction on
// the writer connection, so it must NOT be called inside another transaction of the same
// database (that would wait for itself): use PutWorkshopTx there.
func (ix *Index) PutWorkshop(ctx context.Context, w WorkshopDoc) error {
	defer ix.changed()
	return ix.db.Tx(ctx, func(tx *sql.Tx) error { return ix.PutWorkshopTx(ctx, tx, w) })
}

// PutWorkshopTx is PutWorkshop inside the caller's transaction q, so that the index changes
// with the workshop or not at all. Call Changed after the commit.
func (ix *Index) PutWorkshopTx(ctx context.Context, q store.Queryer, w WorkshopDoc) error {
	if err := ix.RemoveWorkshopTx(ctx, q, w.ID); err != nil {
		return err
	}
	if !w.Searchable() {
		return nil
	}
	return insertDocs(ctx, ix.db.Dialect(), q, w.docs())
}

// Changed tells the index that a transaction given to PutWorkshopTx or RemoveWorkshopTx has
// committed, so that kept results make way for the new ones. (PutWorkshop, RemoveWorkshop,
// SyncWorkshops and IndexCatalogue do it themselves.)
func (ix *Index) Changed() { ix.changed() }

// changed forgets the kept results and the vocabulary after a write.
func (ix *Index) changed() {
	ix.results.ForgetAll()
}

// vocabulary returns the index's vocabulary, read again when the index was written since.
func (ix *Index) vocabulary(ctx context.Context) (*vocabulary, error) {
	ix.vocabMu.Lock()
	defer ix.vocabMu.Unlock()
	gen := ix.results.Topic().Generation()
	if ix.vocab != nil && ix.vocabGen == gen {
		return ix.vocab, nil
	}
	v, err := loadVocabulary(ctx, ix.db.R)
	if err != nil {
		return nil, err
	}
	ix.vocab, ix.vocabGen = v, gen
	return v, nil
}

// RemoveWorkshop takes a workshop out of the index (a no-op when it is not there). Like
// PutWorkshop it runs its own transaction; inside one, use RemoveWorkshopTx.
func (ix *Index) RemoveWorkshop(ctx context.Context, id int64) error {
	defer ix.changed()
	return ix.db.Tx(ctx, func(tx *sql.Tx) error { return ix.RemoveWorkshopTx(ctx, tx, id) })
}

// RemoveWorkshopTx is RemoveWorkshop inside the caller's transaction q. Call Changed after
// the commit.
func (ix *Index) RemoveWorkshopTx(ctx context.Context, q store.Queryer, id int64) error {
	if tx, ok := q.(*sql.Tx); ok {
		if err := ix.lock(ctx, tx); err != nil {
			return err
		}
	}
	ref := strconv.FormatInt(id, 10)
	for _, stmt := range []string{`DELETE FROM search_docs WHERE kind = 'workshop' AND ref = ?`,
		`DELETE FROM search_keys WHERE kind = 'workshop' AND ref = ?`} {
		if _, err := q.ExecContext(ctx, stmt, ref); err != nil {
			return fmt.Errorf("search: remove workshop %d: %w", id, err)
		}
	}
	return nil
}

// SyncWorkshops makes the indexed workshops exactly ws (the searchable ones among them), in
// one transaction: for start-up, or to repair the index after a failed hook.
func (ix *Index) SyncWorkshops(ctx context.Context, ws []WorkshopDoc) error {
	var docs []doc
	for _, w := range ws {
		if w.Searchable() {
			docs = append(docs, w.docs()...)
		}
	}
	slices.SortFunc(docs, func(a, b doc) int { return strings.Compare(a.ref+"\x00"+a.lang, b.ref+"\x00"+b.lang) })
	defer ix.changed()
	return ix.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := ix.lock(ctx, tx); err != nil {
			return err
		}
		for _, stmt := range []string{`DELETE FROM search_docs WHERE kind = 'workshop'`, `DELETE FROM search_keys WHERE kind = 'workshop'`} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("search: clear workshops: %w", err)
			}
		}
		return insertDocs(ctx, ix.db.Dialect(), tx, docs)
	})
}
