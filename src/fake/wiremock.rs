//! The wiremock adapter: [`FakeGraph`] as a `Respond`, and a one-line way to start a `MockServer`
//! that runs it.

use ::wiremock::matchers::any;
use ::wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use bytes::Bytes;

use super::FakeGraph;
use super::request::FakeRequest;

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
        ResponseTemplate::new(response.status).set_body_raw(response.body, response.content_type)
    }
}

/// Starts a wiremock `MockServer` that answers every request with `fake` (request recording off, so
/// memory does not grow with traffic): `let server = start_mock_server(fake.clone()).await;`.
pub async fn start_mock_server(fake: FakeGraph) -> MockServer {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any()).respond_with(fake).mount(&server).await;
    server
}
