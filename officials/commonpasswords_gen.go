//go:build ignore

// This program writes commonpasswords.txt, the list of passwords that Masar refuses because
// they are what an online guesser tries first. Run it with `go generate ./officials` after
// changing the word lists below; the list is built from them by rules, so that a reviewer
// reads two hundred lines of intent rather than four thousand lines of output.
//
// What goes in, and why:
//   - Only what the length rule lets through: a password has at least 10 characters, so
//     "123456" or "iloveyou" are refused already and would only weigh on the binary.
//   - The shapes that top every published breach analysis: digit runs and repeats, keyboard
//     walks (QWERTY, AZERTY for the Maghreb, the number pad), "password" in its disguises,
//     a common word followed by 1, 123, 2024, !, @123…, seasons and months with a year.
//   - What guessers try on Arab users: Arabic given names in Latin letters, religious
//     phrases (bismillah, alhamdulillah, 786…), cities, countries and football clubs of the
//     region, Arabizi (7abibi, ana ba7ebak), Arabic phrases in Arabic script, and the
//     keyboard-layout slips: a Latin password typed with the Arabic layout on
//     ("password123" → "حشسسصخقي123") and an Arabic one typed with the Latin layout on
//     ("كلمة المرور" → ";glm hglv,v").
//   - The platform's own names (masar, alecso, opengov…), which a targeted guesser tries.
//
// Comparison folds case and digits (Arabic-Indic ١٢٣ count as 123), so each entry is kept
// once, in lower case.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

const (
	minRunes = 10 // officials.MinPassword
	maxBytes = 72 // officials.MaxPasswordBytes
)

func main() {
	l := &list{seen: map[string]bool{}}

	l.group("digits: runs, repeats, pairs, number-pad walks")
	for _, s := range []string{"1234567890", "0123456789", "12345678910", "123456789012", "1234567890123", "12345678901234567890",
		"123456789101112", "0987654321", "9876543210", "98765432100", "1234567899", "1234567891", "1234567809", "1234512345",
		"1234554321", "1122334455", "11223344556", "112233445566", "1111122222", "1212312345", "1357924680", "2468013579",
		"1357913579", "2468024680", "7894561230", "1478963250", "1472583690", "0147258369", "1236547890", "3692581470",
		"9638527410", "7418529630", "1597534862", "1593574862", "7896541230", "3216549870", "1236987450", "1236987456",
		"7412369850", "9517538520", "1593572580", "4561237890", "1470258369", "0000011111", "1234567000", "1000000000",
		"1231231234", "0102030405", "0101010101", "1010101010", "2020202020", "1231230123", "5555555555", "1234567812345678"} {
		l.add(s)
	}
	for d := '0'; d <= '9'; d++ {
		for n := 10; n <= 12; n++ {
			l.add(strings.Repeat(string(d), n))
		}
	}
	for _, b := range []string{"12", "123", "1234", "12345", "123456", "321", "4321", "54321", "1122", "112233", "11", "00",
		"01", "10", "69", "777", "666", "786", "147", "159", "258", "369", "789", "987", "456", "111222", "000111", "520", "1314",
		"2580", "007"} {
		l.repeatTo(b)
	}

	l.group("keyboard walks: QWERTY, AZERTY, QWERTZ")
	walks := []string{"qwertyuiop", "qwertyuiop[]", "asdfghjkl;", "asdfghjkl;'", "zxcvbnm,./", "qwertyuiopasdfghjkl",
		"qwertyuiopasdfghjklzxcvbnm", "qazwsxedc", "qazwsxedcrfv", "qazwsxedcrfvtgb", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv",
		"1qazxsw2", "zaq12wsx", "zaq1zaq1", "zaq1xsw2cde3", "!qaz2wsx", "!qaz@wsx", "!qaz@wsx#edc", "1q2w3e4r5t",
		"1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5", "q1w2e3r4t5y6", "qweasdzxc", "qweasdzxc123",
		"123qweasd", "123qweasdzxc", "qwe123qwe123", "qwer1234", "qwert12345", "qwerty123", "qwerty1234", "qwerty12345",
		"qwerty123456", "qwerty123456789", "qwertyuiop1", "qwertyuiop123", "1234qwer", "1234qwerasdf", "12345qwert",
		"123456qwerty", "1234567qwerty", "poiuytrewq", "lkjhgfdsa", "mnbvcxzasdfghjkl", "asdf1234", "asdfgh123", "asdfghjkl1",
		"asdfghjkl123", "zxcvbnm123", "zxcvbnm1234", "zxcvbnmasdfghjkl", "qwertyasdfgh", "qwertyasdfghzxcvbn",
		"1234567890qwertyuiop", "qwaszxqwaszx", "asdasdasdasd", "qweqweqweqwe", "zxczxczxczxc", "asdqwe123", "qazxswedc",
		"qazxswedcvfr", "1qa2ws3ed", "1qa2ws3ed4rf", "plmoknijb", "0okm9ijn8uhb", "1qw23er4", "qwe1234567", "q2w3e4r5t6",
		"1234rewq", "4rfv5tgb", "2wsx3edc", "3edc4rfv", "5tgb6yhn", "1qaz2wsx", "zaq1xsw2", "q1w2e3r4", "abcdefghij",
		"abcdefghijk", "abcdefghijkl", "abcdefghijklmnopqrstuvwxyz", "abc1234567", "abcd123456", "abcde12345", "abcdef1234",
		"abcdefg123", "abc123abc123", "abcabcabcabc", "a1b2c3d4e5", "a1b2c3d4e5f6", "1a2b3c4d5e", "a123456789", "a1234567890",
		"aa12345678", "aaa1234567", "123456789a", "1234567890a", "123456789q", "q123456789", "1234567890q", "z123456789",
		"123456789z", "qwerty1234567", "qwertyqwerty", "asdfasdfasdf", "asdfghjklqwertyuiop",
		"azertyuiop", "azertyuiop123", "azerty1234", "azerty12345", "azerty123456", "azertyqsdf", "qsdfghjklm", "wxcvbn1234",
		"azertyuiopqsdfghjklm", "1a2z3e4r5t", "a1z2e3r4t5", "azeqsdwxc", "azeqsdwxc123", "&é\"'(-è_çà", "1234azerty",
		"azertyazerty", "qwertzuiop", "qwertz1234", "qwertz123456"}
	for _, w := range walks {
		l.add(w)
	}
	for c := 'a'; c <= 'z'; c++ {
		l.add(strings.Repeat(string(c), 10))
	}

	l.group(`"password" in its disguises`)
	pw := []string{"password", "passw0rd", "p@ssword", "p@ssw0rd", "pa$$word", "pa55word", "passwort", "motdepasse",
		"mot de passe", "pass", "passwd", "kalimatsir", "secret"}
	pwSuffix := []string{"", "1", "12", "123", "1234", "12345", "123456", "123456789", "!", "1!", "123!", "@1", "@123",
		"@1234", "#1", "#123", "01", "11", "99", "007", "786", "!@#", "2020", "2021", "2022", "2023", "2024", "2025", "2026",
		"2025!", "qwerty", "abc123"}
	var pwAll []string
	for _, p := range pw {
		for _, s := range pwSuffix {
			pwAll = append(pwAll, p+s)
		}
		pwAll = append(pwAll, "123"+p, "my"+p, p+p, "new"+p, "new"+p+"1", "new"+p+"123")
	}
	l.add(pwAll...)

	l.group("a common word and the endings people add")
	suffixes := []string{"", "1", "12", "123", "1234", "12345", "123456", "!", "@123", "2024"}
	for _, w := range words {
		for _, s := range suffixes {
			l.add(w + s)
		}
	}
	for _, w := range topWords {
		for y := 1980; y <= 2026; y++ {
			if y > 2005 && y < 2020 {
				continue // birth years of people at work, and the last few years
			}
			l.add(fmt.Sprintf("%s%d", w, y))
		}
		l.add(w+w, "i love "+w, "ilove"+w, "ilove"+w+"123")
	}

	l.group("seasons and months with a year (the password-spraying favourites)")
	for _, w := range []string{"summer", "winter", "spring", "autumn", "january", "february", "september", "october",
		"november", "december", "printemps", "automne", "hiver", "ramadan", "welcome", "company"} {
		for y := 2020; y <= 2027; y++ {
			l.add(fmt.Sprintf("%s%d", w, y), fmt.Sprintf("%s%d!", w, y), fmt.Sprintf("%s@%d", w, y))
		}
	}

	l.group("phrases and Arabizi")
	for _, s := range []string{"iloveyou", "iloveyou1", "iloveyou12", "iloveyou123", "iloveyou2", "iloveyoubaby", "iloveyoumom",
		"iloveyousomuch", "iloveyouforever", "iloveyou4ever", "i love you", "i love you 123", "iloveu1234", "loveyou123",
		"loveyouforever", "letmein123", "letmeinnow", "trustno1trustno1", "whatever123", "nothing123", "goodluck123",
		"blessed123", "thankyou123", "godisgood", "godisgreat", "jesuslovesme", "jesuschrist", "correcthorsebatterystaple",
		"correct horse battery staple", "thequickbrownfox", "the quick brown fox", "opensesame", "open sesame", "sesameouvre-toi",
		"changeme123", "changemenow", "pleasechangeme", "default123", "temporary1", "temppassword", "welcometomasar",
		"welcome to masar", "bienvenue123", "bienvenue2024", "jetaime123", "jetaimemonamour", "je t'aime", "monamour123",
		"mon amour", "bonjour123", "salut1234", "soleil1234", "doudou1234", "chouchou12", "loulou1234", "bisous1234",
		"marseille13", "allezlom13", "teamo12345", "teamomucho", "anabahebak", "ana bahebak", "ana ba7ebak", "anaba7ebak",
		"ana b7bk", "bahebak123", "ba7ebak123", "ahebak1234", "uhibbuk123", "nhebek1234", "n7ebek1234", "habibi1234",
		"habibi123456", "7abibi1234", "7abibti123", "habibti123", "hayati1234", "7ayati1234", "3omri12345", "omri123456",
		"ya habibi", "yahabibi123", "7obi123456", "hobi123456", "albi123456", "2albi12345", "galbi12345", "rohi123456",
		"ro7i123456", "yallah1234", "yalla12345", "ya3ni12345", "mabrouk123", "mabrook123", "salam12345", "salam123456",
		"assalamualaikum", "assalamu alaikum", "salamualaikum", "asalamualaikum", "walaikumsalam", "ahlan wa sahlan",
		"ahlanwasahlan", "marhaba123", "marhaba1234", "shukran123", "choukran123", "lailahaillallah", "la ilaha illallah",
		"lailahaillallahmuhammadurrasulullah", "allahuakbar", "allahu akbar", "allahakbar1", "allahakbar123", "bismillah1",
		"bismillah12", "bismillah123", "bismillah786", "bismillahirrahmanirrahim", "bismillah ar rahman ar rahim",
		"alhamdulillah", "alhamdulilah", "alhamdulillah1", "alhamdulillah123", "subhanallah", "subhanallah1",
		"subhanallah123", "mashallah1", "mashaallah", "mashallah123", "inshallah1", "inshaallah", "inshallah123",
		"astaghfirullah", "astaghfirullah1", "lahawlawalaquwata", "yarabbi123", "yarab12345", "ya rab 123", "allah12345",
		"allah123456", "allahisgreat", "allahisone", "allah1234567", "muhammadrasulullah", "quran12345", "islam12345",
		"muslim1234", "ummah12345", "jannah1234", "jannatul firdaus", "jannatulfirdaus", "freepalestine", "free palestine",
		"palestine48", "palestine1948", "alquds1234", "jerusalem1", "gaza123456", "mohamedsalah", "mosalah11", "salah11salah",
		"mo salah 11", "ziyech1234", "mahrez1234", "messi10messi", "cr7cr7cr7cr7", "cristianoronaldo", "ronaldo777",
		"leomessi10", "neymarjr10", "zidane1010", "realmadrid1", "barcelona1", "visca barca", "viscabarca", "hala madrid",
		"halamadrid", "ahly123456", "alahly1907", "zamalek1911", "wydad1937", "raja1949raja", "mca1921mca", "jsk1946jsk",
		"esperance1919", "alhilal1957", "alnassr1955", "alittihad1927"} {
		l.add(s)
	}

	l.group("Arabic script")
	arabic := []string{"كلمة المرور", "كلمةالمرور", "كلمة السر", "كلمةالسر", "كلمه المرور", "كلمهالمرور", "كلمه السر",
		"بسم الله الرحمن الرحيم", "بسم الله", "بسماللهالرحمنالرحيم", "بسم الله الرحمن", "لا اله الا الله", "لااله الاالله",
		"لا إله إلا الله", "لااله الا الله", "لا اله الا الله محمد رسول الله", "محمد رسول الله", "الحمد لله",
		"الحمد لله رب العالمين", "الحمدلله رب العالمين", "سبحان الله", "سبحان الله وبحمده", "سبحان الله العظيم",
		"سبحان الله وبحمده سبحان الله العظيم", "استغفر الله", "استغفر الله العظيم", "استغفراللهالعظيم", "الله اكبر",
		"الله أكبر", "اللهاكبر", "ما شاء الله", "ماشاء الله", "ان شاء الله", "إن شاء الله", "انشاءالله", "توكلت على الله",
		"حسبي الله ونعم الوكيل", "لا حول ولا قوة الا بالله", "يا رب", "يارب يارب", "احبك", "احبك كثيرا", "انا احبك",
		"أنا أحبك", "بحبك", "بحبك موت", "حبيبي", "حبيبتي", "حياتي", "عمري", "قلبي", "روحي", "امي", "أمي الغالية",
		"امي الحبيبة", "فلسطين", "فلسطين حرة", "القدس", "القدس لنا", "مصر", "مصر ام الدنيا", "السعودية", "الامارات",
		"الاردن", "الأردن", "المغرب", "الجزائر", "تونس", "العراق", "سوريا", "لبنان", "الكويت", "قطر", "البحرين", "عمان",
		"اليمن", "السودان", "ليبيا", "موريتانيا", "مرحبا", "مرحبا بك", "اهلا وسهلا", "أهلا وسهلا", "السلام عليكم",
		"السلام عليكم ورحمة الله", "وعليكم السلام", "صباح الخير", "مسار", "منصة مسار"}
	arabicNames := []string{"محمد", "احمد", "أحمد", "علي", "عمر", "خالد", "حسن", "حسين", "محمود", "مصطفى", "عبدالله",
		"عبد الله", "يوسف", "ابراهيم", "إبراهيم", "سعيد", "كريم", "حمزة", "فاطمة", "مريم", "عائشة", "خديجة", "زينب",
		"سارة", "نور", "ليلى", "امل", "هدى", "سلمى", "ياسمين", "الله", "مسار", "فلسطين", "مصر", "الاردن", "المغرب"}
	for _, a := range arabic {
		l.add(a)
	}
	for _, n := range arabicNames {
		for _, s := range []string{"", "123", "1234", "12345", "123456", "123456789"} {
			l.add(n + s)
		}
	}
	for _, a := range arabic {
		for _, s := range []string{"123", "123456"} {
			l.add(a + s)
		}
	}

	l.group("Latin passwords typed with the Arabic keyboard layout on")
	var latin []string
	latin = append(latin, walks...)
	for _, p := range pw {
		for _, s := range []string{"", "1", "12", "123", "1234", "12345", "123456", "!", "@123", "2024", "2025"} {
			latin = append(latin, p+s)
		}
	}
	for _, w := range topWords {
		for _, s := range []string{"", "123", "1234", "123456"} {
			latin = append(latin, w+s)
		}
	}
	for _, s := range latin {
		l.add(toArabicLayout(s))
	}

	l.group("Arabic passwords typed with the Latin keyboard layout on")
	var arab []string
	arab = append(arab, arabic...)
	for _, n := range arabicNames {
		for _, s := range []string{"", "123", "1234", "123456"} {
			arab = append(arab, n+s)
		}
	}
	for _, s := range arab {
		l.add(toLatinLayout(s))
	}

	if err := l.write("commonpasswords.txt"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// topWords are the words most often found with a year or a repeat; they get more endings.
var topWords = []string{"password", "welcome", "admin", "qwerty", "azerty", "iloveyou", "football", "dragon", "sunshine",
	"princess", "mohammed", "mohamed", "ahmed", "allah", "bismillah", "palestine", "maroc", "algerie", "barcelona",
	"realmadrid", "masar", "habibi"}

// words are common in breached passwords, worldwide and in the Arab region.
var words = []string{
	// worldwide
	"welcome", "admin", "administrator", "letmein", "monkey", "dragon", "football", "baseball", "soccer", "basketball",
	"sunshine", "princess", "master", "shadow", "superman", "batman", "spiderman", "michael", "jennifer", "jordan",
	"charlie", "computer", "whatever", "trustno1", "starwars", "freedom", "hello", "hellokitty", "lovely", "loveme",
	"mylove", "babygirl", "angel", "jesus", "goodluck", "blessed", "flower", "internet", "samsung", "google", "facebook",
	"apple", "microsoft", "windows", "ubuntu", "oracle", "changeme", "default", "secret", "security", "access", "login",
	"user", "guest", "test", "testing", "demo", "temp", "qwerty", "azerty", "pokemon", "naruto", "minecraft", "fortnite",
	"liverpool", "chelsea", "arsenal", "manchester", "manutd", "barcelona", "realmadrid", "juventus", "ronaldo", "messi",
	"cristiano", "neymar", "zidane", "chocolate", "cookie", "hunter", "ranger", "thunder", "killer", "hockey", "mustang",
	"ferrari", "mercedes", "porsche", "matrix", "phoenix", "diamond", "silver", "golden", "orange", "purple", "banana",
	"butterfly", "rainbow", "dolphin", "tiger", "eagle", "falcon", "warrior", "legend", "soldier", "family", "friends",
	"forever", "peace", "happy", "heaven", "beautiful", "sweetheart", "princesse", "jetaime", "soleil", "bonjour",
	"marseille", "paris", "france", "nicolas", "camille", "chouchou", "iloveyou", "zxcvbnm", "asdfgh", "abc", "abcd",
	// the region: countries, cities, clubs
	"maroc", "morocco", "algerie", "algeria", "tunisie", "tunisia", "egypt", "misr", "amman", "palestine", "gaza", "syria",
	"lebanon", "beirut", "iraq", "baghdad", "kuwait", "qatar", "doha", "dubai", "abudhabi", "emirates", "saudi", "riyadh",
	"jeddah", "makkah", "mecca", "madinah", "oman", "muscat", "bahrain", "yemen", "sudan", "khartoum", "libya", "tripoli",
	"mauritanie", "djibouti", "somalia", "cairo", "alexandria", "casablanca", "rabat", "marrakech", "tunis", "alger",
	"oran", "zamalek", "ahly", "alahly", "alhilal", "alnassr", "wydad", "raja", "esperance", "mouloudia",
	// given names
	"mohammed", "mohamed", "muhammad", "mohammad", "mohamad", "ahmed", "ahmad", "ali", "omar", "umar", "hassan", "hussein",
	"hussain", "khaled", "khalid", "abdullah", "abdallah", "youssef", "yousef", "yusuf", "ibrahim", "mahmoud", "mustafa",
	"mostafa", "karim", "kareem", "hamza", "hamid", "said", "samir", "amine", "mehdi", "yassine", "ayoub", "adam",
	"fatima", "fatma", "aisha", "aicha", "mariam", "maryam", "sara", "sarah", "nour", "noor", "layla", "leila", "amira",
	"yasmin", "yasmine", "salma", "hana", "zainab", "khadija", "rania", "dina", "reem", "lina",
	// faith and feeling
	"allah", "allahakbar", "allahuakbar", "bismillah", "alhamdulillah", "subhanallah", "mashallah", "inshallah", "islam",
	"muslim", "quran", "ramadan", "jannah", "yarab", "habibi", "habibti", "hayati", "7abibi", "7ayati", "albi", "omri",
	"rohi", "watan", "mama", "baba",
	// the platform and the people who use it
	"masar", "masarplatform", "alecso", "opengov", "opengovernment", "government", "gouvernement", "hukuma", "ministry",
	"ministere", "wizara", "wazara", "training", "formation", "workshop", "office", "bureau", "company",
}

type list struct {
	b    strings.Builder
	seen map[string]bool
	n    int
}

func (l *list) group(title string) { fmt.Fprintf(&l.b, "# %s\n", title) }

// add keeps the passwords that the length rules would let through, once each.
func (l *list) add(ps ...string) {
	for _, p := range ps {
		k := strings.ToLower(strings.TrimSpace(p))
		if utf8.RuneCountInString(k) < minRunes || len(k) > maxBytes || l.seen[k] {
			continue
		}
		l.seen[k] = true
		l.n++
		l.b.WriteString(k)
		l.b.WriteByte('\n')
	}
}

// repeatTo adds b repeated to the shortest lengths of at least minRunes.
func (l *list) repeatTo(b string) {
	s := b
	for len(s) < minRunes {
		s += b
	}
	l.add(s, s+b)
}

func (l *list) write(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# Passwords that Masar refuses as too common, %d entries. Written by commonpasswords_gen.go\n", l.n)
	fmt.Fprintln(w, "# (go generate ./officials); edit the generator, not this file. One password a line, lower case;")
	fmt.Fprintln(w, "# lines starting with # are comments. See commonpasswords.go for why the list is this size.")
	w.WriteString(l.b.String())
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// arabicKeys is the Arabic (101) layout: the Arabic letter each Latin key gives.
var arabicKeys = map[rune]string{
	'q': "ض", 'w': "ص", 'e': "ث", 'r': "ق", 't': "ف", 'y': "غ", 'u': "ع", 'i': "ه", 'o': "خ", 'p': "ح", '[': "ج", ']': "د",
	'a': "ش", 's': "س", 'd': "ي", 'f': "ب", 'g': "ل", 'h': "ا", 'j': "ت", 'k': "ن", 'l': "م", ';': "ك", '\'': "ط",
	'z': "ئ", 'x': "ء", 'c': "ؤ", 'v': "ر", 'b': "لا", 'n': "ى", 'm': "ة", ',': "و", '.': "ز", '/': "ظ", '`': "ذ",
}

// latinKeys is the reverse: the Latin key under each Arabic letter (hamza forms on their
// shifted keys, which case-folding makes the same).
var latinKeys = map[rune]string{
	'أ': "h", 'إ': "y", 'آ': "n", 'ؤ': "c", 'ئ': "z", 'ء': "x",
}

func init() {
	for k, a := range arabicKeys {
		if r := []rune(a); len(r) == 1 {
			latinKeys[r[0]] = string(k)
		}
	}
}

func toArabicLayout(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if a, ok := arabicKeys[r]; ok {
			b.WriteString(a)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func toLatinLayout(s string) string {
	var b strings.Builder
	for _, r := range s {
		if k, ok := latinKeys[r]; ok {
			b.WriteString(k)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
