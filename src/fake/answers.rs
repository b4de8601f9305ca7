//! Every answer the fake gives, built as Graph builds it: success, rule rejections, and the Graph
//! errors of routing, size, encoding, auth and unknown objects.
//!
//! Wording marked "ours" below is capi-kit's where no Graph body was found; the others are quoted
//! from the source named beside them.

use http::StatusCode;

use crate::generated::types::{EventResponse, GraphErrorEnvelope};
use crate::graph_codes;
use crate::graph_error::{Transience, error_envelope, fbtrace_id, rejection};
use crate::rules::{Violation, messages};

use super::request::FakeResponse;

/// The HTTP status the fake sends with a Graph error `code` ([`graph_codes::status_for`]).
pub(crate) fn status_for_code(code: i64) -> StatusCode {
    StatusCode::from_u16(graph_codes::status_for(code)).unwrap_or(StatusCode::BAD_REQUEST)
}

/// A Graph error envelope sent with the status [`status_for_code`] gives its code.
pub(crate) fn error_response(envelope: &GraphErrorEnvelope) -> FakeResponse {
    FakeResponse::json(status_for_code(envelope.error.code), envelope)
}

/// `WWW-Authenticate` as Graph sends it with an OAuth error: `OAuth "Facebook Platform" "<error>"
/// "<message>"` (a 2017 header dump for an invalid token; 2020-21 reports for a deprecated version).
fn www_authenticate(error: &str, message: &str) -> Box<str> {
    format!("OAuth \"Facebook Platform\" \"{error}\" \"{message}\"").into()
}

/// 200 `{"events_received": n, "messages": [], "fbtrace_id": "…"}`.
pub(crate) fn accepted(events_received: usize) -> FakeResponse {
    FakeResponse::json(
        StatusCode::OK,
        &EventResponse {
            events_received: i64::try_from(events_received).unwrap_or(i64::MAX),
            messages: Some(Vec::new()),
            fbtrace_id: Some(fbtrace_id()),
        },
    )
}

/// 400 with the validator's envelope for `violation`.
pub(crate) fn rejected(violation: &Violation) -> FakeResponse {
    FakeResponse {
        rule: Some(violation.rule),
        ..error_response(&rejection(violation))
    }
}

/// A body that cannot be decoded in its content type: the validator's "malformed body" rule.
pub(crate) fn malformed_body(message: &str) -> FakeResponse {
    // Rule `request.json.malformed`.
    rejected(&messages::malformed_body(message))
}

/// No access token anywhere (query, body, form field, `Authorization` header), or an empty one:
/// code 104, as Graph answers on every edge where it was captured (no `is_transient`). An empty
/// token counts as none (a decision: one weak report has 100/33 for an empty field).
pub(crate) fn missing_token() -> FakeResponse {
    error_response(&error_envelope(
        "OAuthException",
        graph_codes::TOKEN_REQUIRED,
        "An access token is required to request this resource.",
        Transience::Unstated,
    ))
}

/// A token the fake was not configured to accept: code 190 with HTTP 400 (several captures; one
/// 401 is recorded as a conflict), no `is_transient`, and Graph's `WWW-Authenticate`. The message
/// is one Graph sent on the events edge (a PXI log).
pub(crate) fn invalid_token() -> FakeResponse {
    const MESSAGE: &str = "The access token could not be decrypted";
    FakeResponse {
        // The header's text as captured (2017), whatever the body's message.
        www_authenticate: Some(www_authenticate(
            "invalid_token",
            "Invalid OAuth access token.",
        )),
        ..error_response(&error_envelope(
            "OAuthException",
            graph_codes::INVALID_TOKEN,
            MESSAGE,
            Transience::Unstated,
        ))
    }
}

/// No `appsecret_proof` while the fake has an app secret. Graph's wording as reported in public
/// issues (code 100, `GraphMethodException`); not in our facts file, so treat it as ours.
pub(crate) fn missing_proof() -> FakeResponse {
    error_response(&error_envelope(
        "GraphMethodException",
        graph_codes::INVALID_PARAMETER,
        "API calls from the server require an appsecret_proof argument",
        Transience::Unstated,
    ))
}

/// An `appsecret_proof` that is not HMAC-SHA256(app secret, token). Graph's wording as reported in
/// public issues (e.g. facebook-python-business-sdk #528: HTTP 400, code 100,
/// `GraphMethodException`); not in our facts file, so treat it as ours.
pub(crate) fn wrong_proof() -> FakeResponse {
    error_response(&error_envelope(
        "GraphMethodException",
        graph_codes::INVALID_PARAMETER,
        "Invalid appsecret_proof provided in the API argument",
        Transience::Unstated,
    ))
}

/// A pixel the fake does not know (or an id that is not a pixel id): code 100, subcode 33, the body
/// quoted in facts §5.2.
pub(crate) fn unknown_object(method: &str, id: &str) -> FakeResponse {
    let mut body = error_envelope(
        "GraphMethodException",
        graph_codes::INVALID_PARAMETER,
        format!(
            "Unsupported {} request. Object with ID '{id}' does not exist, cannot be loaded due to \
             missing permissions, or does not support this operation. Please read the Graph API \
             documentation at https://developers.facebook.com/docs/graph-api",
            method.to_ascii_lowercase()
        ),
        Transience::Unstated,
    );
    body.error.error_subcode = Some(graph_codes::OBJECT_NOT_FOUND_SUBCODE);
    error_response(&body)
}

/// A path with no edge here. Graph answers unknown paths with code 2500 `Unknown path components`
/// (HTTP 400), as reported in public issues (e.g. arsduo/koala #611); not in our facts file.
pub(crate) fn unknown_path(path: &str) -> FakeResponse {
    error_response(&error_envelope(
        "OAuthException",
        graph_codes::UNKNOWN_PATH,
        format!("Unknown path components: {path}"),
        Transience::Unstated,
    ))
}

/// A version Graph no longer serves: code 2635 with HTTP 400, `WWW-Authenticate` and no
/// `is_transient`, as captured in 2020-21 (whether Graph still answers so, or upgrades the call as
/// the Marketing API has since 2024, is unknown).
pub(crate) fn deprecated_version(newest: &str) -> FakeResponse {
    let message = format!(
        "(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: {newest}."
    );
    FakeResponse {
        www_authenticate: Some(www_authenticate("invalid_request", &message)),
        ..error_response(&error_envelope(
            "OAuthException",
            graph_codes::DEPRECATED_VERSION,
            message,
            Transience::Unstated,
        ))
    }
}

/// A method the edge does not take (anything but `POST` on `/events`). Ours, modelled on the
/// subcode-33 message.
pub(crate) fn unsupported_method(method: &str) -> FakeResponse {
    error_response(&error_envelope(
        "GraphMethodException",
        graph_codes::INVALID_PARAMETER,
        format!(
            "Unsupported {} request. Please read the Graph API documentation at \
             https://developers.facebook.com/docs/graph-api",
            method.to_ascii_lowercase()
        ),
        Transience::Unstated,
    ))
}

/// A body over the configured cap. Ours: Graph's answer to oversized bodies is not documented.
pub(crate) fn body_too_large(size: usize, limit: usize) -> FakeResponse {
    let mut body = error_envelope(
        "OAuthException",
        graph_codes::INVALID_PARAMETER,
        "Invalid parameter",
        Transience::Permanent,
    );
    body.error.error_user_title = Some("Request too large".to_owned());
    body.error.error_user_msg = Some(format!(
        "The request body is {size} bytes; at most {limit} bytes are accepted."
    ));
    error_response(&body)
}

/// A control request without the control token the fake wants: 401. Ours (no Graph route needs it).
pub(crate) fn control_token_missing() -> FakeResponse {
    control_token_refusal(
        StatusCode::UNAUTHORIZED,
        "The control routes under /_fake/ need the control token in the x-capi-control-token header.",
    )
}

/// A control request with another control token than the fake's: 403. Ours.
pub(crate) fn control_token_wrong() -> FakeResponse {
    control_token_refusal(
        StatusCode::FORBIDDEN,
        "The x-capi-control-token header does not hold this fake's control token.",
    )
}

fn control_token_refusal(status: StatusCode, message: &str) -> FakeResponse {
    FakeResponse::json(
        status,
        &error_envelope(
            "OAuthException",
            graph_codes::INVALID_TOKEN,
            message,
            Transience::Permanent,
        ),
    )
}

/// Code 100, `Invalid parameter`, with `status` and a sentence naming what was wrong: a request the
/// HTTP layer refuses before the fake reads it (a body that stalls or whose chunked encoding is
/// broken, a line or headers too long, an HTTP version other than 1.x), or a control request's
/// unreadable parameter. Ours: Graph's own answers to the transport's refusals are unknown.
pub(crate) fn invalid_parameter(status: StatusCode, title: &str, message: String) -> FakeResponse {
    let mut body = error_envelope(
        "OAuthException",
        graph_codes::INVALID_PARAMETER,
        "Invalid parameter",
        Transience::Permanent,
    );
    body.error.error_user_title = Some(title.to_owned());
    body.error.error_user_msg = Some(message);
    FakeResponse::json(status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_documented_policy() {
        for (code, status) in [
            (1, 500),
            (2, 500),
            (4, 403),
            (17, 403),
            (200, 403),
            (104, 400),
            (100, 400),
            (190, 400),
        ] {
            assert_eq!(status_for_code(code).as_u16(), status, "code {code}");
        }
    }

    #[test]
    fn unknown_objects_carry_subcode_33() {
        let body = unknown_object("POST", "42").json_body();
        assert_eq!(body["error"]["error_subcode"], 33);
        assert_eq!(body["error"]["type"], "GraphMethodException");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Unsupported post request. Object with ID '42' does not exist")
        );
    }
}
