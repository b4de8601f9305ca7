//! What `capi send` tells: lines not accepted and warnings on standard error (at most 20 of each),
//! the `--report` file, and the last line on standard output.

use std::path::Path;

use capi_kit::sender::DeliveryReport;
use serde_json::json;

use super::accounting::LineProblem;

/// Most lines of one kind printed on standard error; the report file has them all.
const SHOWN: usize = 20;

/// `capi send: line 3 (event_id o-1) [rule]: {prefix}{message}`.
fn line_text(item: &LineProblem, prefix: &str) -> String {
    let event_id = item
        .event_id
        .as_deref()
        .map(|id| format!(" (event_id {id})"))
        .unwrap_or_default();
    let rule = item
        .rule
        .as_deref()
        .map(|r| format!(" [{r}]"))
        .unwrap_or_default();
    format!(
        "capi send: line {}{event_id}{rule}: {prefix}{}",
        item.line, item.message
    )
}

/// The lines to print for `items`: at most [`SHOWN`], then how many more `rest` there are.
fn shown_lines(items: &[LineProblem], prefix: &str, rest: &str) -> Vec<String> {
    let mut lines: Vec<String> = items
        .iter()
        .take(SHOWN)
        .map(|i| line_text(i, prefix))
        .collect();
    if items.len() > SHOWN {
        lines.push(format!(
            "capi send: … and {} more {rest}",
            items.len() - SHOWN
        ));
    }
    lines
}

/// The `--report` document: every line not accepted and every warning.
fn report_document(problems: &[LineProblem], rule_warnings: &[LineProblem]) -> serde_json::Value {
    let lines = |items: &[LineProblem]| {
        items
            .iter()
            .map(|p| {
                json!({
                    "line": p.line, "event_id": p.event_id, "rule": p.rule, "message": p.message,
                })
            })
            .collect::<Vec<_>>()
    };
    json!({
        "not_accepted": lines(problems),
        "warnings": lines(rule_warnings),
    })
}

/// Problems and warnings to standard error, and to `report_file` when given.
pub(super) fn tell(
    problems: &[LineProblem],
    rule_warnings: &[LineProblem],
    warnings: &[String],
    report_file: Option<&Path>,
) -> Result<(), String> {
    for warning in warnings {
        eprintln!("capi send: {warning}");
    }
    for line in shown_lines(rule_warnings, "warning (sent): ", "lines with warnings") {
        eprintln!("{line}");
    }
    for line in shown_lines(problems, "", "lines not accepted") {
        eprintln!("{line}");
    }
    if let Some(path) = report_file {
        let document = report_document(problems, rule_warnings);
        let text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The last line of a send: `3 accepted, 1 rejected, 0 not delivered (1 accepted request)`.
pub(super) fn last_line(report: &DeliveryReport, problems: usize) -> String {
    let mismatched = report.mismatched_batches().count();
    format!(
        "{} accepted, {} rejected, {} not delivered ({}{})",
        report.accepted(),
        problems - report.not_delivered.len(),
        report.not_delivered.len(),
        counted(
            report.batches.len(),
            "accepted request",
            "accepted requests"
        ),
        if mismatched > 0 {
            format!("; {mismatched} with an events_received that is not their size")
        } else {
            String::new()
        }
    )
}

/// The last line of a dry run.
pub(super) fn dry_run_line(requests: usize, would_send: usize, problems: usize) -> String {
    format!(
        "capi send: dry run: {}, {} would be sent, {} not accepted",
        counted(requests, "request", "requests"),
        counted(would_send, "event", "events"),
        counted(problems, "line", "lines")
    )
}

/// `n` and the noun in its number: `1 request`, `3 requests`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use capi_kit::sender::AcceptedBatch;

    fn problem(line: usize) -> LineProblem {
        LineProblem {
            line,
            event_id: Some(format!("e-{line}")),
            rule: Some("event_name.required".into()),
            message: "The parameter event_name is required.".into(),
        }
    }

    #[test]
    fn at_most_twenty_lines_then_a_count_of_the_rest() {
        let items: Vec<LineProblem> = (1..=23).map(problem).collect();
        let lines = shown_lines(&items, "", "lines not accepted");
        assert_eq!(lines.len(), 21);
        assert_eq!(
            lines[0],
            "capi send: line 1 (event_id e-1) [event_name.required]: The parameter event_name is required."
        );
        assert_eq!(lines[20], "capi send: … and 3 more lines not accepted");
    }

    #[test]
    fn the_last_lines_count_in_words_that_agree_with_their_number() {
        let report = DeliveryReport {
            submitted: 3,
            batches: vec![AcceptedBatch {
                indices: std::iter::once(0..2).collect(),
                events_received: 2,
                fbtrace_id: None,
                attempts: 1,
            }],
            ..DeliveryReport::default()
        };
        assert_eq!(
            last_line(&report, 1),
            "2 accepted, 1 rejected, 0 not delivered (1 accepted request)"
        );
        assert_eq!(
            dry_run_line(1, 1, 2),
            "capi send: dry run: 1 request, 1 event would be sent, 2 lines not accepted"
        );
    }

    #[test]
    fn the_report_file_lists_every_line_and_warning() {
        let document = report_document(&[problem(2)], &[problem(5)]);
        assert_eq!(document["not_accepted"][0]["line"], 2);
        assert_eq!(document["not_accepted"][0]["rule"], "event_name.required");
        assert_eq!(document["warnings"][0]["event_id"], "e-5");
    }
}
