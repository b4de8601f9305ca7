//! Reading a place name (a state, a country) the way people type it: letters folded to ASCII, and
//! a known name at the start of longer text (`CaliforniaUSA`, `Japan (Asia)`).

/// The letters of a value, lowercased, with Latin diacritics folded to their base letter (`Québec`
/// → `quebec`) and everything else dropped; and where each word of the original text starts.
pub(crate) struct FoldedLetters {
    letters: [u8; Self::CAPACITY],
    len: usize,
    /// Bit `i` set when letter `i` starts a word: the first letter, a letter after anything that
    /// is not a letter (a space, punctuation, a digit), or a capital after a small letter.
    word_starts: u64,
}

impl FoldedLetters {
    /// The most letters kept; a longer value is no place name.
    const CAPACITY: usize = 64;

    /// The folded letters of `value`, or `None` when it has more than 64 letters.
    pub(crate) fn new(value: &str) -> Option<Self> {
        let mut folded = FoldedLetters {
            letters: [0; Self::CAPACITY],
            len: 0,
            word_starts: 0,
        };
        // The previous character was a letter (`Some`), and then whether it was a small one.
        let mut previous_small: Option<bool> = None;
        for c in value.chars() {
            let Some(ascii) = fold_to_ascii_letter(c) else {
                previous_small = None;
                continue;
            };
            if folded.len == Self::CAPACITY {
                return None;
            }
            let capital = c.is_uppercase();
            if previous_small.is_none_or(|small| small && capital) {
                folded.word_starts |= 1 << folded.len;
            }
            previous_small = Some(!capital);
            folded.letters[folded.len] = ascii.to_ascii_lowercase();
            folded.len += 1;
        }
        Some(folded)
    }

    /// The letters, such as `newyorkcity`.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII letters are stored.
        std::str::from_utf8(&self.letters[..self.len]).unwrap_or("")
    }

    /// The number of letters.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The first known name the value starts with, longest first, among those that end where a
    /// word of the original text ends (`NewYorkCity` → `newyork`, never `Newyorker` → `newyork`),
    /// and that are at least `shortest` letters long.
    pub(crate) fn leading_name<T>(
        &self,
        shortest: usize,
        lookup: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.as_str();
        (shortest..self.len)
            .rev()
            .filter(|&end| self.word_starts & (1 << end) != 0)
            .find_map(|end| lookup(&text[..end]))
    }
}

/// ASCII letters as they are; Latin letters with diacritics (as in `Côte d'Ivoire`, `Curaçao`,
/// `Réunion`, `Åland`, `Türkiye`, `Québec`) as their base letter; anything else dropped.
fn fold_to_ascii_letter(c: char) -> Option<u8> {
    if c.is_ascii_alphabetic() {
        return u8::try_from(c).ok();
    }
    let base = match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => b'a',
        'ç' | 'ć' | 'č' => b'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => b'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => b'i',
        'ñ' | 'ń' | 'ň' => b'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => b'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => b'u',
        'ý' | 'ÿ' => b'y',
        'ś' | 'š' | 'ş' => b's',
        'ž' | 'ź' | 'ż' => b'z',
        'ğ' => b'g',
        'ł' => b'l',
        'ř' => b'r',
        'ť' | 'ţ' => b't',
        'ď' => b'd',
        _ => return None,
    };
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(value: &str) -> Vec<usize> {
        let folded = FoldedLetters::new(value).expect("short");
        (0..folded.len())
            .filter(|i| folded.word_starts & (1 << i) != 0)
            .collect()
    }

    #[test]
    fn letters_are_folded_and_words_found() {
        let folded = FoldedLetters::new("Québec, Côte-d'Ivoire 2").expect("short");
        assert_eq!(folded.as_str(), "quebeccotedivoire");
        assert_eq!(starts("NewYorkCity"), [0, 3, 7]);
        assert_eq!(starts("new york (city)"), [0, 3, 7]);
        assert_eq!(starts("NEWYORK"), [0]);
        assert_eq!(starts("McAllen"), [0, 2]);
        assert!(FoldedLetters::new(&"a".repeat(65)).is_none());
        assert!(FoldedLetters::new(&"a".repeat(64)).is_some());
    }

    #[test]
    fn a_leading_name_ends_where_a_word_ends() {
        let known = |name: &str| ["new", "newyork"].contains(&name).then(|| name.to_owned());
        let lead = |value: &str| FoldedLetters::new(value).and_then(|f| f.leading_name(3, known));
        assert_eq!(lead("NewYorkCity").as_deref(), Some("newyork"));
        assert_eq!(lead("New York State").as_deref(), Some("newyork"));
        assert_eq!(lead("Newyorker"), None);
        assert_eq!(lead("newyorkcity"), None);
        // The whole value is not a leading name: exact names are the caller's first lookup.
        assert_eq!(lead("New York"), Some("new".to_owned()));
    }
}
