package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates before this are not news publication dates (they are birthdays,
// "since 1887" lines, zero values printed by CMSs).
var minDate = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)

// maxFuture is how far in the future a publication date may lie (embargoed
// and scheduled posts, clock skew).
const maxFuture = 48 * time.Hour

var machineLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02",
	"20060102T150405Z0700",
	"20060102",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05",
	time.RFC850,
	time.ANSIC,
	time.UnixDate,
	time.RubyDate,
}

// parseDate parses a machine-readable date (meta tags, JSON-LD, <time
// datetime>). Times without a zone are taken as UTC. The result is in UTC;
// ok is false for unparsable or implausible dates.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, l := range machineLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return plausible(t)
		}
	}
	// Unix seconds or milliseconds (some CMSs put them in meta tags).
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		if len(s) >= 13 {
			return plausible(time.UnixMilli(n))
		}
		return plausible(time.Unix(n, 0))
	}
	return parseTextDate(s)
}

func plausible(t time.Time) (time.Time, bool) {
	t = t.UTC()
	if t.Before(minDate) || t.After(time.Now().Add(maxFuture)) {
		return time.Time{}, false
	}
	return t, true
}

var months = map[string]time.Month{}

func init() {
	names := [][]string{
		{"january", "jan", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen", "stycznia", "styczeń", "ledna", "leden", "jänner", "janeiro"},
		{"february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero", "febbraio", "lutego", "luty", "února", "únor", "fevereiro", "fev"},
		{"march", "mar", "märz", "maerz", "mars", "marzo", "marca", "marzec", "března", "březen", "março", "mär"},
		{"april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień", "dubna", "duben"},
		{"may", "mai", "mayo", "maggio", "mag", "maja", "maj", "května", "květen", "maio"},
		{"june", "jun", "juni", "juin", "junio", "giugno", "giu", "czerwca", "czerwiec", "června", "červen", "junho"},
		{"july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "lipca", "lipiec", "července", "červenec", "julho"},
		{"august", "aug", "août", "aout", "agosto", "ago", "sierpnia", "sierpień", "srpna", "srpen"},
		{"september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "września", "wrzesień", "září", "setembro"},
		{"october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "października", "październik", "října", "říjen", "outubro", "out"},
		{"november", "nov", "novembre", "noviembre", "listopada", "listopad", "novembro"},
		{"december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "grudnia", "grudzień", "prosince", "prosinec", "dezembro"},
	}
	for i, ns := range names {
		for _, n := range ns {
			months[n] = time.Month(i + 1)
		}
	}
}

var (
	// "March 17, 2023", "Mar. 17 2023 10:32 AM", "17 March 2023", "17. März 2023 um 10:45"
	textDateMDY = regexp.MustCompile(`(?i)\b([\p{L}]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:\D{0,12}?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?`)
	textDateDMY = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?([\p{L}]{3,12})\.?\s+(?:de\s+)?(\d{4})(?:\D{0,12}?(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?`)
	textDateNum = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?|\b(\d{1,2})[./](\d{1,2})[./](\d{4})(?:\D{0,6}?(\d{1,2})[:.h](\d{2}))?|(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:時](\d{2}))?`)
)

// parseTextDate finds a human-written date in s ("March 17, 2023 10:32 AM",
// "17. März 2023", "17/03/2023", "2023年3月17日"). Numeric d/m/y is read
// day-first unless the first number cannot be a day-of-month reading.
// Zones written as words are ignored (UTC is assumed).
func parseTextDate(s string) (time.Time, bool) {
	if len(s) > 200 {
		return time.Time{}, false
	}
	if m := textDateNum.FindStringSubmatch(s); m != nil {
		switch {
		case m[1] != "":
			return mkDate(m[1], m[2], m[3], m[4], m[5], m[6], "")
		case m[9] != "":
			d, mo := m[7], m[8]
			if a, _ := strconv.Atoi(mo); a > 12 {
				d, mo = mo, d // US order 03/17/2023
			}
			return mkDate(m[9], mo, d, m[10], m[11], "", "")
		case m[12] != "":
			return mkDate(m[12], m[13], m[14], m[15], m[16], "", "")
		}
	}
	if m := textDateMDY.FindStringSubmatch(s); m != nil {
		if mo, ok := months[strings.ToLower(m[1])]; ok {
			return mkDate(m[3], strconv.Itoa(int(mo)), m[2], m[4], m[5], m[6], m[7])
		}
	}
	if m := textDateDMY.FindStringSubmatch(s); m != nil {
		if mo, ok := months[strings.ToLower(m[2])]; ok {
			return mkDate(m[3], strconv.Itoa(int(mo)), m[1], m[4], m[5], m[6], m[7])
		}
	}
	return time.Time{}, false
}

func mkDate(y, mo, d, h, mi, sec, ampm string) (time.Time, bool) {
	yi, _ := strconv.Atoi(y)
	moi, _ := strconv.Atoi(mo)
	di, _ := strconv.Atoi(d)
	hi, _ := strconv.Atoi(h)
	mii, _ := strconv.Atoi(mi)
	si, _ := strconv.Atoi(sec)
	if moi < 1 || moi > 12 || di < 1 || di > 31 || hi > 23 || mii > 59 || si > 59 {
		return time.Time{}, false
	}
	ampm = strings.ToLower(strings.ReplaceAll(ampm, ".", ""))
	if ampm == "pm" && hi < 12 {
		hi += 12
	} else if ampm == "am" && hi == 12 {
		hi = 0
	}
	t := time.Date(yi, time.Month(moi), di, hi, mii, si, 0, time.UTC)
	if t.Day() != di {
		return time.Time{}, false // Feb 30 and friends
	}
	return plausible(t)
}

var urlDateRE = regexp.MustCompile(`/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[-_]|\.html?|$)|/((?:19|20)\d{2})/(0[1-9]|1[0-2])/`)

// urlDate finds a publication date in a URL path ("/2023/03/17/slug",
// "/20230317-slug"); a year and month alone give the first of the month.
func urlDate(u string) (time.Time, bool) {
	m := urlDateRE.FindStringSubmatch(u)
	if m == nil {
		return time.Time{}, false
	}
	if m[1] != "" {
		return mkDate(m[1], m[2], m[3], "", "", "", "")
	}
	return mkDate(m[4], m[5], "1", "", "", "", "")
}
