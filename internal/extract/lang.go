package extract

import "unicode"

// detectLang decides between Chinese and English from the text itself,
// not from markup (lang attributes are often template defaults). A Han
// character is worth about one English word of five letters.
func detectLang(text string) string {
	han, latin := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.IsLetter(r):
			latin++
		}
	}
	if han > 0 && han*5 >= latin {
		return "zh"
	}
	return "en"
}

// hasHan reports whether s contains a Han character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
