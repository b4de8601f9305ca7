//! `user_data` rules: at least one identifier, hash formats, IP address, fbc/fbp cookies.

use crate::generated::types::{IntegerOrString, UserData};
use crate::values::OneOrMany;

use super::catalog::RuleId;
use super::path::BlamePath;
use super::report::Violation;

/// Appendix tokens of Meta's parameter builder that are 2 characters long (others are 8).
const SHORT_APPENDIXES: [&str; 6] = ["AQ", "Ag", "Aw", "BA", "BQ", "Bg"];

pub(super) fn check(user: &UserData, index: usize, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index).key("user_data");

    if !has_identifier(user) {
        out.push(Violation::new(
            RuleId::NoCustomerIdentifier,
            at(),
            "This event has insufficient customer information: user_data carries no customer information parameter.",
        ));
    }

    for (key, values) in multi_hashed(user) {
        if let Some(values) = values {
            let many = matches!(values, OneOrMany::Many(_));
            for (i, value) in values.iter().enumerate() {
                if !is_sha256_hex(value) {
                    let path = if many {
                        at().key(key).index(i)
                    } else {
                        at().key(key)
                    };
                    out.push(hash_violation(path));
                }
            }
        }
    }
    for (key, value) in single_hashed(user) {
        if let Some(value) = value
            && !is_sha256_hex(value)
        {
            out.push(hash_violation(at().key(key)));
        }
    }

    if let Some(ip) = &user.client_ip_address
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        let path = at().key("client_ip_address");
        out.push(Violation::new(
                RuleId::ClientIpAddress,
                path.clone(),
                format!("The parameter {path} must be a valid IPv4 or IPv6 address, not hashed and without spaces."),
            ));
    }
    if let Some(fbc) = &user.fbc
        && !is_cookie(fbc)
    {
        let path = at().key("fbc");
        out.push(Violation::new(
                RuleId::FbcFormat,
                path.clone(),
                format!("The parameter {path} must look like fb.1.<creation time>.<fbclid>, optionally followed by .<appendix>."),
            ));
    }
    if let Some(fbp) = &user.fbp
        && !is_cookie(fbp)
    {
        let path = at().key("fbp");
        out.push(Violation::new(
                RuleId::FbpFormat,
                path.clone(),
                format!("The parameter {path} must look like fb.1.<creation time>.<random number>, optionally followed by .<appendix>."),
            ));
    }
}

fn hash_violation(path: BlamePath) -> Violation {
    let message = format!(
        "The parameter {path} must be the SHA-256 of the normalized value, as 64 lowercase hex digits (optionally followed by .<appendix>); raw customer information is not accepted."
    );
    Violation::new(RuleId::HashFormat, path, message)
}

/// The hashed keys that take one value or a list.
fn multi_hashed(user: &UserData) -> [(&'static str, Option<&OneOrMany>); 10] {
    [
        ("em", user.em.as_ref()),
        ("ph", user.ph.as_ref()),
        ("fn", user.fn_.as_ref()),
        ("ln", user.ln.as_ref()),
        ("db", user.db.as_ref()),
        ("ge", user.ge.as_ref()),
        ("ct", user.ct.as_ref()),
        ("st", user.st.as_ref()),
        ("zp", user.zp.as_ref()),
        ("country", user.country.as_ref()),
    ]
}

/// The hashed keys that take a single value.
fn single_hashed(user: &UserData) -> [(&'static str, Option<&str>); 6] {
    [
        ("f5first", user.f5first.as_deref()),
        ("f5last", user.f5last.as_deref()),
        ("fi", user.fi.as_deref()),
        ("dobd", user.dobd.as_deref()),
        ("dobm", user.dobm.as_deref()),
        ("doby", user.doby.as_deref()),
    ]
}

fn present(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

fn present_many(value: Option<&OneOrMany>) -> bool {
    value.is_some_and(|v| v.iter().any(|s| !s.is_empty()))
}

/// True when any customer information parameter carries a value.
fn has_identifier(user: &UserData) -> bool {
    multi_hashed(user).iter().any(|(_, v)| present_many(*v))
        || single_hashed(user).iter().any(|(_, v)| present(*v))
        || [&user.external_id, &user.anon_id, &user.madid]
            .iter()
            .any(|v| present_many(v.as_ref()))
        || [
            &user.client_ip_address,
            &user.client_user_agent,
            &user.fbc,
            &user.fbp,
            &user.subscription_id,
            &user.page_id,
            &user.page_scoped_user_id,
            &user.ctwa_clid,
            &user.ig_account_id,
            &user.ig_sid,
            &user.app_user_id,
        ]
        .iter()
        .any(|v| present(v.as_deref()))
        || [&user.fb_login_id, &user.lead_id].iter().any(|v| match v {
            Some(IntegerOrString::Int64(_)) => true,
            Some(IntegerOrString::String(s)) => !s.is_empty(),
            None => false,
        })
}

/// 64 lowercase hex digits, optionally followed by `.` and an appendix of `[A-Za-z0-9_-]`.
pub(crate) fn is_sha256_hex(value: &str) -> bool {
    match value.as_bytes().split_first_chunk::<64>() {
        Some((digest, rest)) => is_lower_hex(digest) && is_hash_appendix(rest),
        None => false,
    }
}

/// True when every byte is `0-9` or `a-f`.
///
/// Deliberately without an early exit: a valid digest (the common case) is read to its end anyway,
/// and a fixed-length fold compiles to a few SIMD compares instead of 64 data-dependent branches.
fn is_lower_hex(digest: &[u8; 64]) -> bool {
    let bad = digest.iter().fold(false, |bad, &b| {
        bad | !((b.wrapping_sub(b'0') < 10) | (b.wrapping_sub(b'a') < 6))
    });
    !bad
}

/// What may follow a digest: nothing, or `.` and a non-empty appendix of `[A-Za-z0-9_-]`.
fn is_hash_appendix(rest: &[u8]) -> bool {
    match rest {
        [] => true,
        [b'.', appendix @ ..] => {
            !appendix.is_empty()
                && appendix
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        }
        _ => false,
    }
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
                    || SHORT_APPENDIXES
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

    /// The straightforward forms the fast checks replaced, kept as their specification.
    mod reference {
        pub fn is_sha256_hex(value: &str) -> bool {
            let bytes = value.as_bytes();
            if bytes.len() < 64
                || !bytes[..64]
                    .iter()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            {
                return false;
            }
            match &bytes[64..] {
                [] => true,
                [b'.', appendix @ ..] => {
                    !appendix.is_empty()
                        && appendix
                            .iter()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
                }
                _ => false,
            }
        }

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
                    head_ok && (super::SHORT_APPENDIXES.contains(&appendix) || appendix.len() == 8)
                }
                (Some(_), Some(_)) => false,
            }
        }
    }

    proptest! {
        #[test]
        fn sha256_hex_agrees_with_its_reference(
            digest in "[0-9a-fA-G]{60,66}",
            tail in prop_oneof![Just(String::new()), "[.a-zA-Z0-9_\\-é]{0,10}"],
        ) {
            let value = format!("{digest}{tail}");
            prop_assert_eq!(is_sha256_hex(&value), reference::is_sha256_hex(&value));
        }

        #[test]
        fn cookie_agrees_with_its_reference(value in "(fb)?[.fb0-9AQgwBa-e]{0,24}") {
            prop_assert_eq!(is_cookie(&value), reference::is_cookie(&value));
        }
    }

    #[test]
    fn sha256_hex_accepts_digests_and_appendixes_only() {
        let digest = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";
        assert!(is_sha256_hex(digest));
        assert!(is_sha256_hex(&format!("{digest}.AQQCAQAB")));
        assert!(!is_sha256_hex(&digest.to_uppercase()));
        assert!(!is_sha256_hex(&format!("{digest}.")));
        assert!(!is_sha256_hex(&format!("{digest}0")));
        assert!(!is_sha256_hex("john@example.com"));
        assert!(!is_sha256_hex(""));
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
