//! Who may post to the fake: an access token in the query, the JSON body, a form field or the
//! `Authorization` header (code 190 when missing or unknown), the `appsecret_proof` when an app
//! secret is configured (code 100), and a known pixel (code 100, subcode 33).

use crate::support::{self, NOW, PIXEL, TOKEN};
use capi_kit::client::{ClientOptions, SendError, SendEventsExt};
use capi_kit::fake::{FakeGraph, start_mock_server};
use capi_kit::types::EventRequest;
use capi_kit::{AccessToken, AppSecret};
use serde_json::{Value, json};
use wiremock::MockServer;

const SECRET: &str = "app-secret-42";

fn body() -> Value {
    json!({"data": [{
        "event_name": "Lead",
        "event_time": NOW - 60,
        "event_id": "lead-1",
        "action_source": "email",
        "user_data": {"em": "309a0a5c3e211326ae75ca18196d301a9bdbd1a882a4d2569511033da23f0abd"}
    }]})
}

fn request() -> EventRequest {
    serde_json::from_value(body()).unwrap()
}

fn proof(token: &str) -> String {
    AppSecret::new(SECRET).proof(&AccessToken::new(token))
}

async fn post(
    server: &MockServer,
    target: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    post_with(server, target, content_type, body, None).await
}

async fn post_with(
    server: &MockServer,
    target: &str,
    content_type: &str,
    body: Vec<u8>,
    authorization: Option<&str>,
) -> (u16, Value) {
    let mut request = capi_kit::client::http_builder()
        .build()
        .unwrap()
        .post(format!("{}{target}", server.uri()))
        .header("content-type", content_type)
        .body(body);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// POSTs `body` as JSON to `target`.
async fn post_json(server: &MockServer, target: &str, body: &Value) -> (u16, Value) {
    support::post_json(&format!("{}{target}", server.uri()), body).await
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn with(mut body: Value, key: &str, value: &str) -> Value {
    body[key] = json!(value);
    body
}

/// A missing token is code 104, an unknown one 190; Graph sends neither with `is_transient`.
fn assert_oauth_190(status: u16, answer: &Value) {
    assert_eq!(status, 400, "{answer}");
    let code = answer["error"]["code"].as_i64();
    assert!(code == Some(190) || code == Some(104), "{answer}");
    assert_eq!(answer["error"]["type"], "OAuthException");
    assert!(answer["error"].get("is_transient").is_none(), "{answer}");
}

async fn strict() -> (FakeGraph, MockServer) {
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .pixel(PIXEL)
        .now(NOW)
        .build();
    let server = start_mock_server(fake.clone()).await;
    (fake, server)
}

#[tokio::test]
async fn the_generated_client_s_token_in_the_query_is_accepted() {
    let (fake, server) = strict().await;
    let client = ClientOptions::new(server.uri()).build().unwrap();
    let response = client
        .send_events()
        .api_version("v26.0")
        .pixel_id(PIXEL)
        .access_token(TOKEN)
        .body(request())
        .send_checked()
        .await
        .unwrap();
    assert_eq!(response.into_inner().events_received, 1);
    assert_eq!(fake.events(PIXEL).len(), 1);
}

#[tokio::test]
async fn a_token_in_the_json_body_is_accepted() {
    let (_, server) = strict().await;
    let body = with(body(), "access_token", TOKEN);
    let (status, answer) = post_json(&server, &format!("/v26.0/{PIXEL}/events"), &body).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_token_in_a_form_field_is_accepted() {
    let (_, server) = strict().await;
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("access_token", TOKEN)
        .append_pair("data", &body()["data"].to_string())
        .finish();
    let (status, answer) = post(
        &server,
        &format!("/v26.0/{PIXEL}/events"),
        "application/x-www-form-urlencoded",
        form.into_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_token_in_the_authorization_header_is_accepted() {
    let (_, server) = strict().await;
    for scheme in ["Bearer", "OAuth"] {
        let (status, answer) = post_with(
            &server,
            &format!("/v26.0/{PIXEL}/events"),
            "application/json",
            json_bytes(&body()),
            Some(&format!("{scheme} {TOKEN}")),
        )
        .await;
        assert_eq!(status, 200, "{scheme}: {answer}");
    }
}

#[tokio::test]
async fn a_missing_or_empty_token_is_oauth_error_190_and_nothing_is_stored() {
    // (Named before the evidence moved a missing token to code 104; test names stay.)
    let (fake, server) = strict().await;
    for target in [
        format!("/v26.0/{PIXEL}/events"),
        format!("/v26.0/{PIXEL}/events?access_token="),
    ] {
        let (status, answer) = post_json(&server, &target, &body()).await;
        assert_oauth_190(status, &answer);
    }
    let (status, answer) = post_json(
        &server,
        &format!("/v26.0/{PIXEL}/events"),
        &with(body(), "access_token", ""),
    )
    .await;
    assert_oauth_190(status, &answer);
    assert_eq!(fake.held_event_count(), 0);
}

#[tokio::test]
async fn an_unknown_token_is_oauth_error_190_through_the_generated_client() {
    let (fake, server) = strict().await;
    let client = ClientOptions::new(server.uri()).build().unwrap();
    let err = client
        .send_events()
        .api_version("v26.0")
        .pixel_id(PIXEL)
        .access_token("EAAB-someone-else")
        .body(request())
        .send_checked()
        .await
        .unwrap_err();
    let SendError::Graph { status, error } = &err else {
        panic!("a Graph error, got {err:?}");
    };
    assert_eq!(status.as_u16(), 400);
    assert_eq!(error.code, 190);
    assert_eq!(error.type_, "OAuthException");
    assert_eq!(error.message, "The access token could not be decrypted");
    assert!(!format!("{err} {err:?}").contains("EAAB-someone-else"));
    assert_eq!(fake.held_event_count(), 0);
}

#[tokio::test]
async fn without_configured_tokens_any_non_empty_token_is_accepted() {
    let fake = FakeGraph::builder().now(NOW).build();
    let server = start_mock_server(fake).await;
    let (status, answer) = post_json(
        &server,
        &format!("/v26.0/{PIXEL}/events?access_token=anything"),
        &body(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn the_token_is_checked_before_the_body() {
    let (_, server) = strict().await;
    let (status, answer) = post(
        &server,
        &format!("/v26.0/{PIXEL}/events"),
        "application/json",
        b"{\"data\": [{}]}".to_vec(),
    )
    .await;
    assert_oauth_190(status, &answer);
}

async fn with_secret() -> MockServer {
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .app_secret(AppSecret::new(SECRET))
        .now(NOW)
        .build();
    start_mock_server(fake).await
}

#[tokio::test]
async fn a_correct_appsecret_proof_is_accepted_in_the_query_or_the_body() {
    let server = with_secret().await;
    let client = ClientOptions::new(server.uri()).build().unwrap();
    let response = client
        .send_events()
        .api_version("v26.0")
        .pixel_id(PIXEL)
        .access_token(TOKEN)
        .appsecret_proof(proof(TOKEN))
        .body(request())
        .send_checked()
        .await
        .unwrap();
    assert_eq!(response.into_inner().events_received, 1);

    let body = with(
        with(body(), "access_token", TOKEN),
        "appsecret_proof",
        &proof(TOKEN),
    );
    let (status, answer) = post_json(&server, &format!("/{PIXEL}/events"), &body).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_wrong_appsecret_proof_is_code_100() {
    let server = with_secret().await;
    let wrong = [
        proof("another-token"),
        AppSecret::new("other-secret").proof(&AccessToken::new(TOKEN)),
        "not-hex".to_owned(),
    ];
    for proof in wrong {
        let (status, answer) = post_json(
            &server,
            &format!("/v26.0/{PIXEL}/events?access_token={TOKEN}&appsecret_proof={proof}"),
            &body(),
        )
        .await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["code"], 100);
        assert_eq!(answer["error"]["type"], "GraphMethodException");
        assert_eq!(
            answer["error"]["message"],
            "Invalid appsecret_proof provided in the API argument"
        );
    }
}

#[tokio::test]
async fn a_missing_appsecret_proof_is_code_100_when_a_secret_is_configured() {
    let server = with_secret().await;
    let (status, answer) = post_json(
        &server,
        &format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"),
        &body(),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], 100);
    assert_eq!(
        answer["error"]["message"],
        "API calls from the server require an appsecret_proof argument"
    );
}

#[tokio::test]
async fn an_unknown_pixel_is_code_100_subcode_33() {
    let (_, server) = strict().await;
    for pixel in ["999", "not-a-pixel"] {
        let (status, answer) = post_json(
            &server,
            &format!("/v26.0/{pixel}/events?access_token={TOKEN}"),
            &body(),
        )
        .await;
        assert_eq!(status, 400, "{answer}");
        let error = &answer["error"];
        assert_eq!(error["code"], 100);
        assert_eq!(error["error_subcode"], 33);
        assert_eq!(error["type"], "GraphMethodException");
        assert_eq!(
            error["message"],
            format!(
                "Unsupported post request. Object with ID '{pixel}' does not exist, cannot be loaded \
                 due to missing permissions, or does not support this operation. Please read the \
                 Graph API documentation at https://developers.facebook.com/docs/graph-api"
            )
        );
    }
}

#[tokio::test]
async fn without_configured_pixels_any_numeric_pixel_is_accepted_and_others_are_unknown() {
    let fake = FakeGraph::builder().now(NOW).build();
    let server = start_mock_server(fake).await;
    let (status, _) = post_json(&server, "/v26.0/42/events?access_token=t", &body()).await;
    assert_eq!(status, 200);
    let (status, answer) = post_json(&server, "/v26.0/me/events?access_token=t", &body()).await;
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["error_subcode"], 33);
}
