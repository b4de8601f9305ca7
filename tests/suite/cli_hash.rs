//! `capi hash` as a user runs it: values as arguments or on standard input, one tab-separated line
//! per value, and invalid values reported by position without echoing them.

use crate::support::{capi, capi_stdin, text};
use std::process::Output;

/// `capi hash` with `args`, and `stdin` on its standard input if given.
fn capi_hash(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let args: Vec<&str> = std::iter::once("hash")
        .chain(args.iter().copied())
        .collect();
    match stdin {
        Some(input) => capi_stdin(&args, input),
        None => capi(&args),
    }
}

#[test]
fn values_as_arguments_print_normalized_tab_sha256() {
    let out = capi_hash(&["em", "John_Smith@gmail.com", " MARY@example.com "], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "john_smith@gmail.com\t62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f\n\
             mary@example.com\t{}\n",
            sha("mary@example.com")
        )
    );
    assert!(out.stderr.is_empty());
}

fn sha(value: &str) -> String {
    capi_kit::pii::sha256_hex(value).to_string()
}

#[test]
fn field_names_are_accepted_as_well_as_keys() {
    let out = capi_hash(&["country", "United States"], None);
    assert_eq!(text(&out.stdout), format!("us\t{}\n", sha("us")));
    let out = capi_hash(&["first_name", "Valéry"], None);
    assert_eq!(text(&out.stdout), format!("valéry\t{}\n", sha("valéry")));
}

#[test]
fn values_come_from_standard_input_one_per_line() {
    let out = capi_hash(&["ct"], Some(b"New York\r\nParis\n  London"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "newyork\t{}\nparis\t{}\nlondon\t{}\n",
            sha("newyork"),
            sha("paris"),
            sha("london")
        )
    );
}

#[test]
fn a_national_number_without_a_country_is_hashed_as_meta_s_sdks_do_and_warned_about() {
    let out = capi_hash(
        &["ph", "(650)555-1212", "+1 650 555 1212", "020 7946 0958"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Meta's rule without a country: the digits as they are (the reference vector's hash).
    assert!(text(&out.stdout).starts_with(
        "6505551212\t5eed6d50c9a69704a9a72b4af7d14d04d33e4460039e101b525f5d4f8a106a38\n"
    ));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("value 1: warning: a national number"),
        "{stderr}"
    );
    assert!(stderr.contains("value 3: warning"), "{stderr}");
    assert!(
        !stderr.contains("value 2"),
        "an international number is fine: {stderr}"
    );
    assert!(
        !stderr.contains("555"),
        "the value is never echoed: {stderr}"
    );
    // With a country there is nothing to warn about.
    let out = capi_hash(&["ph", "--country", "us", "(650)555-1212"], None);
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

#[test]
fn country_makes_national_phone_numbers_international() {
    let out = capi_hash(&["ph", "--country", "us", "(650)555-1212"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "16505551212\te323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176\n"
    );
    let out = capi_hash(
        &["ph", "--country", "United Kingdom", "020 7946 0958"],
        None,
    );
    assert_eq!(
        text(&out.stdout),
        format!("442079460958\t{}\n", sha("442079460958"))
    );
}

#[test]
fn invalid_values_exit_1_naming_the_position_but_not_the_value() {
    let out = capi_hash(
        &["em"],
        Some(b"ok@example.com\nsecret-not-an-email\n\nalso@example.com\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("line 2: em: not an email address"),
        "{stderr}"
    );
    assert!(stderr.contains("line 3: em: empty value"), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");

    let out = capi_hash(
        &["ph", "--country", "us", "+1 650 555 1212", "555-1212"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("value 2: ph:"), "{stderr}");
    assert!(!stderr.contains("555-1212"), "{stderr}");
}

#[test]
fn invalid_utf8_on_standard_input_is_an_invalid_value() {
    let out = capi_hash(&["fn"], Some(b"Mary\n\xff\xfe\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 2: fn: not valid UTF-8"));
    assert_eq!(text(&out.stdout), format!("mary\t{}\n", sha("mary")));
}

#[test]
fn already_hashed_values_are_printed_unchanged() {
    let digest = "62A14E44F765419D10FEA99367361A727C12365E2520F32218D505ED9AA0F62F";
    let lower = digest.to_lowercase();
    let out = capi_hash(&["em", digest], None);
    assert_eq!(text(&out.stdout), format!("{lower}\t{lower}\n"));
}

#[test]
fn usage_errors_exit_2() {
    let out = capi_hash(&["email_address", "x"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = capi_hash(&["em", "--country", "us", "a@b.co"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--country applies to phone numbers"));
    let out = capi_hash(&["ph", "--country", "Atlantis", "+1 650 555 1212"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_lists_every_field_with_its_rule() {
    let out = capi_hash(&["--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for key in [
        "em",
        "ph",
        "fn",
        "ln",
        "db",
        "ge",
        "ct",
        "st",
        "zp",
        "country",
        "external_id",
        "f5first",
        "f5last",
        "fi",
        "dobd",
        "dobm",
        "doby",
    ] {
        assert!(
            help.lines()
                .any(|line| line.trim_start().starts_with(&format!("{key} "))),
            "{key} missing from help:\n{help}"
        );
    }
    assert!(help.contains("Exit codes"));
}
