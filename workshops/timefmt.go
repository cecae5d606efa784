package workshops

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/i18n"
)

// FormatDay writes a host-local day (YYYY-MM-DD) with its weekday: "الثلاثاء 10 مارس 2026".
func FormatDay(lang, day string) string {
	t, err := time.Parse(DateLayout, day)
	if err != nil {
		return day
	}
	return i18n.WeekdayName(lang, t.Weekday()) + " " + i18n.FormatDate(lang, t)
}

// FormatDateRange writes the span of two host-local dates (YYYY-MM-DD) compactly:
// "10–12 March 2026", "30 March – 2 April 2026", or one date when they are the same.
func FormatDateRange(lang, start, end string) string {
	a, err1 := time.Parse(DateLayout, start)
	b, err2 := time.Parse(DateLayout, end)
	if err1 != nil || err2 != nil {
		return start + " – " + end
	}
	switch {
	case a.Equal(b):
		return i18n.FormatDate(lang, a)
	case a.Year() == b.Year() && a.Month() == b.Month():
		return fmt.Sprintf("%d–%d %s %d", a.Day(), b.Day(), i18n.MonthName(lang, a.Month()), a.Year())
	case a.Year() == b.Year():
		return fmt.Sprintf("%d %s – %d %s %d", a.Day(), i18n.MonthName(lang, a.Month()), b.Day(), i18n.MonthName(lang, b.Month()), b.Year())
	}
	return i18n.FormatDate(lang, a) + " – " + i18n.FormatDate(lang, b)
}

// UTCOffset names the offset of t's zone at t: "UTC+3", "UTC+5:30", "UTC−1", "UTC".
func UTCOffset(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign = "−"
		off = -off
	}
	h, m := off/3600, (off%3600)/60
	if m == 0 {
		return "UTC" + sign + strconv.Itoa(h)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, h, m)
}

// TimeRange is an agenda item's times as seen from one time zone.
type TimeRange struct {
	Start, End string // "09:00"; with the date before it when the day differs from the agenda day
	Offset     string // "UTC+3"
	Date       string // the local date of the start when it differs from the agenda day, else ""
	EndDate    string // the local date of the end when it differs from the start's, else ""
}

// String writes the range as one line: "09:00–10:30", "23:30 – 00:30 (11 March 2026)".
func (r TimeRange) String() string {
	s := r.Start + "–" + r.End
	if r.EndDate != "" {
		s = r.Start + " – " + r.End + " (" + r.EndDate + ")"
	}
	if r.Date != "" {
		s = r.Date + " " + s
	}
	return s
}

// Times shows start–end in loc. day is the agenda day (the host-local date the item is
// listed under): when the local date differs from it — the viewer is past midnight — the
// date is given too, as is the end's date when the item runs past midnight.
func Times(lang string, start, end time.Time, loc *time.Location, day string) TimeRange {
	s, e := start.In(loc), end.In(loc)
	r := TimeRange{Start: s.Format("15:04"), End: e.Format("15:04"), Offset: UTCOffset(s)}
	if d := s.Format(DateLayout); d != day {
		r.Date = i18n.FormatDate(lang, s)
	}
	if e.Format(DateLayout) != s.Format(DateLayout) && e.Format("15:04") != "00:00" {
		r.EndDate = i18n.FormatDate(lang, e)
	}
	return r
}

// SameOffset reports whether two zones show the same clock time at t.
func SameOffset(t time.Time, a, b *time.Location) bool {
	_, x := t.In(a).Zone()
	_, y := t.In(b).Zone()
	return x == y
}

// FormatDateTime writes an instant in loc with its offset: "12 March 2026, 17:00 (UTC+3)".
func FormatDateTime(lang string, t time.Time, loc *time.Location) string {
	l := t.In(loc)
	sep := ", "
	if lang == "ar" {
		sep = "، "
	} else if lang == "fr" {
		sep = " à "
	}
	return i18n.FormatDate(lang, l) + sep + l.Format("15:04") + " (" + Isolate(lang, UTCOffset(l)) + ")"
}

// Isolate keeps a left-to-right fragment ("UTC+3") whole inside Arabic text, so that the
// brackets around it do not turn the wrong way: it wraps it in Unicode's left-to-right
// isolate (U+2066 … U+2069) on Arabic pages and e-mails.
func Isolate(lang, s string) string {
	if lang == "ar" {
		return "\u2066" + s + "\u2069"
	}
	return s
}

// zoneNames names the time zones of the member states, and a few others that workshops
// use, in ar, en and fr: by the city the zone is named after when that is the capital, else
// by the country.
var zoneNames = map[string][3]string{
	"Africa/Algiers":     {"توقيت الجزائر", "Algiers time", "heure d’Alger"},
	"Asia/Bahrain":       {"توقيت البحرين", "Bahrain time", "heure de Bahreïn"},
	"Indian/Comoro":      {"توقيت جزر القمر", "Comoros time", "heure des Comores"},
	"Africa/Djibouti":    {"توقيت جيبوتي", "Djibouti time", "heure de Djibouti"},
	"Africa/Cairo":       {"توقيت القاهرة", "Cairo time", "heure du Caire"},
	"Asia/Baghdad":       {"توقيت بغداد", "Baghdad time", "heure de Bagdad"},
	"Asia/Amman":         {"توقيت عمّان", "Amman time", "heure d’Amman"},
	"Asia/Kuwait":        {"توقيت الكويت", "Kuwait time", "heure du Koweït"},
	"Asia/Beirut":        {"توقيت بيروت", "Beirut time", "heure de Beyrouth"},
	"Africa/Tripoli":     {"توقيت طرابلس", "Tripoli time", "heure de Tripoli"},
	"Africa/Nouakchott":  {"توقيت نواكشوط", "Nouakchott time", "heure de Nouakchott"},
	"Africa/Casablanca":  {"توقيت المغرب", "Morocco time", "heure du Maroc"},
	"Asia/Muscat":        {"توقيت مسقط", "Muscat time", "heure de Mascate"},
	"Asia/Gaza":          {"توقيت فلسطين", "Palestine time", "heure de Palestine"},
	"Asia/Hebron":        {"توقيت فلسطين", "Palestine time", "heure de Palestine"},
	"Asia/Qatar":         {"توقيت قطر", "Qatar time", "heure du Qatar"},
	"Asia/Riyadh":        {"توقيت الرياض", "Riyadh time", "heure de Riyad"},
	"Africa/Mogadishu":   {"توقيت مقديشو", "Mogadishu time", "heure de Mogadiscio"},
	"Africa/Khartoum":    {"توقيت الخرطوم", "Khartoum time", "heure de Khartoum"},
	"Asia/Damascus":      {"توقيت دمشق", "Damascus time", "heure de Damas"},
	"Africa/Tunis":       {"توقيت تونس", "Tunis time", "heure de Tunis"},
	"Asia/Dubai":         {"توقيت الإمارات", "UAE time", "heure des Émirats"},
	"Asia/Aden":          {"توقيت اليمن", "Yemen time", "heure du Yémen"},
	"Europe/London":      {"توقيت لندن", "London time", "heure de Londres"},
	"Europe/Paris":       {"توقيت باريس", "Paris time", "heure de Paris"},
	"Europe/Brussels":    {"توقيت بروكسل", "Brussels time", "heure de Bruxelles"},
	"Europe/Berlin":      {"توقيت برلين", "Berlin time", "heure de Berlin"},
	"Europe/Madrid":      {"توقيت مدريد", "Madrid time", "heure de Madrid"},
	"Europe/Rome":        {"توقيت روما", "Rome time", "heure de Rome"},
	"Europe/Zurich":      {"توقيت زيورخ", "Zurich time", "heure de Zurich"},
	"Europe/Istanbul":    {"توقيت إسطنبول", "Istanbul time", "heure d’Istanbul"},
	"Asia/Tehran":        {"توقيت طهران", "Tehran time", "heure de Téhéran"},
	"America/New_York":   {"توقيت نيويورك", "New York time", "heure de New York"},
	"America/Montreal":   {"توقيت مونتريال", "Montreal time", "heure de Montréal"},
	"America/Toronto":    {"توقيت تورونتو", "Toronto time", "heure de Toronto"},
	"Asia/Kuala_Lumpur":  {"توقيت كوالالمبور", "Kuala Lumpur time", "heure de Kuala Lumpur"},
	"Asia/Karachi":       {"توقيت كراتشي", "Karachi time", "heure de Karachi"},
	"Africa/Nairobi":     {"توقيت نيروبي", "Nairobi time", "heure de Nairobi"},
	"Africa/Addis_Ababa": {"توقيت أديس أبابا", "Addis Ababa time", "heure d’Addis-Abeba"},
}

// ZoneName names the IANA zone tz in lang, never by its raw id: «توقيت بيروت», "Beirut
// time", "heure de Beyrouth". A zone outside the list is named by the city part of its id
// ("Asia/Kuala_Lumpur" → "Kuala Lumpur time"); UTC and the Etc/ zones have no name: the
// empty string, and the offset alone says it.
func ZoneName(lang, tz string) string {
	if n, ok := zoneNames[tz]; ok {
		switch lang {
		case "en":
			return n[1]
		case "fr":
			return n[2]
		}
		return n[0]
	}
	if tz == "" || tz == "UTC" || strings.HasPrefix(tz, "Etc/") || !strings.Contains(tz, "/") {
		return ""
	}
	city := strings.ReplaceAll(tz[strings.LastIndex(tz, "/")+1:], "_", " ")
	switch lang {
	case "en":
		return city + " time"
	case "fr":
		return "heure de " + city
	}
	return "توقيت " + Isolate(lang, city)
}

// ZoneLabel is the zone's name with the offset it has at t: "Beirut time (UTC+3)"; the
// offset alone for a zone without a name.
func ZoneLabel(lang, tz string, t time.Time) string {
	off := Isolate(lang, UTCOffset(t.In(location(tz))))
	if n := ZoneName(lang, tz); n != "" {
		return n + " (" + off + ")"
	}
	return off
}
