//! Character classes and the lowercase-and-filter loop shared by the text rules.

/// Writes `value` lowercased into `out`, keeping only the characters `keep` accepts.
///
/// ASCII input (the common case) is lowercased byte by byte without allocating; other input is
/// lowercased with Unicode's full mapping (`str::to_lowercase`, like Python's `str.lower`).
pub(crate) fn lower_filter(value: &str, out: &mut String, keep: impl Fn(char) -> bool) {
    if value.is_ascii() {
        out.extend(
            value
                .bytes()
                .map(|b| char::from(b.to_ascii_lowercase()))
                .filter(|&c| keep(c)),
        );
    } else {
        out.extend(value.to_lowercase().chars().filter(|&c| keep(c)));
    }
}

/// Writes `value` lowercased into `out`, unchanged otherwise.
pub(crate) fn lower(value: &str, out: &mut String) {
    if value.is_ascii() {
        let start = out.len();
        out.push_str(value);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&value.to_lowercase());
    }
}

/// Punctuation and symbols outside ASCII: the Latin-1 punctuation block, general punctuation,
/// arrows and other symbol blocks, CJK punctuation, fullwidth punctuation and emoji. Letters and
/// digits inside these blocks (`ª`, `々`, `²`, …) are not punctuation.
fn is_unicode_punctuation_or_symbol(c: char) -> bool {
    let in_block = matches!(
        c,
        '\u{00A0}'..='\u{00BF}'
            | '\u{00D7}'
            | '\u{00F7}'
            | '\u{02C2}'..='\u{02C5}'
            | '\u{02D2}'..='\u{02DF}'
            | '\u{2000}'..='\u{206F}'
            | '\u{20A0}'..='\u{20CF}'
            | '\u{2100}'..='\u{214F}'
            | '\u{2190}'..='\u{2BFF}'
            | '\u{3000}'..='\u{303F}'
            | '\u{30FB}'
            | '\u{FE10}'..='\u{FE1F}'
            | '\u{FE30}'..='\u{FE6F}'
            | '\u{FEFF}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}'
            | '\u{FFE0}'..='\u{FFEE}'
            | '\u{1F000}'..='\u{1FAFF}'
    );
    in_block && !c.is_alphanumeric()
}

/// A character a name keeps: letters, digits and combining marks of any script. Spaces, control
/// characters, punctuation and symbols go.
#[inline]
pub(crate) fn is_name_char(c: char) -> bool {
    // The ASCII test inline in the per-character loops; the Unicode tests out of line.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_non_ascii_name_char(c)
    }
}

fn is_non_ascii_name_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || is_unicode_punctuation_or_symbol(c))
}

/// A character a city or state keeps: as for names, but without digits.
#[inline]
pub(crate) fn is_place_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        is_non_ascii_name_char(c) && !c.is_numeric()
    }
}

/// A character a postal code keeps: letters and digits of any script.
pub(crate) fn is_postcode_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(value: &str, keep: fn(char) -> bool) -> String {
        let mut out = String::new();
        lower_filter(value, &mut out, keep);
        out
    }

    #[test]
    fn names_keep_letters_of_any_script_and_lose_punctuation() {
        assert_eq!(filtered("Mary Ann", is_name_char), "maryann");
        assert_eq!(filtered("O’Brien-Smith", is_name_char), "obriensmith");
        assert_eq!(filtered("Valéry", is_name_char), "valéry");
        assert_eq!(filtered("정", is_name_char), "정");
        assert_eq!(filtered("Zoë «Zo» 🙂", is_name_char), "zoëzo");
        assert_eq!(filtered("नम्रता", is_name_char), "नम्रता");
    }

    #[test]
    fn places_also_lose_digits() {
        assert_eq!(filtered("New York 10001", is_place_char), "newyork");
        assert_eq!(filtered("Saint-Étienne", is_place_char), "saintétienne");
    }

    #[test]
    fn unicode_lowercasing_matches_python() {
        let mut out = String::new();
        lower("ΟΔΥΣΣΕΥΣ", &mut out);
        assert_eq!(out, "οδυσσευς");
    }
}
