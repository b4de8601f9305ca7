//! `--hash-pii`: raw customer information normalized and hashed as `pii` does, on the sender's
//! side of the reading thread (parsing is the larger half of the work).

use capi_kit::pii::{Normalizer, hash_user_data};
use capi_kit::types::ServerEvent;

use super::accounting::{LineProblem, Lines};

/// How raw customer information is hashed.
pub(super) struct Hashing {
    normalizer: Normalizer,
    /// `--drop-invalid-pii`: a value that cannot be normalized is left out (and reported) instead
    /// of rejecting its line.
    drop_invalid: bool,
}

impl Hashing {
    pub(super) fn new(drop_invalid: bool) -> Self {
        Hashing {
            normalizer: Normalizer::new(),
            drop_invalid,
        }
    }

    /// Hashes the raw customer information of `event` from input line `line`; false (and the line
    /// reported in `lines`) when a value cannot be normalized and is not to be left out.
    pub(super) fn hash(&mut self, line: usize, event: &mut ServerEvent, lines: &mut Lines) -> bool {
        let drop_invalid = self.drop_invalid;
        let mut dropped = Vec::new();
        let result = hash_user_data(&mut event.user_data, &mut self.normalizer, &mut |error| {
            if drop_invalid {
                dropped.push(error);
                Ok(())
            } else {
                Err(error)
            }
        });
        for error in dropped {
            lines
                .warnings
                .push(format!("line {line}: {error}; the value was left out"));
        }
        match result {
            Ok(()) => true,
            Err(error) => {
                lines.problems.push(LineProblem {
                    line,
                    event_id: event.event_id.clone(),
                    rule: None,
                    message: format!("cannot hash: {error}"),
                });
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(user_data: serde_json::Value) -> ServerEvent {
        serde_json::from_value(serde_json::json!({
            "event_name": "Lead", "event_time": 1, "action_source": "email", "event_id": "e-1",
            "user_data": user_data,
        }))
        .expect("an event")
    }

    const RAW_EMAIL_HASH: &str = "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b";

    #[test]
    fn raw_values_are_hashed_and_bad_ones_reject_the_line_never_quoting_it() {
        let mut lines = Lines::default();
        let mut hashing = Hashing::new(false);
        let mut good = event(serde_json::json!({"em": " Test@Example.com "}));
        assert!(hashing.hash(3, &mut good, &mut lines));
        let em = serde_json::to_value(&good.user_data).expect("JSON")["em"].clone();
        assert_eq!(em, serde_json::json!(RAW_EMAIL_HASH));

        let mut bad = event(serde_json::json!({"em": "nobody-at-nowhere"}));
        assert!(!hashing.hash(4, &mut bad, &mut lines));
        assert_eq!(lines.problems.len(), 1);
        assert_eq!(lines.problems.first()[0].line, 4);
        assert_eq!(lines.problems.first()[0].event_id.as_deref(), Some("e-1"));
        assert!(
            !lines.problems.first()[0]
                .message
                .contains("nobody-at-nowhere")
        );
    }

    #[test]
    fn with_drop_invalid_a_bad_value_is_left_out_with_a_warning() {
        let mut lines = Lines::default();
        let mut hashing = Hashing::new(true);
        let mut bad = event(serde_json::json!({"em": "nobody-at-nowhere", "external_id": "x"}));
        assert!(hashing.hash(7, &mut bad, &mut lines));
        assert_eq!(lines.problems.len(), 0);
        assert_eq!(lines.warnings.len(), 1);
        assert!(
            lines.warnings[0].starts_with("line 7: "),
            "{}",
            lines.warnings[0]
        );
        assert!(
            !lines.warnings[0].contains("nobody-at-nowhere"),
            "{}",
            lines.warnings[0]
        );
    }
}
