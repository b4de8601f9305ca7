//! A case's [`EdgeRequest`] (templates resolved) to the HTTP request the runner sends.

use serde_json::{Map, Value};

use super::case::{EdgeRequest, Encoding, ProofPlacement, TokenPlacement};
use super::target::WireRequest;
use crate::secret::{AccessToken, AppSecret};

/// Boundary of the multipart bodies the runner sends.
const BOUNDARY: &str = "capi-conformance-boundary-7MA4YWxkTrZu0gW";
/// A token no target can have been configured with.
pub(crate) const WRONG_TOKEN: &str = "EAAB-conformance-wrong-token";

/// What every edge request of a run shares.
pub(crate) struct RequestContext<'a> {
    /// Graph API version for `{version}`.
    pub(crate) version: &'a str,
    /// The token the runner sends.
    pub(crate) token: &'a AccessToken,
    /// The app secret, when the target checks `appsecret_proof`: every request gets a proof.
    pub(crate) app_secret: Option<&'a AppSecret>,
    /// A test event code every request carries, unless the case sets one.
    pub(crate) test_event_code: Option<&'a str>,
}

/// The request for `edge` (its body already resolved) to `pixel`.
pub(crate) fn build(
    edge: &EdgeRequest,
    body: Value,
    pixel: &str,
    ctx: &RequestContext<'_>,
) -> Result<WireRequest, String> {
    let path = edge
        .path
        .replace("{version}", ctx.version)
        .replace("{pixel}", pixel);
    let token = match edge.token {
        TokenPlacement::Wrong => Some(AccessToken::new(WRONG_TOKEN)),
        TokenPlacement::None => None,
        _ => Some(ctx.token.clone()),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(token) = &token
        && matches!(edge.token, TokenPlacement::Query | TokenPlacement::Wrong)
    {
        query.append_pair("access_token", token.expose());
    }
    match (edge.appsecret_proof, ctx.app_secret, &token) {
        (ProofPlacement::Auto, Some(secret), Some(token)) => {
            query.append_pair("appsecret_proof", &secret.proof(token));
        }
        (ProofPlacement::Wrong, _, Some(token)) => {
            let other = AppSecret::new("capi-conformance-not-the-app-secret");
            query.append_pair("appsecret_proof", &other.proof(token));
        }
        _ => {}
    }
    if edge.encoding == Encoding::Raw
        && let Some(code) = ctx.test_event_code
    {
        // A raw body is sent as it is: the code goes in the query instead.
        query.append_pair("test_event_code", code);
    }
    for (key, value) in &edge.query {
        query.append_pair(key, value);
    }
    let query = query.finish();
    let path_and_query = if query.is_empty() {
        path
    } else if path.contains('?') {
        format!("{path}&{query}")
    } else {
        format!("{path}?{query}")
    };

    let mut headers = Vec::new();
    match (&token, edge.token) {
        (Some(token), TokenPlacement::OauthHeader) => {
            headers.push(("authorization".into(), format!("OAuth {}", token.expose())));
        }
        (Some(token), TokenPlacement::BearerHeader) => {
            headers.push(("authorization".into(), format!("Bearer {}", token.expose())));
        }
        _ => {}
    }
    let body_token = token
        .as_ref()
        .filter(|_| edge.token == TokenPlacement::Body)
        .map(AccessToken::expose);
    let (content_type, bytes) = encode(edge.encoding, body, body_token, ctx.test_event_code)?;
    let overrides_type = edge
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    if let Some(content_type) = content_type
        && !overrides_type
    {
        headers.push(("content-type".into(), content_type));
    }
    headers.extend(edge.headers.iter().cloned());
    Ok(WireRequest {
        method: edge.method.clone(),
        path_and_query,
        headers,
        body: bytes,
    })
}

/// The body bytes and their content type.
fn encode(
    encoding: Encoding,
    body: Value,
    token: Option<&str>,
    test_event_code: Option<&str>,
) -> Result<(Option<String>, Vec<u8>), String> {
    let add = |mut map: Map<String, Value>| {
        if let Some(token) = token {
            map.insert("access_token".into(), token.into());
        }
        if let Some(code) = test_event_code
            && !map.contains_key("test_event_code")
        {
            map.insert("test_event_code".into(), code.into());
        }
        map
    };
    match encoding {
        Encoding::Json => {
            let body = match body {
                Value::Object(map) => Value::Object(add(map)),
                other => other,
            };
            let bytes = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
            Ok((Some("application/json".into()), bytes))
        }
        Encoding::Form => {
            let fields = add(fields_of(body)?);
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (key, value) in &fields {
                form.append_pair(key, &field_text(value));
            }
            Ok((
                Some("application/x-www-form-urlencoded".into()),
                form.finish().into_bytes(),
            ))
        }
        Encoding::Multipart => {
            let fields = add(fields_of(body)?);
            let mut out = String::new();
            for (key, value) in &fields {
                out.push_str(&format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{}\r\n",
                    field_text(value)
                ));
            }
            out.push_str(&format!("--{BOUNDARY}--\r\n"));
            Ok((
                Some(format!("multipart/form-data; boundary={BOUNDARY}")),
                out.into_bytes(),
            ))
        }
        Encoding::Raw => match body {
            Value::String(text) => Ok((None, text.into_bytes())),
            _ => Err("a raw body must be a string".into()),
        },
    }
}

fn fields_of(body: Value) -> Result<Map<String, Value>, String> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err("a form or multipart body must be an object of fields".into()),
    }
}

/// A form field's text: strings as they are, anything else as JSON.
fn field_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
