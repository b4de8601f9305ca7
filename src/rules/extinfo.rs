//! `app_data.extinfo`: 16 positional values with a version, an OS version and typed positions.

use crate::generated::types::{Extinfo, ExtinfoValue};

use super::catalog::RuleId;
use super::messages;
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
        // Rule `extinfo.version`.
        out.push(messages::extinfo_version(at(VERSION)));
    }
    if matches!(&extinfo.0[OS_VERSION], ExtinfoValue::String(v) if v.is_empty()) {
        // Rule `extinfo.os_version.required`.
        out.push(messages::extinfo_os_version_empty(at(OS_VERSION)));
    }
    for (position, value) in extinfo.0.iter().enumerate() {
        if INTEGER_POSITIONS.contains(&position) {
            let ok = match value {
                ExtinfoValue::Int64(_) => true,
                ExtinfoValue::String(s) => s.bytes().all(|b| b.is_ascii_digit()),
            };
            if !ok {
                // Rule `extinfo.integer_position`.
                out.push(messages::extinfo_integer_position(at(position)));
            }
        } else if position != SHORT_VERSION && matches!(value, ExtinfoValue::Int64(_)) {
            let path = at(position);
            out.push(match position {
                // Rule `extinfo.string_position`.
                OS_VERSION => messages::extinfo_os_version_not_string(path),
                // Rule `extinfo.version`.
                VERSION => messages::extinfo_string_position(RuleId::ExtinfoVersion, path),
                // Rule `extinfo.string_position`.
                _ => messages::extinfo_string_position(RuleId::ExtinfoStringPosition, path),
            });
        }
    }
}
