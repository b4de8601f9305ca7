//! A run's report as a table for people, a JSON document, or JUnit XML for CI.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::json;

use super::authority::Authority;
use super::run::{CaseResult, Outcome, RunReport};

/// Each failed case with its authority and what differed, notes, summaries by area and by
/// authority, and the final counts line.
pub fn table(report: &RunReport) -> String {
    let mut out = String::new();
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    for result in &report.results {
        if let Outcome::Failed { step, reason } = &result.outcome {
            let _ = writeln!(
                out,
                "FAIL {} [{}] (step {}): {reason}",
                result.id,
                result.authority.name(),
                step + 1
            );
        }
    }
    let _ = writeln!(
        out,
        "{:<16} {:>6} {:>6} {:>7}",
        "AREA", "PASS", "FAIL", "SKIP"
    );
    for (area, (passed, failed, skipped)) in by_area(report) {
        let _ = writeln!(out, "{area:<16} {passed:>6} {failed:>6} {skipped:>7}");
    }
    let _ = writeln!(
        out,
        "{:<16} {:>6} {:>6} {:>7}",
        "AUTHORITY", "PASS", "FAIL", "SKIP"
    );
    for (authority, (passed, failed, skipped)) in by_authority(report) {
        let _ = writeln!(out, "{authority:<16} {passed:>6} {failed:>6} {skipped:>7}");
    }
    let skipped: BTreeMap<&str, usize> =
        report
            .results
            .iter()
            .fold(BTreeMap::new(), |mut reasons, result| {
                if let Outcome::Skipped(reason) = &result.outcome {
                    *reasons.entry(reason.as_str()).or_default() += 1;
                }
                reasons
            });
    for (reason, count) in skipped {
        let _ = writeln!(out, "skipped {count}: {reason}");
    }
    let _ = writeln!(out, "{}", report.summary_line());
    out
}

/// Passed, failed and skipped counts per area, in area order of first appearance.
fn by_area(report: &RunReport) -> Vec<(&str, (usize, usize, usize))> {
    counts_by(report, |result| result.area.as_str())
}

/// Passed, failed and skipped counts per authority, strongest first.
fn by_authority(report: &RunReport) -> Vec<(&'static str, (usize, usize, usize))> {
    let mut counts = counts_by(report, |result| result.authority.name());
    counts.sort_by_key(|(name, _)| Authority::from_name(name));
    counts
}

/// Passed, failed and skipped counts per `key`, in order of first appearance.
fn counts_by<'a, K: PartialEq + Copy>(
    report: &'a RunReport,
    key: impl Fn(&'a CaseResult) -> K,
) -> Vec<(K, (usize, usize, usize))> {
    let mut groups: Vec<(K, (usize, usize, usize))> = Vec::new();
    for result in &report.results {
        let group = key(result);
        let index = match groups.iter().position(|(k, _)| *k == group) {
            Some(index) => index,
            None => {
                groups.push((group, (0, 0, 0)));
                groups.len() - 1
            }
        };
        let counts = &mut groups[index].1;
        match result.outcome {
            Outcome::Passed => counts.0 += 1,
            Outcome::Failed { .. } => counts.1 += 1,
            Outcome::Skipped(_) => counts.2 += 1,
        }
    }
    groups
}

/// The report as one JSON document (pretty-printed).
pub fn json(report: &RunReport) -> String {
    let cases: Vec<_> = report
        .results
        .iter()
        .map(|r| {
            let (outcome, step, reason) = match &r.outcome {
                Outcome::Passed => ("passed", None, None),
                Outcome::Failed { step, reason } => {
                    ("failed", Some(step + 1), Some(reason.as_str()))
                }
                Outcome::Skipped(reason) => ("skipped", None, Some(reason.as_str())),
            };
            json!({
                "id": r.id,
                "area": r.area,
                "authority": r.authority.name(),
                "evidence": r.evidence,
                "rules": r.rules,
                "outcome": outcome,
                "step": step,
                "reason": reason,
                "duration_ms": r.duration.as_secs_f64() * 1000.0,
            })
        })
        .collect();
    let document = json!({
        "passed": report.passed(),
        "failed": report.failed(),
        "skipped": report.skipped(),
        "duration_ms": report.duration.as_secs_f64() * 1000.0,
        "notes": report.notes,
        "by_authority": by_authority(report)
            .into_iter()
            .map(|(name, (passed, failed, skipped))| {
                (name.to_owned(), json!({"passed": passed, "failed": failed, "skipped": skipped}))
            })
            .collect::<serde_json::Map<_, _>>(),
        "cases": cases,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// JUnit XML: one `testsuite` per area, one `testcase` per case.
pub fn junit(report: &RunReport) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"capi-kit conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        report.results.len(),
        report.failed(),
        report.skipped(),
        report.duration.as_secs_f64()
    );
    for (area, (passed, failed, skipped)) in by_area(report) {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\">",
            escape(area),
            passed + failed + skipped
        );
        for result in report.results.iter().filter(|r| r.area == area) {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                escape(area),
                escape(&result.id),
                result.duration.as_secs_f64()
            );
            let _ = write!(
                out,
                ">\n      <properties><property name=\"authority\" value=\"{}\"/></properties>",
                result.authority.name()
            );
            match &result.outcome {
                Outcome::Passed => out.push_str("\n    </testcase>\n"),
                Outcome::Failed { step, reason } => {
                    let _ = writeln!(
                        out,
                        "\n      <failure message=\"step {}\">{}</failure>\n    </testcase>",
                        step + 1,
                        escape(reason)
                    );
                }
                Outcome::Skipped(reason) => {
                    let _ = writeln!(
                        out,
                        "\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(reason)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text safe inside XML attributes and elements (control characters other than tab and line
/// breaks, which XML 1.0 forbids, become spaces).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
