//! Wire shapes to one canonical request: JSON bodies, `application/x-www-form-urlencoded` and
//! `multipart/form-data` (where `data` is a JSON array string of event objects or of JSON strings
//! each encoding one, as Meta's Python SDK sends), with the auth parameters taken out.

use std::borrow::Cow;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;
use serde_json::value::RawValue;

use super::auth::{self, AuthParams};
use super::compat;
use super::json_fast_path;
use super::request::FakeRequest;
use crate::generated::types::EventRequest;
use crate::rules::{self, BlamePath, Violation, messages};

/// The request the validator will see (or its first structural violation), and the auth parameters
/// found anywhere in the HTTP request.
pub(crate) struct Decoded {
    /// The canonical request, without auth parameters.
    pub(crate) request: Result<EventRequest, Violation>,
    /// Query first, then body, then the `Authorization` header.
    pub(crate) auth: AuthParams,
}

/// Why a body could not be decoded in its content type (the message is for the caller).
#[derive(Debug)]
pub(crate) struct Malformed(pub(crate) String);

/// How the body is encoded.
enum Encoding {
    Json,
    Form,
    Multipart(String),
}

/// Request-level keys a form may carry besides `data` and the auth parameters, and how their text
/// becomes JSON.
const FORM_STRINGS: [&str; 6] = [
    "test_event_code",
    "partner_agent",
    "namespace_id",
    "upload_id",
    "upload_tag",
    "upload_source",
];
const FORM_JSON: [&str; 2] = ["platforms", "progress"];
const FORM_INTEGERS: [&str; 1] = ["trace"];

/// Decodes `request` by its content type (sniffed when absent or unknown).
pub(crate) fn decode(request: &FakeRequest) -> Result<Decoded, Malformed> {
    let mut query_auth = AuthParams::default();
    let mut query_params = Vec::new();
    for (key, value) in request.query_pairs() {
        if !query_auth.offer(&key, &value) {
            query_params.push((key, value));
        }
    }
    let header_auth = request
        .header_str(AUTHORIZATION)
        .map(auth::from_authorization_header)
        .unwrap_or_default();

    let (request_result, body_auth) = match encoding(request)? {
        Encoding::Json => {
            let (request, auth) = json_body(&request.body);
            (request, auth)
        }
        Encoding::Form => {
            let pairs = form_urlencoded::parse(&request.body);
            form_body(pairs.chain(query_params))
        }
        Encoding::Multipart(boundary) => {
            let fields = multipart_fields(request.body.clone(), boundary)?;
            form_body(
                fields
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
                    .chain(query_params),
            )
        }
    };
    Ok(Decoded {
        request: request_result,
        auth: query_auth.or(body_auth).or(header_auth),
    })
}

/// True when `request` is read as a form and its body looks like JSON.
pub(crate) fn json_read_as_form(request: &FakeRequest) -> bool {
    let looks_like_json = matches!(
        request.body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    );
    looks_like_json && matches!(encoding(request), Ok(Encoding::Form))
}

fn encoding(request: &FakeRequest) -> Result<Encoding, Malformed> {
    let content_type = request.header_str(CONTENT_TYPE).unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Ok(match essence.as_str() {
        "application/json" => Encoding::Json,
        e if e.ends_with("+json") => Encoding::Json,
        "application/x-www-form-urlencoded" => Encoding::Form,
        "multipart/form-data" => {
            Encoding::Multipart(multer::parse_boundary(content_type).map_err(|_| {
                Malformed("The multipart/form-data body has no usable boundary.".to_owned())
            })?)
        }
        // No or another content type: JSON if it looks like JSON, else form fields (curl -d).
        _ => match request.body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => Encoding::Json,
            _ => Encoding::Form,
        },
    })
}

/// The typed read of a JSON body. A body it refuses is read once more, into a `Value` that serves
/// every later step (the auth parameters, Node's `extinfo` objects, whether it is JSON at all), and
/// then only the validator's path-tracking re-read remains.
fn json_body(body: &[u8]) -> (Result<EventRequest, Violation>, AuthParams) {
    if let Some(read) = json_fast_path::read(body) {
        return (Ok(read.request), read.auth);
    }
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(error) => {
            return (
                // Rule `request.json.malformed`.
                Err(messages::not_utf8(error.valid_up_to())),
                json_fast_path::auth_only(body),
            );
        }
    };
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return (
            Err(rules::locate_refused(text, || false)),
            AuthParams::default(),
        );
    };
    let auth = json_fast_path::auth_in(&value);
    if compat::extinfo_objects_as_arrays(&mut value) {
        // Rewritten, the body is one the SDK meant: read it as if it had been sent so.
        let rewritten = value.to_string();
        let request = match json_fast_path::read(rewritten.as_bytes()) {
            Some(read) => Ok(read.request),
            None => Err(rules::locate_refused(&rewritten, || true)),
        };
        return (request, auth);
    }
    (Err(rules::locate_refused(text, || true)), auth)
}

/// A request rebuilt from form fields (first value of a key wins).
fn form_body<'a>(
    pairs: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> (Result<EventRequest, Violation>, AuthParams) {
    let mut auth = AuthParams::default();
    let mut data: Option<Cow<'a, str>> = None;
    let mut options: Vec<(Cow<'a, str>, Cow<'a, str>)> = Vec::new();
    for (key, value) in pairs {
        if auth.offer(&key, &value) {
            continue;
        }
        if key == "data" {
            data.get_or_insert(value);
        } else if known_option(&key) && !options.iter().any(|(k, _)| *k == key) {
            options.push((key, value));
        }
    }
    // The canonical body holds no auth parameters: they were taken out above.
    let request = canonical(data.as_deref(), &options).and_then(|body| json_body(&body).0);
    (request, auth)
}

fn known_option(key: &str) -> bool {
    FORM_STRINGS.contains(&key) || FORM_JSON.contains(&key) || FORM_INTEGERS.contains(&key)
}

/// The JSON body the form fields stand for.
fn canonical(
    data: Option<&str>,
    options: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, Violation> {
    let mut out = Vec::with_capacity(data.map_or(0, str::len) + 256);
    out.push(b'{');
    if let Some(data) = data {
        out.extend_from_slice(b"\"data\":");
        write_data(&mut out, data)?;
    }
    for (key, value) in options {
        if out.len() > 1 {
            out.push(b',');
        }
        push_json_string(&mut out, key);
        out.push(b':');
        let key: &str = key;
        if FORM_INTEGERS.contains(&key) && value.trim().parse::<i64>().is_ok() {
            out.extend_from_slice(value.trim().as_bytes());
        } else if FORM_JSON.contains(&key) && serde_json::from_str::<&RawValue>(value).is_ok() {
            out.extend_from_slice(value.as_bytes());
        } else {
            push_json_string(&mut out, value);
        }
    }
    out.push(b'}');
    Ok(out)
}

/// Writes the `data` field's JSON array, decoding items that are JSON strings holding an event.
fn write_data(out: &mut Vec<u8>, data: &str) -> Result<(), Violation> {
    let data_path = || BlamePath::root().key("data");
    let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(data) else {
        // Not an array: pass valid JSON through so the validator names the type; else say so here.
        return match serde_json::from_str::<&RawValue>(data) {
            Ok(raw) => {
                out.extend_from_slice(raw.get().as_bytes());
                Ok(())
            }
            // Rule `structure.invalid_value`.
            Err(_) => Err(messages::data_not_an_array(data_path())),
        };
    };
    out.push(b'[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        let text = item.get();
        if text.starts_with('"') {
            let inner: Option<String> = serde_json::from_str::<String>(text)
                .ok()
                .filter(|inner| serde_json::from_str::<&RawValue>(inner).is_ok());
            let Some(inner) = inner else {
                // Rule `structure.invalid_value`.
                return Err(messages::event_not_an_object(data_path().index(index)));
            };
            out.extend_from_slice(inner.trim().as_bytes());
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    }
    out.push(b']');
    Ok(())
}

fn push_json_string(out: &mut Vec<u8>, text: &str) {
    // Serializing a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// Every field of a `multipart/form-data` body, as text (file parts included, as curl's
/// `-F data=@events.json` sends them).
fn multipart_fields(body: Bytes, boundary: String) -> Result<Vec<(String, String)>, Malformed> {
    let stream = futures_util::stream::once(std::future::ready(Ok::<Bytes, std::io::Error>(body)));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let fields = async move {
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await? {
            let name = field.name().unwrap_or_default().to_owned();
            let text = field.text().await?;
            fields.push((name, text));
        }
        Ok::<_, multer::Error>(fields)
    };
    match run_ready(fields) {
        Some(Ok(fields)) => Ok(fields),
        Some(Err(err)) => Err(Malformed(format!(
            "The multipart/form-data body could not be read: {err}."
        ))),
        None => Err(Malformed(
            "The multipart/form-data body could not be read.".to_owned(),
        )),
    }
}

/// Runs a future whose every input is already in memory (so it never waits on I/O) to completion
/// without an async runtime; `None` if it keeps asking to wait.
fn run_ready<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str =
        r#"{"event_name":"Lead","event_time":1,"action_source":"email","user_data":{"em":"x"}}"#;

    fn form(body: &str) -> FakeRequest {
        FakeRequest::post("/1/events")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
    }

    fn encode(pairs: &[(&str, &str)]) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    #[test]
    fn form_data_may_hold_event_objects_or_json_strings() {
        let strings = serde_json::to_string(&vec![EVENT, EVENT]).unwrap();
        for data in [format!("[{EVENT}]"), strings] {
            let body = encode(&[("data", &data), ("access_token", "t"), ("trace", "3")]);
            let decoded = decode(&form(&body)).unwrap();
            let request = decoded.request.expect("canonical request");
            assert_eq!(request.trace, Some(3));
            assert!(!request.data.is_empty());
            assert_eq!(decoded.auth.access_token.as_deref(), Some("t"));
        }
    }

    #[test]
    fn form_data_that_is_not_an_array_is_blamed_on_data() {
        let decoded = decode(&form(&encode(&[("data", "{oops")]))).unwrap();
        let violation = decoded.request.unwrap_err();
        assert_eq!(violation.path.to_string(), "$['data']");
        let decoded = decode(&form(&encode(&[("data", r#"["{oops"]"#)]))).unwrap();
        assert_eq!(
            decoded.request.unwrap_err().path.to_string(),
            "$['data'][0]"
        );
    }

    #[test]
    fn multipart_fields_are_read() {
        let body = format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n[{EVENT}]\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"access_token\"\r\n\r\ntok\r\n--XyZ--\r\n"
        );
        let request = FakeRequest::post("/1/events")
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body);
        let decoded = decode(&request).unwrap();
        assert_eq!(decoded.request.unwrap().data.len(), 1);
        assert_eq!(decoded.auth.access_token.as_deref(), Some("tok"));
    }

    #[test]
    fn broken_multipart_is_malformed() {
        let request = FakeRequest::post("/1/events")
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body("--XyZ\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\nno end");
        assert!(decode(&request).is_err());
        let request = FakeRequest::post("/1/events")
            .header("content-type", "multipart/form-data")
            .body("x");
        assert!(decode(&request).is_err());
    }
}
