package officials

import (
	"net/netip"
	"strings"
)

// Device is what a session's User-Agent says of the browser and the system it runs on, in
// their own (proper) names: {"Firefox", "Windows"}. An empty field is not recognised.
//
// The platform parses the header itself rather than through a library: it needs two
// words for a person to recognise their own devices, not versions or device models, and the
// browsers people use announce themselves with a handful of stable tokens. The libraries
// that do this fully either carry a large table of expressions that must be kept current
// (ua-parser) or more than this page needs; a wrong guess here costs a person a moment's
// doubt, never access.
type Device struct {
	Browser string `json:"browser"`
	OS      string `json:"os"`
}

// browserTokens are looked for in order: browsers built on Chromium also say "Chrome", and
// Chrome also says "Safari", so the more particular name comes first.
var browserTokens = []struct{ token, name string }{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"}, {"Edge/", "Edge"},
	{"OPR/", "Opera"}, {"OPiOS/", "Opera"}, {"Opera", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"}, {"YaBrowser/", "Yandex Browser"}, {"UCBrowser/", "UC Browser"},
	{"Vivaldi/", "Vivaldi"}, {"Brave", "Brave"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"}, {"HeadlessChrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
	{"Version/", "Safari"}, // Safari says its version this way; the test below wants "Safari" too
	{"MSIE ", "Internet Explorer"}, {"Trident/", "Internet Explorer"},
	{"curl/", "curl"}, {"Wget/", "Wget"},
}

// osTokens are looked for in order: Android also says "Linux", iOS also says "Mac OS X".
var osTokens = []struct{ token, name string }{
	{"Windows", "Windows"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"iPod", "iOS"},
	{"Android", "Android"}, {"CrOS", "ChromeOS"}, {"Macintosh", "macOS"}, {"Mac OS X", "macOS"},
	{"Ubuntu", "Ubuntu"}, {"Fedora", "Fedora"}, {"Linux", "Linux"}, {"FreeBSD", "FreeBSD"}, {"OpenBSD", "OpenBSD"},
}

// ParseDevice names the browser and system of a User-Agent header.
func ParseDevice(ua string) Device {
	var d Device
	for _, b := range browserTokens {
		if strings.Contains(ua, b.token) && (b.name != "Safari" || strings.Contains(ua, "Safari/")) {
			d.Browser = b.name
			break
		}
	}
	for _, o := range osTokens {
		if strings.Contains(ua, o.token) {
			d.OS = o.name
			break
		}
	}
	return d
}

// maxUserAgent is how much of a User-Agent is kept: real ones are a few hundred bytes.
const maxUserAgent = 512

// cutUserAgent keeps at most maxUserAgent bytes of ua, at a character boundary, without
// control characters.
func cutUserAgent(ua string) string {
	ua = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(ua, ""))
	if len(ua) <= maxUserAgent {
		return ua
	}
	ua = ua[:maxUserAgent]
	for len(ua) > 0 && !utf8Start(ua[len(ua)-1]) {
		ua = ua[:len(ua)-1]
	}
	return strings.ToValidUTF8(ua, "")
}

func utf8Start(b byte) bool { return b < 0x80 || b >= 0xC0 }

// MaskAddress is the network of a client address that a session keeps: an IPv4 address with
// its last octet zeroed (a /24), an IPv6 address cut to its /48 (a site), written as a
// prefix: "203.0.113.0/24". The full address is never stored: the page that shows it needs
// no more, and a copy of the database gives away no more. "" for anything else.
func MaskAddress(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ""
	}
	a = a.Unmap().WithZone("")
	bits := 24
	if a.Is6() {
		bits = 48
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}

// Place is what the platform can tell of where a session came from without asking anyone
// else: Local is true for a private, loopback or link-local network (the office, the
// machine itself); otherwise Network is the masked address, its hidden part shown as "x"
// ("203.0.113.x", "2001:db8:1::/48"). Both empty: no address was recorded.
type Place struct {
	Local   bool   `json:"local"`
	Network string `json:"network"`
}

// PlaceOf reads a masked address (MaskAddress).
func PlaceOf(masked string) Place {
	p, err := netip.ParsePrefix(masked)
	if err != nil {
		return Place{}
	}
	a := p.Addr()
	if a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified() {
		return Place{Local: true}
	}
	if a.Is4() {
		s := a.String()
		return Place{Network: s[:strings.LastIndexByte(s, '.')] + ".x"}
	}
	return Place{Network: p.String()}
}
