package output

import (
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/clipperhouse/displaywidth"
)

// displayWidth is the number of terminal columns s takes, rune by rune, as
// the table writer eksaccess used before (tablewriter's twwidth) counted
// them, so that tables keep their layout: East Asian ambiguous characters
// count 2 where the terminal is taken for a CJK one (see eastAsian), box
// drawing characters 1 in a modern terminal all the same. Cells reach it
// sanitized: no escape sequences, no tabs (tableCell).
func displayWidth(s string) int {
	// The common case, printable ASCII, without the detection.
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return len(s)
	}
	m := widthMode()
	w := 0
	for _, r := range s {
		w += m.rune(r)
	}
	return w
}

// widthModeOf is how runes are counted: decided once, from the
// environment, on the first table with other than printable ASCII.
type widthModeOf struct {
	eastAsian, narrowBorders bool
}

func (m widthModeOf) rune(r rune) int {
	if m.narrowBorders && r >= 0x2500 && r <= 0x257F { // box drawing
		return 1
	}
	return displaywidth.Options{EastAsianWidth: m.eastAsian}.Rune(r)
}

var widthMode = sync.OnceValue(func() widthModeOf {
	ea := eastAsian(os.Getenv, runtime.GOOS)
	return widthModeOf{eastAsian: ea, narrowBorders: ea && modernTerminal(os.Getenv, runtime.GOOS)}
})

// eastAsian reports whether the terminal counts East Asian ambiguous
// characters as two columns: RUNEWIDTH_EASTASIAN says so (1, on, true, yes;
// 0, off, false, no), else no for a modern terminal, else yes for a CJK
// locale (LC_ALL, LC_CTYPE, LANG).
func eastAsian(getenv func(string) string, goos string) bool {
	switch strings.ToLower(getenv("RUNEWIDTH_EASTASIAN")) {
	case "1", "on", "true", "yes":
		return true
	case "0", "off", "false", "no":
		return false
	}
	if modernTerminal(getenv, goos) {
		return false
	}
	return cjkLocale(getenv)
}

// modernTerminals are terminals (TERM_PROGRAM, TERM) whose fonts draw
// ambiguous characters narrow, whatever the locale.
var modernTerminals = []string{
	"vscode", "visual studio code", "iterm.app", "iterm2", "windows terminal", "windowsterminal",
	"alacritty", "kitty", "hyper", "tabby", "terminus", "fluentterminal", "warp", "ghostty", "rio",
	"jetbrains-jediterm", "xterm-kitty", "xterm-ghostty", "wezterm",
}

func modernTerminal(getenv func(string) string, goos string) bool {
	known := func(v string) bool {
		for _, t := range modernTerminals {
			if strings.ToLower(v) == t {
				return true
			}
		}
		return false
	}
	if p := getenv("TERM_PROGRAM"); p != "" && known(p) {
		return true
	}
	if getenv("TERM_PROGRAM_WSL") != "" {
		return true
	}
	term := strings.ToLower(getenv("TERM"))
	if goos == "windows" {
		if getenv("WT_PROFILE_ID") != "" || getenv("ConEmuANSI") == "ON" {
			return true
		}
		if strings.Contains(term, "xterm") || strings.Contains(term, "vt") {
			return true
		}
	}
	if getenv("VTE_VERSION") != "" || getenv("ALACRITTY_LOG") != "" {
		return true
	}
	if term != "" {
		if known(term) {
			return true
		}
		if strings.Contains(term, "xterm") && !strings.Contains(term, "xterm-mono") {
			return true
		}
		if strings.Contains(term, "screen") || strings.Contains(term, "tmux") {
			return true
		}
	}
	return false
}

// cjkLocale reports whether the locale is Chinese, Japanese or Korean, or
// of a region that uses their fonts.
func cjkLocale(getenv func(string) string) bool {
	locale := getenv("LC_ALL")
	if locale == "" {
		locale = getenv("LC_CTYPE")
	}
	if locale == "" {
		locale = getenv("LANG")
	}
	if locale == "" || locale == "C" || locale == "POSIX" {
		return false
	}
	if i := strings.IndexByte(locale, '.'); i != -1 {
		locale = locale[:i]
	}
	if i := strings.IndexByte(locale, '@'); i != -1 {
		locale = locale[:i]
	}
	locale = strings.ToLower(locale)
	for _, p := range []string{"zh", "ja", "ko", "chi", "zho", "jpn", "kor", "chinese", "japanese", "korean"} {
		if strings.HasPrefix(locale, p) {
			return true
		}
	}
	parts := strings.Split(locale, "_")
	for _, region := range parts[1:] {
		switch region {
		case "cn", "tw", "hk", "mo", "jp", "kr", "kp", "sg":
			return true
		}
	}
	return false
}
