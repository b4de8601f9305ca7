//! `capi serve` as a real process on a loopback port: the first stdout line names the address, real
//! HTTP requests get Graph's answers, logs hold no token, query or body, and SIGINT/SIGTERM stop it
//! cleanly (requests in flight still answered).
#![cfg(unix)]

use std::process::Command;

use std::thread;
use std::time::{Duration, Instant};

use crate::support::{NOW, PIXEL, Served, TOKEN, post_json};
use serde_json::{Value, json};

const HASHED_EMAIL: &str = "7b17fb0bd173f625b58636fb796407c22b3d16fc78302d79f0fd30c2fc2fc068";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn lead(event_id: &str) -> Value {
    json!({"data": [{
        "event_name": "Lead", "event_time": NOW - 60, "action_source": "email", "event_id": event_id,
        "user_data": {"em": HASHED_EMAIL}
    }]})
}

async fn get_json(url: &str) -> Value {
    crate::support::fixtures::get_json(url).await.1
}

#[test]
fn serves_graph_answers_on_a_loopback_port_and_stops_on_sigterm() {
    let served = Served::start(&["--token", TOKEN, "--pixel", PIXEL]);
    let url = served.url.clone();
    runtime().block_on(async {
        assert_eq!(
            get_json(&format!("{url}/_fake/ready")).await,
            json!({"ready": true})
        );
        let events = format!("{url}/v26.0/{PIXEL}/events?access_token={TOKEN}");
        let (status, answer) = post_json(&events, &lead("order-1")).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["events_received"], 1);

        // A form body, the token as a form field, the unversioned path.
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("access_token", TOKEN)
            .append_pair("data", &lead("order-2")["data"].to_string())
            .finish();
        let response = capi_kit::client::http_builder()
            .build()
            .unwrap()
            .post(format!("{url}/{PIXEL}/events"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);

        let stored = get_json(&format!("{url}/_fake/pixels/{PIXEL}/events")).await;
        let ids: Vec<&str> = stored["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"]["event_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["order-1", "order-2"]);

        // Graph's errors: a rule (blame path), an unknown token, an unknown pixel.
        let mut stale = lead("order-3");
        stale["data"][0]["event_time"] = json!(NOW - 8 * 86_400);
        let (status, answer) = post_json(&events, &stale).await;
        assert_eq!(status, 400);
        assert_eq!(answer["error"]["error_subcode"], 2804003, "{answer}");
        let (status, answer) = post_json(
            &format!("{url}/v26.0/{PIXEL}/events?access_token=other"),
            &lead("x"),
        )
        .await;
        assert_eq!((status, answer["error"]["code"].clone()), (400, json!(190)));
        let (status, answer) = post_json(
            &format!("{url}/v26.0/999/events?access_token={TOKEN}"),
            &lead("x"),
        )
        .await;
        assert_eq!(
            (status, answer["error"]["error_subcode"].clone()),
            (400, json!(33))
        );
    });
    served.signal("TERM");
    let (status, logs) = served.wait();
    assert!(status.success(), "{status}: {logs}");
    assert!(logs.contains("SIGTERM"), "{logs}");
    assert!(
        logs.contains("/v26.0/1234567890/events"),
        "no request lines: {logs}"
    );
    // The stale event's rejection names its rule, so the log says why without showing the body.
    assert!(logs.contains("event_time.too_old"), "no rule id: {logs}");
    for secret in [TOKEN, "access_token", HASHED_EMAIL, "order-1"] {
        assert!(!logs.contains(secret), "the logs show {secret:?}: {logs}");
    }
}

/// Posts one event to the `capi serve` at `url` with a `slow` fault of `slow_ms` queued before it,
/// and returns once the server holds the request (its fault drawn): the thread waiting for the
/// answer.
fn hold_a_slow_request(
    url: &str,
    slow_ms: u64,
    event_id: &str,
) -> thread::JoinHandle<Result<(u16, Value), reqwest::Error>> {
    let rt = runtime();
    rt.block_on(async {
        let queued = post_json(
            &format!("{url}/_fake/faults"),
            &json!({"next": ["slow"], "slow_ms": slow_ms}),
        )
        .await;
        assert_eq!(queued.0, 200, "{queued:?}");
    });
    let events = format!("{url}/v26.0/{PIXEL}/events?access_token=any");
    let body = lead(event_id);
    let in_flight = thread::spawn(move || {
        runtime().block_on(crate::support::fixtures::post_json_result(&events, &body))
    });
    rt.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(10);
        while get_json(&format!("{url}/_fake/faults")).await["requests"] != 1 {
            assert!(
                Instant::now() < deadline,
                "the request never reached the server"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    in_flight
}

#[test]
fn sigint_lets_a_request_in_flight_finish() {
    let served = Served::start(&["--log-format", "json"]);
    let in_flight = hold_a_slow_request(&served.url, 1500, "slow");
    served.signal("INT");
    let (status, answer) = in_flight.join().unwrap().expect("an answer");
    assert_eq!(status, 200, "the request in flight was cut: {answer}");
    let (exit, logs) = served.wait();
    assert!(exit.success(), "{exit}: {logs}");
    assert!(logs.contains("SIGINT"), "{logs}");
    let first: Value = serde_json::from_str(logs.lines().next().unwrap()).expect("JSON logs");
    assert_eq!(first["level"], "INFO", "{first}");
}

#[test]
fn faults_from_the_command_line_follow_the_seed() {
    let run = || {
        let served = Served::start(&["--faults", "service-error=0.5", "--seed", "11"]);
        let url = served.url.clone();
        runtime().block_on(async move {
            let mut statuses = Vec::new();
            for i in 0..12 {
                let target = format!("{url}/v26.0/{PIXEL}/events?access_token=any");
                statuses.push(post_json(&target, &lead(&format!("e{i}"))).await.0);
            }
            statuses
        })
    };
    let first = run();
    assert_eq!(first, run(), "the same seed gave other faults");
    assert!(first.contains(&500) && first.contains(&200), "{first:?}");
}

#[test]
fn an_app_secret_makes_appsecret_proof_required() {
    let served = Served::start(&["--app-secret", "s3cret"]);
    let url = served.url.clone();
    runtime().block_on(async move {
        let (status, answer) = post_json(
            &format!("{url}/v26.0/{PIXEL}/events?access_token=T"),
            &lead("e"),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(answer["error"]["code"], 100, "{answer}");
        let proof = capi_kit::AppSecret::new("s3cret").proof(&capi_kit::AccessToken::new("T"));
        let (status, answer) = post_json(
            &format!("{url}/v26.0/{PIXEL}/events?access_token=T&appsecret_proof={proof}"),
            &lead("e"),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
    });
}

#[test]
fn bad_options_and_a_busy_port_exit_2_with_a_reason() {
    let capi = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_capi"))
            .args(args)
            .output()
            .unwrap()
    };
    let output = capi(&["serve", "--addr", "127.0.0.1:0", "--faults", "boom=0.1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown fault `boom`"));

    // Control routes reachable from other machines need a control token, or a flag that says so.
    let output = capi(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("CAPI_CONTROL_TOKEN") && stderr.contains("--open-control"),
        "{stderr}"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let output = capi(&["serve", "--addr", &addr]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot listen on"), "{stderr}");
}

#[test]
fn a_request_cut_at_shutdown_makes_the_exit_status_1() {
    let served = Served::start(&["--shutdown-grace", "0"]);
    let in_flight = hold_a_slow_request(&served.url, 5000, "cut");
    served.signal("TERM");
    let (exit, logs) = served.wait();
    assert_eq!(exit.code(), Some(1), "{logs}");
    assert!(logs.contains("requests_cut=1"), "{logs}");
    assert!(
        in_flight.join().unwrap().is_err(),
        "the cut request was answered"
    );
}

#[test]
fn a_control_token_from_the_environment_guards_the_control_routes() {
    let served = Served::start_with_env(
        &["--now", &NOW.to_string()],
        &[("CAPI_CONTROL_TOKEN", "ctl-1")],
    );
    let url = served.url.clone();
    let rt = runtime();
    rt.block_on(async {
        let http = capi_kit::client::http_builder().build().unwrap();
        let ready = |token: Option<&'static str>| {
            let mut request = http.get(format!("{url}/_fake/ready"));
            if let Some(token) = token {
                request = request.header("x-capi-control-token", token);
            }
            async move { request.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(ready(None).await, 401);
        assert_eq!(ready(Some("ctl-2")).await, 403);
        assert_eq!(ready(Some("ctl-1")).await, 200);
    });
    // Without the token the runner says what is missing; with it the stateful cases run.
    let output = Command::new(env!("CARGO_BIN_EXE_capi"))
        .args(["conformance", "--target", &url, "--filter", "dedup.*"])
        .env_remove("CAPI_ACCESS_TOKEN")
        .env_remove("CAPI_CONTROL_TOKEN")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "the target wants a control token on /_fake/ (GET /_fake/config: status 401)"
        ),
        "{stdout}"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_capi"))
        .args(["conformance", "--target", &url, "--filter", "dedup.*"])
        .env_remove("CAPI_ACCESS_TOKEN")
        .env("CAPI_CONTROL_TOKEN", "ctl-1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains(" passed, 0 failed"), "{stdout}");
    assert!(!last.starts_with("0 passed"), "{stdout}");
}
