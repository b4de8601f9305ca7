//! `capi hash`: normalize and SHA-256 customer information the way Meta specifies.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use capi_kit::pii::{self, CountryCode, Field, Normalized, Normalizer, sha256_hex};
use clap::Args;

use super::exit::EXIT_USAGE;

/// Normalize customer information as Meta specifies and print its SHA-256.
///
/// Prints one line per valid value: the normalized value, a tab, and its SHA-256 in lowercase hex.
/// A value that is already a SHA-256 or MD5 digest is printed as it is in both columns (it is not
/// hashed twice). Invalid values print no line; the reason goes to standard error with the value's
/// position (never the value itself), and the exit code is 1.
///
/// Exit codes: 0 every value valid, 1 some value invalid, 2 bad usage or unreadable input.
#[derive(Debug, Args)]
#[command(after_long_help = fields_help())]
pub(crate) struct HashArgs {
    /// Field whose rule applies: a user_data key (em, ph, fn, ...) or its name (email, phone, ...).
    #[arg(value_name = "FIELD", value_parser = parse_field)]
    field: Field,
    /// Values to hash; when none are given, standard input is read, one value per line.
    #[arg(value_name = "VALUE")]
    values: Vec<String>,
    /// Country whose national phone numbers these are (code or English name), for `ph` only.
    #[arg(long, value_name = "CC")]
    country: Option<String>,
}

fn parse_field(value: &str) -> Result<Field, String> {
    value.parse().map_err(|e| format!("{e}"))
}

/// The list of fields and their rules, shown by `capi hash --help`.
fn fields_help() -> String {
    let mut help = String::from("Fields:\n");
    for field in Field::ALL {
        help.push_str(&format!(
            "  {:<12} {:<14} {}\n",
            field.key(),
            field.name(),
            field.rule()
        ));
    }
    help.push_str(
        "\nOutput: one line per valid value, the normalized value, a tab and its SHA-256 in \
         lowercase hex.\nA value already hashed (SHA-256 or MD5 hex) is printed as it is in both \
         columns.\nAn invalid value prints no line; its position and the reason (never the value) \
         go to standard error.\n\nExit codes: 0 every value valid, 1 some value invalid, 2 bad \
         usage or unreadable input.\n",
    );
    help.push_str(
        "\nExamples:\n  capi hash em 'John_Smith@gmail.com'\n  capi hash ph --country us '(650) 555-1212'\n  \
         capi hash country < countries.txt\n",
    );
    help
}

pub(crate) fn run(args: HashArgs) -> ExitCode {
    match hash(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("capi hash: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Hashes every value; `Ok(false)` when some were invalid.
fn hash(args: HashArgs) -> Result<bool, String> {
    let mut normalizer = Normalizer::new();
    if let Some(country) = &args.country {
        if args.field != Field::Phone {
            return Err("--country applies to phone numbers (ph) only".into());
        }
        let code: CountryCode = country
            .parse()
            .map_err(|_| "--country is not an ISO 3166-1 country code or English country name")?;
        normalizer.set_phone_country(Some(code));
    }

    let stdout = io::stdout();
    let mut hasher = Hasher {
        field: args.field,
        warn_national: args.field == Field::Phone && args.country.is_none(),
        normalizer,
        out: BufWriter::new(stdout.lock()),
        all_valid: true,
    };
    if args.values.is_empty() {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        let mut line = Vec::new();
        let mut number = 0usize;
        loop {
            line.clear();
            let read = input
                .read_until(b'\n', &mut line)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            if read == 0 {
                break;
            }
            number += 1;
            let value = line.strip_suffix(b"\n").unwrap_or(&line);
            let value = value.strip_suffix(b"\r").unwrap_or(value);
            hasher.value(format_args!("line {number}"), value)?;
        }
    } else {
        for (index, value) in args.values.iter().enumerate() {
            hasher.value(format_args!("value {}", index + 1), value.as_bytes())?;
        }
    }
    hasher.out.flush().map_err(write_error)?;
    Ok(hasher.all_valid)
}

/// Hashes values one by one into `out`, remembering whether all were valid.
struct Hasher<W> {
    field: Field,
    /// Warn about phone numbers in national form (no `--country` was given).
    warn_national: bool,
    normalizer: Normalizer,
    out: W,
    all_valid: bool,
}

impl<W: Write> Hasher<W> {
    /// Prints the normalized value and its hash, or reports at `position` why the value is
    /// invalid. Fails only when the output cannot be written.
    fn value(&mut self, position: std::fmt::Arguments<'_>, value: &[u8]) -> Result<(), String> {
        let Ok(value) = std::str::from_utf8(value) else {
            eprintln!("capi hash: {position}: {}: not valid UTF-8", self.field);
            self.all_valid = false;
            return Ok(());
        };
        if self.warn_national && pii::looks_national_phone(value) {
            // Printed all the same: it is what Meta's SDKs send for this value.
            eprintln!(
                "capi hash: {position}: warning: a national number; without --country its calling code is missing and the hash will not match (for example --country us)"
            );
        }
        match self.normalizer.normalize(self.field, value) {
            Ok(Normalized::Value(normalized)) => {
                writeln!(self.out, "{normalized}\t{}", sha256_hex(normalized))
            }
            Ok(Normalized::AlreadyHashed(hash)) => writeln!(self.out, "{hash}\t{hash}"),
            Err(error) => {
                eprintln!("capi hash: {position}: {error}");
                self.all_valid = false;
                Ok(())
            }
        }
        .map_err(write_error)
    }
}

fn write_error(e: io::Error) -> String {
    format!("cannot write to standard output: {e}")
}
