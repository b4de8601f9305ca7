//! US state and territory names to their 2-letter ANSI (USPS) codes, for the `st` rule.

/// Names with spaces and punctuation removed, lowercased, sorted for binary search.
const US_STATES: [(&str, &str); 58] = [
    ("alabama", "al"),
    ("alaska", "ak"),
    ("americansamoa", "as"),
    ("arizona", "az"),
    ("arkansas", "ar"),
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
    ("maryland", "md"),
    ("massachusetts", "ma"),
    ("michigan", "mi"),
    ("minnesota", "mn"),
    ("mississippi", "ms"),
    ("missouri", "mo"),
    ("montana", "mt"),
    ("nebraska", "ne"),
    ("nevada", "nv"),
    ("newhampshire", "nh"),
    ("newjersey", "nj"),
    ("newmexico", "nm"),
    ("newyork", "ny"),
    ("northcarolina", "nc"),
    ("northdakota", "nd"),
    ("northernmarianaislands", "mp"),
    ("ohio", "oh"),
    ("oklahoma", "ok"),
    ("oregon", "or"),
    ("pennsylvania", "pa"),
    ("puertorico", "pr"),
    ("rhodeisland", "ri"),
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
];

/// The 2-letter code of a US state or territory given by its full name (already lowercased with
/// spaces and punctuation removed), such as `newyork` -> `ny`.
pub(crate) fn us_state_code(name: &str) -> Option<&'static str> {
    US_STATES
        .binary_search_by(|(n, _)| n.cmp(&name))
        .ok()
        .map(|i| US_STATES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(US_STATES.windows(2).all(|w| w[0].0 < w[1].0));
        // 50 states, DC (twice), 5 territories (the Virgin Islands twice).
        assert_eq!(US_STATES.len(), 58);
        let codes: std::collections::BTreeSet<_> = US_STATES.iter().map(|(_, c)| c).collect();
        assert_eq!(codes.len(), 56);
        assert_eq!(us_state_code("newyork"), Some("ny"));
        assert_eq!(us_state_code("wyoming"), Some("wy"));
        assert_eq!(us_state_code("ontario"), None);
    }
}
