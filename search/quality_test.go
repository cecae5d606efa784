package search_test

import (
	"context"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// shippedIndex indexes the content shipped in the binary into a fresh database.
func shippedIndex(t testing.TB) (*search.Index, *store.DB) {
	t.Helper()
	db := storetest.Open(t)
	cat, problems := courses.Load(content.FS)
	if cat.Len() == 0 {
		t.Fatalf("no shipped courses: %v", problems)
	}
	ix := search.New(db, nil)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	return ix, db
}

// refOf names a result: "course/lesson" for a lesson, "course:slug" for a course,
// "workshop:id" for a workshop.
func refOf(r search.Result) string {
	switch r.Kind {
	case search.KindLesson:
		return r.Course + "/" + r.Lesson
	case search.KindCourse:
		return "course:" + r.Course
	}
	return "workshop:" + itoa(r.WorkshopID)
}

// Course slugs, to keep the table readable.
const (
	fw  = "open-government-framework/"
	ogd = "open-government-data/"
	cp  = "citizen-participation/"
	cc  = "collaboration-co-creation/"
	eg  = "engaged-governance/"
)

// qualityCase is a realistic query with the lessons a person means by it (all must be in
// the top five results) and lessons or languages it must not bring into the top five.
type qualityCase struct {
	lang, q string
	want    []string
	not     []string // prefixes of refs, or "lang:xx" for results in another language
}

// qualityCases were chosen by reading the shipped lessons (content/): each expected lesson
// is the one a learner typing the query is after (its title or a section of it is about
// that), whatever the words' spelling, diacritics, prefixes or digits.
var qualityCases = []qualityCase{
	// Arabic: the spellings the issue names.
	{lang: "ar", q: "البيانات المفتوحه", want: []string{ogd + "01-what-is-open-data"}, not: []string{"lang:en", "lang:fr"}},
	{lang: "ar", q: "اداره", want: []string{fw + "04-vertical-horizontal-extension"}},
	{lang: "ar", q: "اداره التوقعات", want: []string{cc + "05-decision-authority-and-trust"}},
	{lang: "ar", q: "البَيانات الوَصفية", want: []string{ogd + "02-formats-and-quality", ogd + "04-publishing-on-a-portal"}},
	{lang: "ar", q: "البَيانات المَفتوحة", want: []string{ogd + "01-what-is-open-data"}},
	{lang: "ar", q: "والشفافية", want: []string{fw + "02-four-phases", ogd + "01-what-is-open-data"}},
	{lang: "ar", q: "بالمشاركة", want: []string{cp + "01-why-participation"}},
	{lang: "ar", q: "الهدف ١٦", want: []string{fw + "05-egov-sdg16-regional-cooperation"}},
	{lang: "ar", q: "المؤشر ١٦٫١٠٫٢", want: []string{fw + "03-six-strategic-objectives"}},
	{lang: "ar", q: "مبادئ سيباستوبول ۲۰۰۷", want: []string{ogd + "01-what-is-open-data"}}, // Persian digits
	// Arabic: topics, with and without hamza, ة/ه, ى/ي, tatweel, Persian ی.
	{lang: "ar", q: "هاكاثون", want: []string{cc + "02-open-data-innovation"}, not: []string{eg}},
	{lang: "ar", q: "ازالة التعريف", want: []string{ogd + "05-privacy-and-requests"}},
	{lang: "ar", q: "حماية البيانات الشخصية", want: []string{ogd + "05-privacy-and-requests", cc + "04-partnership-agreements"}},
	{lang: "ar", q: "مؤشرات", want: []string{eg + "03-monitoring-and-indicators"}},
	{lang: "ar", q: "الامتداد الافقي", want: []string{fw + "04-vertical-horizontal-extension"}},
	{lang: "ar", q: "طيف المشاركة", want: []string{cp + "02-participation-spectrum"}, not: []string{ogd}},
	{lang: "ar", q: "قنوات المشاركه", want: []string{cp + "03-participation-channels"}},
	{lang: "ar", q: "المشاركة الشاملة للجميع", want: []string{cp + "04-inclusive-participation"}},
	{lang: "ar", q: "الاشخاص ذوي الاعاقه", want: []string{cp + "04-inclusive-participation"}},
	{lang: "ar", q: "اغلاق الحلقه", want: []string{cp + "05-feedback-and-closing-the-loop"}},
	{lang: "ar", q: "المعلومات الراجعة", want: []string{cp + "05-feedback-and-closing-the-loop"}},
	{lang: "ar", q: "تضارب المصالح", want: []string{cc + "05-decision-authority-and-trust"}},
	{lang: "ar", q: "اتفاقات الشراكه", want: []string{cc + "04-partnership-agreements"}},
	{lang: "ar", q: "التصميم المشترك للخدمات", want: []string{cc + "03-co-designing-services"}},
	{lang: "ar", q: "من المشاركة الى التعاون", want: []string{cc + "01-from-participation-to-collaboration"}},
	{lang: "ar", q: "خطط العمل", want: []string{eg + "02-action-plans"}},
	{lang: "ar", q: "المتابعة والتقييم", want: []string{eg + "03-monitoring-and-indicators"}},
	{lang: "ar", q: "الذاكرة المؤسسيه", want: []string{eg + "04-sustainability"}},
	{lang: "ar", q: "التعلم من النظراء", want: []string{eg + "05-peer-learning-and-self-assessment"}},
	{lang: "ar", q: "التقييم الذاتي", want: []string{eg + "05-peer-learning-and-self-assessment", fw + "03-six-strategic-objectives"}},
	{lang: "ar", q: "البنى المؤسسية الدائمة", want: []string{eg + "01-lasting-structures"}},
	{lang: "ar", q: "جرد البيانات", want: []string{ogd + "03-inventory-and-priorities"}},
	{lang: "ar", q: "اختيار الترخيص", want: []string{ogd + "04-publishing-on-a-portal"}},
	{lang: "ar", q: "صيغة CSV", want: []string{ogd + "02-formats-and-quality"}},
	{lang: "ar", q: "الحكومه الالكترونيه", want: []string{fw + "05-egov-sdg16-regional-cooperation"}},
	{lang: "ar", q: "الأهداف الاستراتيجية الستة", want: []string{fw + "03-six-strategic-objectives"}},
	{lang: "ar", q: "المراحل الاربع", want: []string{fw + "02-four-phases"}},
	{lang: "ar", q: "لماذا الحكومة المفتوحة", want: []string{fw + "01-why-open-government"}},
	{lang: "ar", q: "مشاركة المواطنين", want: []string{cp + "01-why-participation"}},
	{lang: "ar", q: "البيـــانات الوصفیة", want: []string{ogd + "02-formats-and-quality"}}, // tatweel, Persian yeh
	{lang: "ar", q: "الإشراف الناجز", want: []string{eg + "01-lasting-structures"}},
	{lang: "ar", q: "الشفاف", want: []string{fw + "02-four-phases"}}, // still typing
	// English.
	{lang: "en", q: "open data", want: []string{ogd + "01-what-is-open-data"}, not: []string{"lang:ar", "lang:fr"}},
	{lang: "en", q: "hackathons", want: []string{cc + "02-open-data-innovation"}, not: []string{eg}},
	{lang: "en", q: "closing the loop", want: []string{cp + "05-feedback-and-closing-the-loop"}},
	{lang: "en", q: "anonymization", want: []string{ogd + "05-privacy-and-requests"}}, // US spelling of the lesson's anonymisation
	{lang: "en", q: "metadata", want: []string{ogd + "02-formats-and-quality", ogd + "04-publishing-on-a-portal"}},
	{lang: "en", q: "conflicts of interest", want: []string{cc + "05-decision-authority-and-trust"}},
	{lang: "en", q: "spectrum of participation", want: []string{cp + "02-participation-spectrum"}},
	{lang: "en", q: "inclusive participation", want: []string{cp + "04-inclusive-participation"}},
	{lang: "en", q: "participation channels", want: []string{cp + "03-participation-channels"}},
	{lang: "en", q: "co-designing public services", want: []string{cc + "03-co-designing-services"}},
	{lang: "en", q: "OGP action plan commitments", want: []string{eg + "02-action-plans"}},
	{lang: "en", q: "indicators", want: []string{eg + "03-monitoring-and-indicators"}},
	{lang: "en", q: "institutional memory", want: []string{eg + "04-sustainability"}},
	{lang: "en", q: "peer learning", want: []string{eg + "05-peer-learning-and-self-assessment"}},
	{lang: "en", q: "lasting structures", want: []string{eg + "01-lasting-structures"}},
	{lang: "en", q: "horizontal extension", want: []string{fw + "04-vertical-horizontal-extension"}},
	{lang: "en", q: "SDG 16", want: []string{fw + "05-egov-sdg16-regional-cooperation"}},
	{lang: "en", q: "six strategic objectives", want: []string{fw + "03-six-strategic-objectives"}},
	{lang: "en", q: "Sebastopol principles", want: []string{ogd + "01-what-is-open-data"}},
	{lang: "en", q: "data inventory", want: []string{ogd + "03-inventory-and-priorities"}},
	{lang: "en", q: "re-identification", want: []string{ogd + "05-privacy-and-requests"}},
	{lang: "en", q: "OPEN GOVERNMENT PARTNERSHIP", want: []string{eg + "02-action-plans"}},
	{lang: "en", q: "why open governm", want: []string{fw + "01-why-open-government"}}, // still typing
	{lang: "en", q: "five stars linked data", want: []string{ogd + "02-formats-and-quality"}},
	// French (only the first course is written in French).
	{lang: "fr", q: "gouvernement ouvert", want: []string{fw + "01-why-open-government"}, not: []string{"lang:en", "lang:ar"}},
	{lang: "fr", q: "extension horizontale", want: []string{fw + "04-vertical-horizontal-extension"}},
	{lang: "fr", q: "objectifs strategiques", want: []string{fw + "03-six-strategic-objectives"}}, // no accents
	{lang: "fr", q: "quatre phases", want: []string{fw + "02-four-phases"}},
	{lang: "fr", q: "ODD 16", want: []string{fw + "05-egov-sdg16-regional-cooperation"}},
	{lang: "fr", q: "coopération régionale", want: []string{fw + "05-egov-sdg16-regional-cooperation"}},
	{lang: "fr", q: "ADMINISTRATION ÉLECTRONIQUE", want: []string{fw + "05-egov-sdg16-regional-cooperation"}},
	{lang: "fr", q: "auto-évaluation", want: []string{fw + "03-six-strategic-objectives"}},
	{lang: "fr", q: "réalité arabe", want: []string{fw + "01-why-open-government"}},
	{lang: "fr", q: "donnees publiques ouvertes", want: []string{fw + "02-four-phases"}, not: []string{"lang:en", "lang:ar"}},
}

// mustPass are the cases the issue names: they must pass whatever the overall recall.
var mustPass = []string{"البيانات المفتوحه", "اداره", "البَيانات المَفتوحة", "والشفافية", "بالمشاركة", "الهدف ١٦"}

func TestRecallOnShippedContent(t *testing.T) {
	ix, _ := shippedIndex(t)
	if len(qualityCases) < 40 {
		t.Fatalf("only %d quality cases; at least 40 are required", len(qualityCases))
	}
	found, wanted := 0, 0
	perLang := map[string][2]int{}
	for _, c := range qualityCases {
		res, err := ix.Search(context.Background(), search.Query{Text: c.q, Lang: c.lang})
		if err != nil {
			t.Errorf("%s %q: %v", c.lang, c.q, err)
			continue
		}
		var top []string
		for i, r := range res.Items {
			if i == 5 {
				break
			}
			top = append(top, refOf(r))
			for _, n := range c.not {
				if l, ok := strings.CutPrefix(n, "lang:"); ok && r.Lang == l || strings.HasPrefix(refOf(r), n) {
					t.Errorf("%s %q: result %d is %s (%s), which it must not find", c.lang, c.q, i+1, refOf(r), r.Lang)
				}
			}
		}
		hits := 0
		for _, w := range c.want {
			if contains(top, w) {
				hits++
			} else if contains(mustPass, c.q) {
				t.Errorf("%s %q: %s is not in the top 5: %v", c.lang, c.q, w, top)
			} else {
				t.Logf("miss: %s %q: %s is not in the top 5: %v", c.lang, c.q, w, top)
			}
		}
		found += hits
		wanted += len(c.want)
		pl := perLang[c.lang]
		perLang[c.lang] = [2]int{pl[0] + hits, pl[1] + len(c.want)}
	}
	recall := float64(found) / float64(wanted)
	t.Logf("recall@5 = %.2f (%d of %d expected lessons, %d queries; ar %d/%d, en %d/%d, fr %d/%d)", recall, found, wanted,
		len(qualityCases), perLang["ar"][0], perLang["ar"][1], perLang["en"][0], perLang["en"][1], perLang["fr"][0], perLang["fr"][1])
	if recall < 0.95 {
		t.Errorf("recall@5 = %.2f, below 0.95", recall)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
