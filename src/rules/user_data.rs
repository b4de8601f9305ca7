//! `user_data` rules: at least one identifier, hash formats, IP address, fbc/fbp cookies.

use crate::generated::types::{IntegerOrString, UserData};
use crate::hashed::{LANGUAGE_TOKENS, is_graph_digest};
use crate::pii::Field;
use crate::values::OneOrMany;

use super::messages;
use super::path::BlamePath;
use super::report::Violation;

pub(super) fn check(user: &UserData, index: usize, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index).key("user_data");

    match customer_information(user) {
        // Rule `user_data.no_identifier`.
        CustomerInformation::None => out.push(messages::no_customer_identifier(at())),
        // Rule `user_data.weak_combination`.
        CustomerInformation::Weak => out.push(messages::weak_customer_information(at())),
        CustomerInformation::Enough => {}
    }

    for (field, values) in multi_hashed(user) {
        if let Some(values) = values {
            let many = matches!(values, OneOrMany::Many(_));
            for (i, value) in values.iter().enumerate() {
                if !is_graph_digest(value) {
                    let path = if many {
                        at().key(field.key()).index(i)
                    } else {
                        at().key(field.key())
                    };
                    // Rule `user_data.hash_format`.
                    out.push(messages::hash_format(path));
                }
            }
        }
    }
    for (field, value) in single_hashed(user) {
        if let Some(value) = value
            && !is_graph_digest(value)
        {
            // Rule `user_data.hash_format`.
            out.push(messages::hash_format(at().key(field.key())));
        }
    }

    if let Some(ip) = &user.client_ip_address
        && !is_ip_address(ip)
    {
        // Rule `user_data.client_ip_address.invalid`.
        out.push(messages::client_ip_address(at().key("client_ip_address")));
    }
    if let Some(fbc) = &user.fbc
        && !is_cookie(fbc)
    {
        // Rule `user_data.fbc.format`.
        out.push(messages::fbc_format(at().key("fbc")));
    }
    if let Some(fbp) = &user.fbp
        && !is_cookie(fbp)
    {
        // Rule `user_data.fbp.format`.
        out.push(messages::fbp_format(at().key("fbp")));
    }
}

/// The fields Graph requires hashed ([`Field::must_be_hashed`]) that take one value or a list, with
/// their values. A test keeps these two tables and `Field` in agreement.
fn multi_hashed(user: &UserData) -> [(Field, Option<&OneOrMany>); 10] {
    [
        (Field::Email, user.em.as_ref()),
        (Field::Phone, user.ph.as_ref()),
        (Field::FirstName, user.fn_.as_ref()),
        (Field::LastName, user.ln.as_ref()),
        (Field::DateOfBirth, user.db.as_ref()),
        (Field::Gender, user.ge.as_ref()),
        (Field::City, user.ct.as_ref()),
        (Field::State, user.st.as_ref()),
        (Field::Zip, user.zp.as_ref()),
        (Field::Country, user.country.as_ref()),
    ]
}

/// The fields Graph requires hashed that take a single value, with their values.
fn single_hashed(user: &UserData) -> [(Field, Option<&str>); 6] {
    [
        (Field::F5First, user.f5first.as_deref()),
        (Field::F5Last, user.f5last.as_deref()),
        (Field::FirstInitial, user.fi.as_deref()),
        (Field::DobDay, user.dobd.as_deref()),
        (Field::DobMonth, user.dobm.as_deref()),
        (Field::DobYear, user.doby.as_deref()),
    ]
}

fn present(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

fn present_many(value: Option<&OneOrMany>) -> bool {
    value.is_some_and(|v| v.iter().any(|s| !s.is_empty()))
}

/// How much customer information `user_data` carries, by the keys with a non-null, non-empty value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CustomerInformation {
    /// No key with a value.
    None,
    /// Only keys of one of Meta's weak combinations (or part of one).
    Weak,
    /// Anything else (the literal reading: `client_ip_address` alone is enough).
    Enough,
}

/// The keys of Meta's weak combinations, one bit each: ct, country, st, zp, ge, client_user_agent,
/// db, fn, ln.
const CT: u16 = 1;
const COUNTRY: u16 = 1 << 1;
const ST: u16 = 1 << 2;
const ZP: u16 = 1 << 3;
const GE: u16 = 1 << 4;
const USER_AGENT: u16 = 1 << 5;
const DB: u16 = 1 << 6;
const FN: u16 = 1 << 7;
const LN: u16 = 1 << 8;

/// Meta's weak combinations (best-practices page, since v13): "An event is considered invalid if it
/// only includes customer information parameters that consist of one of the following
/// combinations, (or a subset thereof)".
const WEAK_COMBINATIONS: [u16; 4] = [
    CT | COUNTRY | ST | ZP | GE | USER_AGENT,
    DB | USER_AGENT,
    FN | GE,
    LN | GE,
];

/// Classifies `user`: any key outside the weak combinations is enough (checked first, commonest
/// first, so a usual event stops at `em`); otherwise the set of weak keys decides.
fn customer_information(user: &UserData) -> CustomerInformation {
    let strong_many = [
        user.em.as_ref(),
        user.ph.as_ref(),
        user.external_id.as_ref(),
        user.madid.as_ref(),
        user.anon_id.as_ref(),
    ];
    let strong_single = [
        user.fbc.as_deref(),
        user.fbp.as_deref(),
        user.client_ip_address.as_deref(),
        user.f5first.as_deref(),
        user.f5last.as_deref(),
        user.fi.as_deref(),
        user.dobd.as_deref(),
        user.dobm.as_deref(),
        user.doby.as_deref(),
        user.subscription_id.as_deref(),
        user.page_id.as_deref(),
        user.page_scoped_user_id.as_deref(),
        user.ctwa_clid.as_deref(),
        user.ig_account_id.as_deref(),
        user.ig_sid.as_deref(),
        user.whatsapp_business_account_id.as_deref(),
        user.instagram_business_account_id.as_deref(),
        user.app_user_id.as_deref(),
    ];
    let strong_id = [&user.fb_login_id, &user.lead_id].iter().any(|v| match v {
        Some(IntegerOrString::Int64(_)) => true,
        Some(IntegerOrString::String(s)) => !s.is_empty(),
        None => false,
    });
    if strong_many.iter().any(|v| present_many(*v))
        || strong_single.iter().any(|v| present(*v))
        || strong_id
    {
        return CustomerInformation::Enough;
    }
    let weak = [
        (CT, present_many(user.ct.as_ref())),
        (COUNTRY, present_many(user.country.as_ref())),
        (ST, present_many(user.st.as_ref())),
        (ZP, present_many(user.zp.as_ref())),
        (GE, present_many(user.ge.as_ref())),
        (USER_AGENT, present(user.client_user_agent.as_deref())),
        (DB, present_many(user.db.as_ref())),
        (FN, present_many(user.fn_.as_ref())),
        (LN, present_many(user.ln.as_ref())),
    ]
    .iter()
    .filter(|(_, present)| *present)
    .fold(0, |keys, (bit, _)| keys | bit);
    if weak == 0 {
        CustomerInformation::None
    } else if WEAK_COMBINATIONS
        .iter()
        .any(|combination| weak & !combination == 0)
    {
        CustomerInformation::Weak
    } else {
        CustomerInformation::Enough
    }
}

/// An IPv4 or IPv6 address, optionally followed by `.<appendix>` as Meta's parameter builder (and
/// the Node SDK since 2026-06) writes it: an 8-character token or a 2-character language token.
fn is_ip_address(value: &str) -> bool {
    if value.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    value.rsplit_once('.').is_some_and(|(ip, appendix)| {
        (appendix.len() == 8
            && appendix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            || LANGUAGE_TOKENS.contains(&appendix))
            && ip.parse::<std::net::IpAddr>().is_ok()
    })
}

/// `fb.<digits>.<digits>.<non-empty>` with an optional fifth part: a 2-character appendix token of
/// Meta's parameter builder, or an 8-character one.
pub(crate) fn is_cookie(value: &str) -> bool {
    let Some(rest) = value.as_bytes().strip_prefix(b"fb.") else {
        return false;
    };
    // Subdomain index, then creation time.
    let Some(rest) = skip_digits_and_dot(rest).and_then(skip_digits_and_dot) else {
        return false;
    };
    match rest.iter().position(|&b| b == b'.') {
        None => !rest.is_empty(),
        Some(dot) => {
            let (payload, appendix) = (&rest[..dot], &rest[dot + 1..]);
            !payload.is_empty()
                && !appendix.contains(&b'.')
                && (appendix.len() == 8
                    || LANGUAGE_TOKENS
                        .iter()
                        .any(|short| short.as_bytes() == appendix))
        }
    }
}

/// The bytes after one or more ASCII digits and the `.` that ends them.
fn skip_digits_and_dot(bytes: &[u8]) -> Option<&[u8]> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    match bytes.get(digits) {
        Some(b'.') if digits > 0 => Some(&bytes[digits + 1..]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward form the fast check replaced, kept as its specification.
    mod reference {
        pub fn is_cookie(value: &str) -> bool {
            let mut parts = value.split('.');
            let (Some(version), Some(subdomain), Some(created), Some(payload)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return false;
            };
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let head_ok =
                version == "fb" && digits(subdomain) && digits(created) && !payload.is_empty();
            match (parts.next(), parts.next()) {
                (None, _) => head_ok,
                (Some(appendix), None) => {
                    head_ok
                        && (crate::hashed::LANGUAGE_TOKENS.contains(&appendix)
                            || appendix.len() == 8)
                }
                (Some(_), Some(_)) => false,
            }
        }
    }

    proptest! {
        #[test]
        fn cookie_agrees_with_its_reference(value in "(fb)?[.fb0-9AQgwBa-e]{0,24}") {
            prop_assert_eq!(is_cookie(&value), reference::is_cookie(&value));
        }
    }

    #[test]
    fn hashed_tables_hold_exactly_the_fields_graph_requires_hashed() {
        let user = UserData::default();
        let mut tables: Vec<Field> = multi_hashed(&user)
            .iter()
            .map(|(field, _)| *field)
            .chain(single_hashed(&user).iter().map(|(field, _)| *field))
            .collect();
        tables.sort();
        let hashed: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| f.must_be_hashed())
            .collect();
        assert_eq!(tables, hashed);
    }

    #[test]
    fn ip_addresses_may_carry_the_param_builder_s_appendix() {
        for ok in [
            "203.0.113.7",
            "2001:db8::1",
            "168.212.226.204.ABcDEFGh",
            "2001:db8::1.AQ",
        ] {
            assert!(is_ip_address(ok), "{ok}");
        }
        for bad in [
            "",
            "203.0.113",
            "203.0.113.7.",
            "203.0.113.7.toolong99",
            "x.AQ",
            "1.2.3.4.5",
        ] {
            assert!(!is_ip_address(bad), "{bad}");
        }
    }

    #[test]
    fn cookies_follow_the_param_builder_shape() {
        for ok in [
            "fb.1.1554763741205.AbCdEf",
            "fb.1.1596403881668.1116446470.AQQAAQAB",
            "fb.1.123.abc.BA",
            "fb.1.1.a.12345678",
            "fb.12.34.x.Bg",
        ] {
            assert!(is_cookie(ok), "{ok}");
        }
        for bad in [
            "fb.1.123.abc.invalid",
            "fb.1.123.",
            "fb.1b.123.",
            "fb.1.123aa.abc",
            "fb.000000.123_1.test",
            "fx.1.1.a",
            "fb.1.1",
            "fb.1.1.",
            "fb..1.a",
            "fb.1..a",
            "fb.1.1.a.",
            "fb.1.1.a.AQ.BA",
            "fb.1.1.a.ABCDEFG",
            "fb.1.1..AQ",
            "fb1.1.a",
            "fb",
        ] {
            assert!(!is_cookie(bad), "{bad}");
        }
    }
}
