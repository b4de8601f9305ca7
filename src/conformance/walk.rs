//! The ledger walk: each replayable entry's request sent to a target, and its answer compared with
//! what Graph was seen answering (status, code, subcode, type, `is_transient`, blame, headers;
//! never texts).

use serde_json::Value;

use super::evidence::{Answer, Entry, Outcome};
use super::expect::{blame_of, present_of};
use super::target::{Target, WireResponse};
use super::template::Scope;
use super::wire::{self, RequestContext};
use crate::secret::{AccessToken, AppSecret};

/// What a walk sends with: the path's version, the pixel, the token the target accepts and its
/// app secret (for `appsecret_proof`).
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Graph API version for `{version}` in paths.
    pub api_version: String,
    /// The pixel for `{pixel}` in paths.
    pub pixel: String,
    /// The token the target accepts.
    pub token: AccessToken,
    /// The target's app secret, if it requires `appsecret_proof`.
    pub app_secret: Option<AppSecret>,
    /// The target's current time, for the `$time` templates.
    pub now: i64,
}

/// Sends `entry`'s request to `target` and compares the answer with the entry's: `Ok` when every
/// field the entry records came back the same, else what differs. An entry without a request or
/// an answer is an error.
pub async fn replay(
    entry: &Entry,
    target: &dyn Target,
    options: &WalkOptions,
) -> Result<(), String> {
    let (Some(request), Some(answer)) = (&entry.request, &entry.answer) else {
        return Err(format!("{}: no request or no answer to replay", entry.id));
    };
    let ctx = RequestContext {
        version: &options.api_version,
        token: &options.token,
        app_secret: options.app_secret.as_ref(),
        test_event_code: None,
    };
    let mut scope = Scope::new(options.now, format!("ledger-{}", entry.id));
    let body = scope.resolve(&request.body).map_err(|e| e.to_string())?;
    let wire = wire::build(request, body, &options.pixel, &ctx)?;
    let response = target.send(wire).await.map_err(|e| e.to_string())?;
    compare(answer, &response)
}

/// `Ok` when `response` agrees with every field `answer` records.
pub(crate) fn compare(answer: &Answer, response: &WireResponse) -> Result<(), String> {
    let mut differences = Vec::new();
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    match answer.outcome {
        Outcome::Accepted if response.status != 200 => {
            differences.push(format!("accepted by Graph, got HTTP {}", response.status));
        }
        Outcome::Rejected if response.status < 400 => {
            differences.push(format!("rejected by Graph, got HTTP {}", response.status));
        }
        _ => {}
    }
    if let Some(status) = answer.status
        && status != response.status
    {
        differences.push(format!("status: Graph {status}, got {}", response.status));
    }
    if let Some(received) = answer.events_received
        && body.get("events_received").and_then(Value::as_u64) != Some(received)
    {
        differences.push(format!(
            "events_received: Graph {received}, got {}",
            body.get("events_received").unwrap_or(&Value::Null)
        ));
    }
    if let Some(error) = &answer.error {
        let got = |name: &str| body.pointer(&format!("/error/{name}"));
        let mut same = |name: &str, graph: Option<Value>| {
            if let Some(graph) = graph
                && got(name) != Some(&graph)
            {
                differences.push(format!(
                    "error.{name}: Graph {graph}, got {}",
                    got(name).unwrap_or(&Value::Null)
                ));
            }
        };
        same("code", error.code.map(Value::from));
        same("error_subcode", error.error_subcode.map(Value::from));
        same("type", error.type_.clone().map(Value::from));
        same("is_transient", error.is_transient.map(Value::from));
        let envelope = body.get("error").unwrap_or(&Value::Null);
        let got_blame = blame_of(envelope);
        if let Some(blame) = &error.blame
            && got_blame != Some(blame.as_str())
        {
            differences.push(format!("blame: Graph {blame}, got {got_blame:?}"));
        }
        for (absent, _) in present_of(envelope, &error.absent) {
            differences.push(format!(
                "error.{}: absent from Graph's answer, sent",
                absent.name()
            ));
        }
    }
    for (name, value) in &answer.headers {
        let got = response.header(name);
        // A value the source cut short ends in `…`: its start must match.
        let matches = match value.strip_suffix('…') {
            Some(start) => got.is_some_and(|g| g.starts_with(start)),
            None => got == Some(value.as_str()),
        };
        if !matches {
            differences.push(format!("header {name}: Graph {value:?}, got {got:?}"));
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        let text = String::from_utf8_lossy(&response.body);
        let excerpt: String = text.chars().take(300).collect();
        Err(format!("{}; body: {excerpt}", differences.join("; ")))
    }
}
