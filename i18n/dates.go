package i18n

import (
	"strconv"
	"time"
)

var (
	monthsAr   = [12]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"}
	monthsEn   = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	monthsFr   = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	weekdaysAr = [7]string{"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"}
	weekdaysEn = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	weekdaysFr = [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
)

// MonthName names a month in lang (Arabic: the names used in Egypt and the Gulf, يناير…).
func MonthName(lang string, m time.Month) string {
	switch lang {
	case "ar":
		return monthsAr[m-1]
	case "fr":
		return monthsFr[m-1]
	}
	return monthsEn[m-1]
}

// WeekdayName names a day of the week in lang.
func WeekdayName(lang string, d time.Weekday) string {
	switch lang {
	case "ar":
		return weekdaysAr[d]
	case "fr":
		return weekdaysFr[d]
	}
	return weekdaysEn[d]
}

// FormatDate writes t's calendar day in lang, with Western digits: "10 مارس 2026",
// "10 March 2026", "10 mars 2026"; "" for the zero time.
func FormatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Day()) + " " + MonthName(lang, t.Month()) + " " + strconv.Itoa(t.Year())
}
