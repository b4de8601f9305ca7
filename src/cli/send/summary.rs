//! What `capi send` tells: lines not accepted and warnings on standard error (at most 20 of each),
//! the `--report` file, and the last line on standard output.

use std::io::{BufWriter, Write};
use std::path::Path;

use capi_kit::sender::DeliveryReport;

use super::accounting::{LineProblem, ReaderProblems, SHOWN};

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

/// The lines to print for `items` (the first of `total`): at most [`SHOWN`], then how many more
/// `rest` there are.
fn shown_lines<'a>(
    items: impl IntoIterator<Item = &'a LineProblem>,
    total: usize,
    prefix: &str,
    rest: &str,
) -> Vec<String> {
    let mut lines: Vec<String> = items
        .into_iter()
        .take(SHOWN)
        .map(|i| line_text(i, prefix))
        .collect();
    if total > SHOWN {
        lines.push(format!("capi send: … and {} more {rest}", total - SHOWN));
    }
    lines
}

/// Two lists in line order merged into one, in line order (the first list's first on a tie).
fn merged<T, E>(
    first: impl Iterator<Item = Result<T, E>>,
    second: impl Iterator<Item = T>,
    line: impl Fn(&T) -> usize,
) -> impl Iterator<Item = Result<T, E>> {
    let mut first = first.peekable();
    let mut second = second.peekable();
    std::iter::from_fn(move || match (first.peek(), second.peek()) {
        (Some(Ok(a)), Some(b)) if line(b) < line(a) => second.next().map(Ok),
        (Some(_), _) => first.next(),
        (None, Some(_)) => second.next().map(Ok),
        (None, None) => None,
    })
}

/// Writes the `--report` document to `path`: every line not accepted (the reader's problems read
/// back from their spool, merged with the sender's) and every warning, each one line of JSON.
fn write_report(
    path: &Path,
    reader: &mut ReaderProblems,
    sender: &[LineProblem],
    rule_warnings: &[LineProblem],
) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"{\n  \"not_accepted\": [")?;
    let mut first = true;
    for problem in merged(reader.all()?, sender.iter().cloned(), |p: &LineProblem| {
        p.line
    }) {
        out.write_all(if first { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut out, &problem?)?;
        first = false;
    }
    out.write_all(if first {
        b"],\n  \"warnings\": ["
    } else {
        b"\n  ],\n  \"warnings\": ["
    })?;
    for (n, warning) in rule_warnings.iter().enumerate() {
        out.write_all(if n == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut out, warning)?;
    }
    out.write_all(if rule_warnings.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    })?;
    out.flush()
}

/// Problems and warnings to standard error (the first [`SHOWN`] of each), and all of them to
/// `report_file` when given; the number of lines not accepted.
pub(super) fn tell(
    reader: &mut ReaderProblems,
    sender: &[LineProblem],
    rule_warnings: &[LineProblem],
    warnings: &[String],
    report_file: Option<&Path>,
) -> Result<usize, String> {
    for warning in warnings {
        eprintln!("capi send: {warning}");
    }
    for line in shown_lines(
        rule_warnings,
        rule_warnings.len(),
        "warning (sent): ",
        "lines with warnings",
    ) {
        eprintln!("{line}");
    }
    let total = reader.len() + sender.len();
    let first: Vec<LineProblem> = merged(
        reader.first().iter().cloned().map(Ok::<_, ()>),
        sender.iter().take(SHOWN).cloned(),
        |p: &LineProblem| p.line,
    )
    .filter_map(Result::ok)
    .take(SHOWN)
    .collect();
    for line in shown_lines(&first, total, "", "lines not accepted") {
        eprintln!("{line}");
    }
    if let Some(path) = report_file {
        write_report(path, reader, sender, rule_warnings)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(total)
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
        let lines = shown_lines(&items, items.len(), "", "lines not accepted");
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
    fn the_report_file_merges_the_readers_and_the_senders_lines_in_order() {
        let mut reader = ReaderProblems::spooled().unwrap();
        for line in [1, 4, 9] {
            reader.push(problem(line));
        }
        let sender = [problem(2), problem(4), problem(12)];
        let path =
            std::env::temp_dir().join(format!("capi-send-report-{}.json", std::process::id()));
        write_report(&path, &mut reader, &sender, &[problem(5)]).unwrap();
        let document: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        std::fs::remove_file(&path).unwrap();
        let lines: Vec<u64> = document["not_accepted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, [1, 2, 4, 4, 9, 12]);
        assert_eq!(document["not_accepted"][0]["rule"], "event_name.required");
        assert_eq!(document["warnings"][0]["event_id"], "e-5");
    }
}
