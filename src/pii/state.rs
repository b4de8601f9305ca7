//! State and province names to their 2-letter codes, for the `st` rule: US states and territories
//! (ANSI/USPS codes) and Canadian provinces and territories (Canada Post codes).

use super::place::FoldedLetters;

/// Names with spaces and punctuation removed, lowercased, sorted for binary search.
const STATES: [(&str, &str); 71] = [
    ("alabama", "al"),
    ("alaska", "ak"),
    ("alberta", "ab"), // Canada
    ("americansamoa", "as"),
    ("arizona", "az"),
    ("arkansas", "ar"),
    ("britishcolumbia", "bc"), // Canada
    ("california", "ca"),
    ("colorado", "co"),
    ("connecticut", "ct"),
    ("delaware", "de"),
    ("districtofcolumbia", "dc"),
    ("florida", "fl"),
    ("georgia", "ga"),
    ("guam", "gu"),
    ("hawaii", "hi"),
    ("idaho", "id"),
    ("illinois", "il"),
    ("indiana", "in"),
    ("iowa", "ia"),
    ("kansas", "ks"),
    ("kentucky", "ky"),
    ("louisiana", "la"),
    ("maine", "me"),
    ("manitoba", "mb"), // Canada
    ("maryland", "md"),
    ("massachusetts", "ma"),
    ("michigan", "mi"),
    ("minnesota", "mn"),
    ("mississippi", "ms"),
    ("missouri", "mo"),
    ("montana", "mt"),
    ("nebraska", "ne"),
    ("nevada", "nv"),
    ("newbrunswick", "nb"),            // Canada
    ("newfoundlandandlabrador", "nl"), // Canada
    ("newhampshire", "nh"),
    ("newjersey", "nj"),
    ("newmexico", "nm"),
    ("newyork", "ny"),
    ("northcarolina", "nc"),
    ("northdakota", "nd"),
    ("northernmarianaislands", "mp"),
    ("northwestterritories", "nt"), // Canada
    ("novascotia", "ns"),           // Canada
    ("nunavut", "nu"),              // Canada
    ("ohio", "oh"),
    ("oklahoma", "ok"),
    ("ontario", "on"), // Canada
    ("oregon", "or"),
    ("pennsylvania", "pa"),
    ("princeedwardisland", "pe"), // Canada
    ("puertorico", "pr"),
    ("quebec", "qc"), // Canada
    ("rhodeisland", "ri"),
    ("saskatchewan", "sk"), // Canada
    ("southcarolina", "sc"),
    ("southdakota", "sd"),
    ("tennessee", "tn"),
    ("texas", "tx"),
    ("unitedstatesvirginislands", "vi"),
    ("usvirginislands", "vi"),
    ("utah", "ut"),
    ("vermont", "vt"),
    ("virginia", "va"),
    ("washington", "wa"),
    ("washingtondc", "dc"),
    ("westvirginia", "wv"),
    ("wisconsin", "wi"),
    ("wyoming", "wy"),
    ("yukon", "yt"), // Canada
];

/// The traditional abbreviations of state and province names longer than two letters (AP and
/// Canadian Press style: `Calif.`, `Tex.`, `W.Va.`, `Ont.`), lowercased, letters only, sorted. The
/// two-letter ones (`Ga.`, `N.Y.`) are the codes themselves. Read only as the whole value.
const ABBREVIATIONS: [(&str, &str); 39] = [
    ("ala", "al"),
    ("alta", "ab"), // Canada
    ("ariz", "az"),
    ("ark", "ar"),
    ("calif", "ca"),
    ("colo", "co"),
    ("conn", "ct"),
    ("del", "de"),
    ("fla", "fl"),
    ("ill", "il"),
    ("ind", "in"),
    ("kan", "ks"),
    ("kans", "ks"),
    ("man", "mb"), // Canada
    ("mass", "ma"),
    ("mich", "mi"),
    ("minn", "mn"),
    ("miss", "ms"),
    ("mont", "mt"),
    ("neb", "ne"),
    ("nebr", "ne"),
    ("nev", "nv"),
    ("nfld", "nl"), // Canada
    ("okla", "ok"),
    ("ont", "on"), // Canada
    ("ore", "or"),
    ("oreg", "or"),
    ("pei", "pe"), // Canada
    ("penn", "pa"),
    ("penna", "pa"),
    ("que", "qc"),  // Canada
    ("sask", "sk"), // Canada
    ("tenn", "tn"),
    ("tex", "tx"),
    ("wash", "wa"),
    ("wis", "wi"),
    ("wisc", "wi"),
    ("wva", "wv"),
    ("wyo", "wy"),
];

/// The 2-letter code of a US state or territory or a Canadian province or territory named in
/// `value`, in any case, with or without spaces, punctuation or diacritics (`New York`, `Québec`);
/// by its traditional abbreviation (`Calif.`); or when more words follow the name (`NewYorkCity`,
/// `Ontario, Canada`).
pub(crate) fn code(value: &str) -> Option<&'static str> {
    let folded = FoldedLetters::new(value)?;
    let letters = folded.as_str();
    by_name(letters)
        .or_else(|| lookup(&ABBREVIATIONS, letters))
        .or_else(|| folded.leading_name(SHORTEST_NAME, by_name))
}

/// The shortest name in the table (`guam`, `iowa`, `ohio`, `utah`).
const SHORTEST_NAME: usize = 4;

/// The code of a name exactly as the table of names spells it.
fn by_name(name: &str) -> Option<&'static str> {
    lookup(&STATES, name)
}

/// The code of `key` in a sorted table.
fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table
        .binary_search_by(|(k, _)| k.cmp(&key))
        .ok()
        .map(|i| table[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(STATES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0].0 < w[1].0));
        // Every abbreviation stands for a code of the table of names.
        assert!(
            ABBREVIATIONS
                .iter()
                .all(|(_, c)| STATES.iter().any(|(_, s)| s == c))
        );
        assert!(STATES.iter().all(|(n, _)| n.len() >= SHORTEST_NAME));
        // 50 states, DC (twice), 5 territories (the Virgin Islands twice); 10 provinces, 3 territories.
        assert_eq!(STATES.len(), 58 + 13);
        let codes: std::collections::BTreeSet<_> = STATES.iter().map(|(_, c)| c).collect();
        assert_eq!(codes.len(), 56 + 13);
    }

    #[test]
    fn names_are_read_whole_or_first_in_longer_text() {
        for (value, want) in [
            ("newyork", Some("ny")),
            ("Wyoming", Some("wy")),
            ("Ontario", Some("on")),
            ("QUÉBEC", Some("qc")),
            ("Califórnia", Some("ca")),
            ("NewYorkCity", Some("ny")),
            ("Washington, D.C.", Some("dc")),
            ("West Virginia State", Some("wv")),
            ("OntarioCanada", Some("on")),
            ("Calif.", Some("ca")),
            ("Tex.", Some("tx")),
            ("W. Va.", Some("wv")),
            ("Penn.", Some("pa")),
            ("Ont.", Some("on")),
            ("Calif. USA", None),
            ("Texasville", None),
            ("Carolina", None),
            ("Île-de-France", None),
        ] {
            assert_eq!(code(value), want, "{value}");
        }
    }
}
