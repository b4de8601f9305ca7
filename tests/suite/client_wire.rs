//! The generated client against a wiremock server: the exact request on the wire, and every kind of
//! failure coming back as a `SendError` that keeps its status and never shows the access token.

use std::time::Duration;

use crate::support::TOKEN;
use capi_kit::client::{ClientOptions, SendError, SendEventsExt};
use capi_kit::types::EventRequest;
use capi_kit::{AccessToken, Client};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EVERY_FIELD: &str = include_str!("../../examples/requests/every-field.json");

fn client_for(server: &MockServer) -> Client {
    ClientOptions::new(server.uri()).build().unwrap()
}

fn request() -> EventRequest {
    serde_json::from_str(EVERY_FIELD).unwrap()
}

async fn send(client: &Client) -> Result<Value, SendError> {
    client
        .send_events()
        .api_version("v26.0")
        .pixel_id("1234567890")
        .access_token(TOKEN)
        .body(request())
        .send_checked()
        .await
        .map(|r| serde_json::to_value(r.into_inner()).unwrap())
}

/// The token must not show in any way a caller could print the error.
fn assert_token_hidden(err: &SendError) {
    let shown = format!("{err} | {err:?} | {:?}", std::error::Error::source(err));
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    assert!(
        !shown.contains("access_token="),
        "URL with token leaked: {shown}"
    );
}

#[tokio::test]
async fn sends_exactly_the_request_the_spec_describes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v26.0/1234567890/events"))
        .and(query_param("access_token", TOKEN))
        .and(query_param("appsecret_proof", "abc123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "events_received": 1, "messages": [], "fbtrace_id": "AbC123"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let response = client_for(&server)
        .send_events()
        .api_version("v26.0")
        .pixel_id("1234567890")
        .access_token(TOKEN)
        .appsecret_proof("abc123")
        .body(request())
        .send_checked()
        .await
        .unwrap();
    assert_eq!(response.events_received, 1);
    assert_eq!(response.fbtrace_id.as_deref(), Some("AbC123"));

    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        received.url.query(),
        Some(format!("access_token={TOKEN}&appsecret_proof=abc123").as_str())
    );
    assert_eq!(received.headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&received.body).unwrap();
    let expected: Value = serde_json::from_str(EVERY_FIELD).unwrap();
    assert_eq!(body, expected, "the wire body differs from the request");
}

#[tokio::test]
async fn an_explicit_empty_data_processing_options_reaches_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"events_received": 1})))
        .mount(&server)
        .await;
    let mut body = request();
    body.data[0].data_processing_options = Some(vec![]);
    body.data[0].data_processing_options_country = None;
    body.data[0].data_processing_options_state = None;
    client_for(&server)
        .send_events()
        .api_version("v26.0")
        .pixel_id("1")
        .access_token(AccessToken::new(TOKEN))
        .body(body)
        .send_checked()
        .await
        .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    let wire: Value = serde_json::from_slice(&received.body).unwrap();
    assert_eq!(wire["data"][0]["data_processing_options"], json!([]));
    assert!(
        wire["data"][0]
            .get("data_processing_options_country")
            .is_none()
    );
}

#[tokio::test]
async fn a_graph_400_comes_back_typed_with_code_and_subcode() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid parameter", "type": "OAuthException", "code": 100,
            "error_subcode": 2804003, "is_transient": false,
            "error_user_title": "Event Timestamp Too Old",
            "error_user_msg": "The timestamp for this event is too far in the past.",
            "fbtrace_id": "A6UyEgg_HdoiRX9duxcBOjb"
        }})))
        .mount(&server)
        .await;
    let err = send(&client_for(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some(100));
    assert_eq!(err.subcode(), Some(2804003));
    assert_eq!(err.fbtrace_id(), Some("A6UyEgg_HdoiRX9duxcBOjb"));
    assert_eq!(
        err.graph_error().unwrap().error_user_title.as_deref(),
        Some("Event Timestamp Too Old")
    );
    assert!(!err.is_transient());
    assert!(err.to_string().contains("2804003"), "{err}");
    assert_token_hidden(&err);
}

#[tokio::test]
async fn a_transient_graph_error_is_marked_transient() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {
            "message": "An unexpected error has occurred.", "type": "OAuthException", "code": 2,
            "is_transient": true, "fbtrace_id": "X"
        }})))
        .mount(&server)
        .await;
    let err = send(&client_for(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.code(), Some(2));
    assert!(err.is_transient());
}

#[tokio::test]
async fn an_html_502_still_tells_its_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><body><h1>502 Bad Gateway</h1></body></html>"),
        )
        .mount(&server)
        .await;
    let err = send(&client_for(&server)).await.unwrap_err();
    match &err {
        SendError::UndecodableResponse { status, body, .. } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(502));
            assert!(body.starts_with(b"<html>"));
        }
        other => panic!("expected UndecodableResponse, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.is_transient());
    assert!(err.to_string().contains("502"), "{err}");
    assert_token_hidden(&err);
}

#[tokio::test]
async fn a_200_that_is_not_an_event_response_is_undecodable_with_its_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("OK"))
        .mount(&server)
        .await;
    let err = send(&client_for(&server)).await.unwrap_err();
    assert!(
        matches!(err, SendError::UndecodableResponse { .. }),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn an_undeclared_status_is_reported_with_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_string("queued"))
        .mount(&server)
        .await;
    let err = send(&client_for(&server)).await.unwrap_err();
    match &err {
        SendError::UnexpectedStatus { status, body } => {
            assert_eq!(status.as_u16(), 202);
            assert_eq!(&body[..], b"queued");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_token_hidden(&err);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_without_the_token() {
    // Bind a port, then free it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = ClientOptions::new(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = send(&client).await.unwrap_err();
    assert!(matches!(err, SendError::Transport(_)), "{err:?}");
    assert!(err.is_transient());
    assert_token_hidden(&err);
}

#[tokio::test]
async fn the_request_timeout_is_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let options = ClientOptions {
        request_timeout: Duration::from_millis(200),
        ..ClientOptions::new(server.uri())
    };
    let started = std::time::Instant::now();
    let err = send(&options.build().unwrap()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "timeout not applied"
    );
    match &err {
        SendError::Transport(e) => assert!(e.is_timeout(), "{e:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_token_hidden(&err);
}

#[tokio::test]
async fn a_missing_parameter_sends_nothing() {
    let server = MockServer::start().await;
    let err = client_for(&server)
        .send_events()
        .api_version("v26.0")
        .access_token(TOKEN)
        .body(request())
        .send_checked()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::InvalidRequest(msg) if msg.contains("pixel_id")),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    assert_token_hidden(&err);
}

#[test]
fn the_request_builder_does_not_show_the_token_in_debug() {
    let client = Client::new("http://127.0.0.1:9");
    let builder = client.send_events().pixel_id("1").access_token(TOKEN);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn https_is_supported_by_the_default_build() {
    // Nothing listens there: the point is that an https URL gets as far as connecting, which a
    // reqwest without TLS would refuse before trying.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = ClientOptions::new(format!("https://127.0.0.1:{port}"))
        .build()
        .unwrap();
    match send(&client).await.unwrap_err() {
        SendError::Transport(e) => assert!(e.is_connect(), "{e:?}"),
        other => panic!("expected a connect error, got {other:?}"),
    }
}
