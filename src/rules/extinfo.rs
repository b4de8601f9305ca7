//! `app_data.extinfo`: 16 positional values with a version, an OS version and typed positions.

use crate::generated::types::{Extinfo, ExtinfoValue};

use super::catalog::RuleId;
use super::path::BlamePath;
use super::report::Violation;

/// Positions that hold integers (screen width and height, CPU cores, disk sizes).
pub const INTEGER_POSITIONS: [usize; 5] = [9, 10, 12, 13, 14];
/// Position of the short version, which the docs allow as an integer or a string.
const SHORT_VERSION: usize = 2;
const VERSION: usize = 0;
const OS_VERSION: usize = 4;

pub(super) fn check(extinfo: &Extinfo, index: usize, out: &mut Vec<Violation>) {
    let at = |position: usize| {
        BlamePath::event(index)
            .key("app_data")
            .key("extinfo")
            .index(position)
    };

    if !matches!(&extinfo.0[VERSION], ExtinfoValue::String(v) if v == "a2" || v == "i2") {
        let path = at(VERSION);
        out.push(Violation::new(
            RuleId::ExtinfoVersion,
            path.clone(),
            format!("The parameter {path} (extinfo version) must be \"a2\" for Android or \"i2\" for iOS."),
        ));
    }
    if matches!(&extinfo.0[OS_VERSION], ExtinfoValue::String(v) if v.is_empty()) {
        let path = at(OS_VERSION);
        out.push(Violation::new(
            RuleId::ExtinfoOsVersion,
            path.clone(),
            format!("The parameter {path} (OS version) is required and must not be empty."),
        ));
    }
    for (position, value) in extinfo.0.iter().enumerate() {
        if INTEGER_POSITIONS.contains(&position) {
            let ok = match value {
                ExtinfoValue::Int64(_) => true,
                ExtinfoValue::String(s) => s.bytes().all(|b| b.is_ascii_digit()),
            };
            if !ok {
                let path = at(position);
                out.push(Violation::new(
                    RuleId::ExtinfoIntegerPosition,
                    path.clone(),
                    format!("The parameter {path} must be an integer (a string of digits or \"\" also do)."),
                ));
            }
        } else if position != SHORT_VERSION && matches!(value, ExtinfoValue::Int64(_)) {
            let path = at(position);
            let message = if position == OS_VERSION {
                format!("The parameter {path} (OS version) must be a string such as \"13.4.1\".")
            } else {
                format!(
                    "The parameter {path} must be a string; extinfo values are positional, check their order."
                )
            };
            let rule = if position == VERSION {
                RuleId::ExtinfoVersion
            } else {
                RuleId::ExtinfoStringPosition
            };
            out.push(Violation::new(rule, path, message));
        }
    }
}
