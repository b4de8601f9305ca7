//! The runner: learns what the target offers, picks the cases that apply, runs them and records
//! an outcome for each.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;

use super::authority::Authority;
use super::case::{Capability, Case, EdgeRequest, InspectList, Step};
use super::expect;
use super::suite::Suite;
use super::target::{Target, WireRequest, WireResponse};
use super::template::Scope;
use super::wire::{self, RequestContext};
use crate::control::{BrowserEvents, CONTROL_TOKEN_ENV, ClockChange, FakeConfig, Route};
use crate::secret::{AccessToken, AppSecret};

/// How a run is done.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Graph API version for `{version}` in paths.
    pub api_version: String,
    /// One pixel for every case; by default each case gets its own.
    pub pixel: Option<String>,
    /// The token to send; without one, a placeholder (fine for targets that accept any token).
    pub token: Option<AccessToken>,
    /// The target's app secret, to add `appsecret_proof` to every request.
    pub app_secret: Option<AppSecret>,
    /// A test event code added to every request that does not set one (for runs against Graph).
    pub test_event_code: Option<String>,
    /// Only cases whose id matches one of these globs (`*` and `?`); empty: every case.
    pub filters: Vec<String>,
    /// Cases needing any of these are skipped.
    pub skip_capabilities: Vec<Capability>,
    /// Cases of these authorities are skipped.
    pub skip_authorities: Vec<Authority>,
    /// How many stateless cases run at once.
    pub jobs: usize,
    /// Keep each request a case sends (the `send` steps) and its answer in [`CaseResult::exchanges`]
    /// (for `capi conformance --ledger`).
    pub record: bool,
    /// The most the whole run may take: a case still running then fails, and the cases not yet
    /// started fail as not run. `None`: no bound beyond each request's timeout.
    pub time_limit: Option<Duration>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            api_version: crate::client::DEFAULT_API_VERSION.to_owned(),
            pixel: None,
            token: None,
            app_secret: None,
            test_event_code: None,
            filters: Vec::new(),
            skip_capabilities: Vec::new(),
            skip_authorities: Vec::new(),
            jobs: 8,
            record: false,
            time_limit: None,
        }
    }
}

/// What happened to one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every step got what it expected.
    Passed,
    /// A step did not: which one, and what differed.
    Failed {
        /// Index of the failing step.
        step: usize,
        /// What was expected and what came back.
        reason: String,
    },
    /// Not run, and why.
    Skipped(String),
}

/// One case's result.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The case's id.
    pub id: String,
    /// The area (case file) it belongs to.
    pub area: String,
    /// Its one-line description.
    pub description: String,
    /// Who says its expectation is right, derived from its evidence: a failure of a `policy`
    /// case may be a fine choice.
    pub authority: Authority,
    /// The ledger entries the case names.
    pub evidence: Vec<String>,
    /// The rules it exercises.
    pub rules: Vec<String>,
    /// What happened.
    pub outcome: Outcome,
    /// How long it took.
    pub duration: Duration,
    /// Each request the case sent and its answer, when [`RunOptions::record`] is set.
    pub exchanges: Vec<Exchange>,
}

/// A request a case sent and the answer it got, secrets redacted.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The step (from 0) that sent it.
    pub step: usize,
    /// The request as the case states it (templates unresolved, so it can be sent again).
    pub request: EdgeRequest,
    /// The answer, with the runner's token, app secret and proofs replaced by `[redacted]`.
    pub response: WireResponse,
}

/// The results of a run, in suite order.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// One result per case of the suite that the filters selected.
    pub results: Vec<CaseResult>,
    /// Notes about the target (what it offers, why cases were skipped), for the user.
    pub notes: Vec<String>,
    /// How long the whole run took.
    pub duration: Duration,
}

impl RunReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Passed))
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    /// Cases skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped(_)))
    }

    fn count(&self, pick: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| pick(&r.outcome)).count()
    }

    /// `N passed, N failed` and `, N skipped` when any: the last line of every output.
    pub fn summary_line(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.skipped() > 0 {
            line.push_str(&format!(", {} skipped", self.skipped()));
        }
        line
    }
}

/// What the runner learned about the target.
struct TargetInfo {
    /// The control protocol's `/_fake/config`, if the target answers it.
    config: Option<FakeConfig>,
    /// Why each missing capability is missing.
    missing: Vec<(Capability, String)>,
    /// True when every request needs an `appsecret_proof`.
    needs_app_secret: bool,
}

/// Runs the cases of `suite` selected by `options` against `target`.
pub async fn run(suite: &Suite, target: &dyn Target, options: &RunOptions) -> RunReport {
    let started = Instant::now();
    let end = options.time_limit.map(|limit| started + limit);
    let info = discover(target, options, end).await;
    let mut notes: Vec<String> = info
        .missing
        .iter()
        .map(|(capability, why)| format!("capability {} not offered: {why}", capability.name()))
        .collect();
    if info.needs_app_secret && options.app_secret.is_none() {
        notes.push(
            "the target requires appsecret_proof and the runner has no app secret (--app-secret-env): every case is skipped"
                .into(),
        );
    }
    let placeholder = AccessToken::new("EAAB-conformance-any-token");
    let token = options.token.as_ref().unwrap_or(&placeholder);
    let ctx = RequestContext {
        version: &options.api_version,
        token,
        app_secret: options.app_secret.as_ref(),
        test_event_code: options.test_event_code.as_deref(),
    };
    let fixed_pixel = options.pixel.clone().or_else(|| {
        info.config
            .as_ref()
            .and_then(|c| c.pixels.as_ref())
            .and_then(|p| p.first().cloned())
    });
    let run_id = run_id();
    let pixel_base = pixel_base();
    let start_clock = match end {
        Some(end) => tokio::time::timeout_at(end.into(), read_clock(target, &info))
            .await
            .ok()
            .flatten(),
        None => read_clock(target, &info).await,
    };

    let mut planned = Vec::new();
    for (area, case) in suite.cases() {
        if !options.filters.is_empty() && !options.filters.iter().any(|f| glob(f, &case.id)) {
            continue;
        }
        planned.push((planned.len(), area, case));
    }
    let runner = CaseRunner {
        suite,
        target,
        info: &info,
        options,
        ctx: &ctx,
        fixed_pixel: fixed_pixel.as_deref(),
        run_id: &run_id,
        pixel_base,
        start_clock,
        started,
    };

    let (stateful, stateless): (Vec<_>, Vec<_>) =
        planned.iter().partition(|(_, _, case)| case.is_stateful());
    let mut results: Vec<(usize, CaseResult)> = futures_util::stream::iter(stateless)
        .map(|(seq, area, case)| runner.run(seq, area, case))
        .buffer_unordered(options.jobs.max(1))
        .collect()
        .await;
    for (seq, area, case) in stateful {
        results.push(runner.run(seq, area, case).await);
    }
    results.sort_by_key(|(seq, _)| *seq);
    RunReport {
        results: results.into_iter().map(|(_, r)| r).collect(),
        notes,
        duration: started.elapsed(),
    }
}

/// Everything one case needs to run.
struct CaseRunner<'a> {
    suite: &'a Suite,
    target: &'a dyn Target,
    info: &'a TargetInfo,
    options: &'a RunOptions,
    ctx: &'a RequestContext<'a>,
    fixed_pixel: Option<&'a str>,
    run_id: &'a str,
    pixel_base: u64,
    start_clock: Option<i64>,
    started: Instant,
}

impl CaseRunner<'_> {
    async fn run(&self, seq: usize, area: &str, case: &Case) -> (usize, CaseResult) {
        let started = Instant::now();
        let mut exchanges = Vec::new();
        let outcome = match (self.skip_reason(case), self.options.time_limit) {
            (Some(reason), _) => Outcome::Skipped(reason),
            (None, None) => self.steps(seq, case, &mut exchanges).await,
            (None, Some(limit)) => {
                let end = self.started + limit;
                let out_of_time = |during: bool| Outcome::Failed {
                    step: 0,
                    reason: format!(
                        "{} the run's time limit of {} s passed",
                        if during { "not finished:" } else { "not run:" },
                        limit.as_secs_f64()
                    ),
                };
                if Instant::now() >= end {
                    out_of_time(false)
                } else {
                    tokio::time::timeout_at(end.into(), self.steps(seq, case, &mut exchanges))
                        .await
                        .unwrap_or_else(|_| out_of_time(true))
                }
            }
        };
        let result = CaseResult {
            id: case.id.clone(),
            area: area.to_owned(),
            description: case.description.clone(),
            authority: self.suite.authority(&case.id),
            evidence: case.evidence.clone(),
            rules: case.rules.clone(),
            outcome,
            duration: started.elapsed(),
            exchanges,
        };
        (seq, result)
    }

    fn skip_reason(&self, case: &Case) -> Option<String> {
        if self.info.needs_app_secret && self.options.app_secret.is_none() {
            return Some(
                "the target requires appsecret_proof and the runner has no app secret".to_owned(),
            );
        }
        let authority = self.suite.authority(&case.id);
        if self.options.skip_authorities.contains(&authority) {
            return Some(format!("authority {} skipped", authority.name()));
        }
        for capability in &case.capabilities {
            if self.options.skip_capabilities.contains(capability) {
                return Some(format!("capability {} skipped", capability.name()));
            }
            if let Some((_, why)) = self.info.missing.iter().find(|(c, _)| c == capability) {
                return Some(format!("needs {}: {why}", capability.name()));
            }
        }
        None
    }

    async fn steps(&self, seq: usize, case: &Case, exchanges: &mut Vec<Exchange>) -> Outcome {
        let now = if case.is_stateful() {
            read_clock(self.target, self.info).await
        } else {
            // A stopped clock stays put, a running one moved on as ours did: either way the
            // cases' hour of margin covers the difference.
            self.start_clock
                .map(|start| start + self.started.elapsed().as_secs() as i64)
        }
        .unwrap_or_else(system_now);
        let pixel = match self.fixed_pixel {
            Some(pixel) => pixel.to_owned(),
            None => (self.pixel_base + seq as u64).to_string(),
        };
        let mut scope = Scope::new(now, format!("conf-{}-{seq}", self.run_id));
        let moves_clock = case
            .steps
            .iter()
            .any(|s| matches!(s, Step::AdvanceClock { .. }));
        let mut outcome = Outcome::Passed;
        for (index, step) in case.steps.iter().enumerate() {
            if let Err(reason) = self.step(index, step, &pixel, &mut scope, exchanges).await {
                outcome = Outcome::Failed {
                    step: index,
                    reason: self.redacted(reason),
                };
                break;
            }
        }
        if moves_clock {
            self.restore_clock(now).await;
        }
        outcome
    }

    /// Puts a clock a case moved back as it was: stopped at `before`, or following the system.
    async fn restore_clock(&self, before: i64) {
        let stopped = self.info.config.as_ref().is_some_and(|c| c.clock_stopped);
        let change = if stopped {
            ClockChange::Now(before)
        } else {
            ClockChange::System(true)
        };
        let _ = self
            .control("POST", &Route::Clock, json_body(&change))
            .await;
    }

    /// `text` with the token, the app secret and the proofs the runner sends replaced: a target
    /// may echo its request (a proxy's error page) into the body a failure quotes.
    fn redacted(&self, mut text: String) -> String {
        let mut secrets = vec![
            self.ctx.token.expose().to_owned(),
            wire::WRONG_TOKEN.to_owned(),
        ];
        if let Some(secret) = self.ctx.app_secret {
            secrets.push(secret.expose().to_owned());
            secrets.push(secret.proof(self.ctx.token));
        }
        // An app token is `APP_ID|APP_SECRET`: its secret half alone is a secret too.
        if let Some((_, secret)) = self.ctx.token.expose().split_once('|') {
            secrets.push(secret.to_owned());
        }
        // As a target may echo them: raw, URL-encoded (the query, form fields), JSON-escaped.
        let forms: Vec<String> = secrets
            .iter()
            .flat_map(|secret| {
                let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
                let escaped = serde_json::to_string(secret).unwrap_or_default();
                let escaped = escaped.trim_matches('"').to_owned();
                [secret.clone(), encoded, escaped]
            })
            .collect();
        // Longest first, so that a part never leaves the rest of a longer form behind.
        let mut forms: Vec<&String> = forms.iter().filter(|s| s.len() >= 4).collect();
        forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for secret in forms {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "[redacted]");
            }
        }
        text
    }

    /// `response` with the runner's secrets redacted from its headers and body.
    fn redacted_response(&self, response: WireResponse) -> WireResponse {
        let body = String::from_utf8_lossy(&response.body).into_owned();
        WireResponse {
            headers: response
                .headers
                .into_iter()
                .map(|(name, value)| (name, self.redacted(value)))
                .collect(),
            body: self.redacted(body).into_bytes(),
            ..response
        }
    }

    async fn step(
        &self,
        index: usize,
        step: &Step,
        pixel: &str,
        scope: &mut Scope,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<(), String> {
        match step {
            Step::Send { request, expect } => {
                let body = scope.resolve(&request.body).map_err(|e| e.to_string())?;
                let wire = wire::build(request, body, pixel, self.ctx)?;
                let response = self.target.send(wire).await.map_err(|e| e.to_string())?;
                let checked = expect::check(expect, &response);
                if self.options.record {
                    exchanges.push(Exchange {
                        step: index,
                        request: (**request).clone(),
                        response: self.redacted_response(response),
                    });
                }
                checked
            }
            Step::BrowserEvents { events } => {
                let events = scope
                    .resolve(&Value::Array(events.clone()))
                    .map_err(|e| e.to_string())?;
                let data = serde_json::from_value(events)
                    .map_err(|e| format!("the case's browser events do not read: {e}"))?;
                let route = Route::BrowserEvents(pixel.into());
                let body = json_body(&BrowserEvents::Wrapped { data });
                self.control("POST", &route, body).await.map(drop)
            }
            Step::AdvanceClock { seconds } => {
                let body = json_body(&ClockChange::Advance(*seconds));
                self.control("POST", &Route::Clock, body).await.map(drop)
            }
            Step::Inspect {
                list,
                live,
                duplicates,
            } => {
                let route = match list {
                    InspectList::PixelEvents => Route::PixelEvents(pixel.into()),
                    InspectList::TestEvents => Route::TestEvents(scope.test_event_code().into()),
                };
                let answer = self.control("GET", &route, None).await?;
                let path = route.to_string();
                let (got_live, got_duplicates) = count_events(&answer, &scope.uniques);
                if (got_live, got_duplicates) == (*live, *duplicates) {
                    Ok(())
                } else {
                    Err(format!(
                        "{path}: expected {live} live and {duplicates} duplicate events of this case, found {got_live} and {got_duplicates}"
                    ))
                }
            }
        }
    }

    /// A control-protocol request; its JSON answer, or why it failed.
    async fn control(
        &self,
        method: &str,
        route: &Route<'_>,
        body: Option<Vec<u8>>,
    ) -> Result<Value, String> {
        control(self.target, method, route, body).await
    }
}

/// Server events of `answer` (an inspection list) whose `event_id` is one of `ids`: how many are
/// live, how many marked duplicate.
fn count_events(answer: &Value, ids: &[String]) -> (usize, usize) {
    let events = answer
        .get("events")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mine = events.iter().filter(|stored| {
        stored.get("source").and_then(Value::as_str) == Some("server")
            && stored
                .pointer("/event/event_id")
                .and_then(Value::as_str)
                .is_some_and(|id| ids.iter().any(|mine| mine == id))
    });
    mine.fold((0, 0), |(live, dup), stored| {
        if stored.get("duplicate").and_then(Value::as_bool) == Some(true) {
            (live, dup + 1)
        } else {
            (live + 1, dup)
        }
    })
}

async fn control(
    target: &dyn Target,
    method: &str,
    route: &Route<'_>,
    body: Option<Vec<u8>>,
) -> Result<Value, String> {
    let path = route.to_string();
    let request = WireRequest {
        method: method.to_owned(),
        path_and_query: path.clone(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.unwrap_or_default(),
    };
    let response = target
        .send(request)
        .await
        .map_err(|e| format!("{method} {path}: {e}"))?;
    if response.status != 200 {
        return Err(format!("{method} {path}: status {}", response.status));
    }
    serde_json::from_slice(&response.body).map_err(|_| format!("{method} {path}: not JSON"))
}

/// A control request's JSON body.
fn json_body(value: &impl serde::Serialize) -> Option<Vec<u8>> {
    serde_json::to_vec(value).ok()
}

/// Asks the target what it offers (`GET /_fake/config`) and combines that with the options.
async fn discover(target: &dyn Target, options: &RunOptions, end: Option<Instant>) -> TargetInfo {
    let ask = control(target, "GET", &Route::Config, None);
    let answer = match end {
        Some(end) => tokio::time::timeout_at(end.into(), ask)
            .await
            .unwrap_or_else(|_| {
                Err("GET /_fake/config: no answer within the run's time limit".to_owned())
            }),
        None => ask.await,
    };
    let no_protocol = match &answer {
        Err(error) if error.ends_with("status 401") || error.ends_with("status 403") => format!(
            "the target wants a control token on /_fake/ ({error}): give the runner one \
             ({CONTROL_TOKEN_ENV} for capi conformance)"
        ),
        _ => "the target does not answer GET /_fake/config (no control protocol)".to_owned(),
    };
    let config: Option<FakeConfig> = answer
        .ok()
        .and_then(|value| serde_json::from_value(value).ok());
    let mut missing = Vec::new();
    for capability in Capability::ALL {
        let why_not = match (&config, capability) {
            (None, _) => Some(no_protocol.clone()),
            (Some(c), Capability::TokenCheck) if !c.checks_token => {
                Some("the target accepts any token".to_owned())
            }
            (Some(_), Capability::TokenCheck) if options.token.is_none() => {
                Some("the runner has no token".to_owned())
            }
            (Some(c), Capability::AppSecret) if !c.checks_app_secret => {
                Some("the target does not check appsecret_proof".to_owned())
            }
            (Some(_), Capability::AppSecret) if options.app_secret.is_none() => {
                Some("the runner has no app secret".to_owned())
            }
            (Some(_), _) if options.test_event_code.is_some() && capability.is_stateful() => {
                Some("a fixed test event code keeps events apart from inspection".to_owned())
            }
            _ => None,
        };
        if let Some(why) = why_not {
            missing.push((capability, why));
        }
    }
    let needs_app_secret = config.as_ref().is_some_and(|c| c.checks_app_secret);
    TargetInfo {
        config,
        missing,
        needs_app_secret,
    }
}

/// The target's clock, when it offers one.
async fn read_clock(target: &dyn Target, info: &TargetInfo) -> Option<i64> {
    // Any target of the control protocol has a clock to read, even when moving it is not offered
    // (with a fixed test event code, say): times must follow `capi serve --now T`.
    info.config.as_ref()?;
    control(target, "GET", &Route::Clock, None)
        .await
        .ok()?
        .get("now")?
        .as_i64()
}

fn system_now() -> i64 {
    crate::rules::unix_now()
}

/// A short id unique to this run (for `event_id`s and test event codes).
fn run_id() -> String {
    format!("{:08x}", fastrand::u32(..))
}

/// The first of the pixel ids this run gives its cases: 15 digits, starting with 9.
fn pixel_base() -> u64 {
    900_000_000_000_000 + fastrand::u64(..90_000_000_000_000)
}

/// `*` matches any run of characters, `?` any one.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    fn matches(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => matches(&p[1..], t) || (!t.is_empty() && matches(p, &t[1..])),
            (Some('?'), Some(_)) => matches(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => matches(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches(&p, &t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_ids() {
        assert!(glob("extinfo.*", "extinfo.os_version.empty"));
        assert!(glob("*.empty", "extinfo.os_version.empty"));
        assert!(glob("batch.?", "batch.1"));
        assert!(!glob("batch.?", "batch.10"));
        assert!(!glob("ldu.*", "extinfo.x"));
        assert!(glob("*", ""));
    }
}
