//! The wiremock adapter: [`FakeGraph`] as a `Respond`, and a one-line way to start a `MockServer`
//! that runs it.

use ::wiremock::matchers::any;
use ::wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use bytes::Bytes;

use super::graph::FakeGraph;
use super::request::FakeRequest;

/// What the wiremock adapter answers in place of a dropped connection.
const DROP_STAND_IN: &str = "<html><body><h1>502 Bad Gateway</h1><p>capi-kit fake: a dropped \
connection, which wiremock cannot simulate (use FakeServer for real drops).</p></body></html>\n";

impl Respond for FakeGraph {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let request = FakeRequest {
            method: request.method.clone(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            headers: request.headers.clone(),
            body: Bytes::copy_from_slice(&request.body),
        };
        let response = self.handle(&request);
        if response.drop_connection {
            // wiremock cannot close a connection unanswered. The nearest answer a client treats the
            // same way (transient, outcome unknown) is a proxy's 502; use `FakeServer` for real drops.
            return ResponseTemplate::new(502)
                .set_body_raw(DROP_STAND_IN, "text/html; charset=utf-8");
        }
        let mut template = ResponseTemplate::new(response.status.as_u16())
            .set_body_raw(response.body, response.content_type);
        if let Some(value) = &response.www_authenticate {
            template = template.insert_header("www-authenticate", &**value);
        }
        match response.delay {
            Some(delay) => template.set_delay(delay),
            None => template,
        }
    }
}

/// Starts a wiremock `MockServer` that answers every request with `fake` (request recording off, so
/// memory does not grow with traffic): `let server = start_mock_server(fake.clone()).await;`.
/// Needs feature `wiremock`.
///
/// Faults behave as in [`FakeServer`](super::FakeServer) except the dropped connections, which wiremock
/// cannot produce: they are answered with an HTML 502 (after processing the request for
/// [`Fault::DropAfterProcessing`](super::Fault::DropAfterProcessing)).
pub async fn start_mock_server(fake: FakeGraph) -> MockServer {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any()).respond_with(fake).mount(&server).await;
    server
}
