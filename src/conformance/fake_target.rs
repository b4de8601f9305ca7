//! The fake's core as a [`Target`], in-process and without HTTP (built with feature `fake`).

use super::target::{Target, TargetError, TargetFuture, WireRequest, WireResponse};
use crate::fake::{FakeGraph, FakeRequest};

/// The request as the fake's core takes it (a method HTTP does not know is sent as `POST`).
impl From<WireRequest> for FakeRequest {
    fn from(request: WireRequest) -> Self {
        let mut fake_request = FakeRequest::new(
            request.method.parse().unwrap_or(http::Method::POST),
            &request.path_and_query,
        );
        for (name, value) in &request.headers {
            fake_request = fake_request.header(name, value);
        }
        fake_request.body(request.body)
    }
}

/// The fake's core without HTTP, for fast runs in tests.
impl Target for FakeGraph {
    fn send(&self, request: WireRequest) -> TargetFuture<'_> {
        let response = self.handle(&FakeRequest::from(request));
        Box::pin(std::future::ready(if response.drop_connection {
            Err(TargetError::NoAnswer("the connection was closed".into()))
        } else {
            Ok(WireResponse {
                status: response.status.as_u16(),
                content_type: Some(response.content_type.to_owned()),
                headers: response
                    .www_authenticate
                    .iter()
                    .map(|value| ("www-authenticate".to_owned(), value.to_string()))
                    .collect(),
                body: response.body.to_vec(),
            })
        }))
    }
}
