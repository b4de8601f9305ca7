//! One request and its answer on a `capi serve` connection: the body read under its cap and deadline,
//! the fake asked, the answer written (or, for a drop fault, none).

use std::error::Error as _;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ServerLimits;
use super::accounting::Answering;
use super::body::AnswerBody;
use crate::control::Route;
use crate::fake::answers;
use crate::fake::control_api;
use crate::fake::fault_kinds::Fault;
use crate::fake::graph::FakeGraph;
use crate::fake::request::{FakeRequest, FakeResponse, Hint};
use crate::rules::RuleId;

/// What a body buffer starts at, whatever `Content-Length` announces: a client that announces
/// megabytes and sends nothing holds this much, not what it announced. Once this much has arrived
/// the rest of the announced length (within the cap) is reserved at once.
const FIRST_RESERVATION: usize = 64 * 1024;

/// The body budget counts bytes in units of this many (a semaphore's permits are `u32`s).
const BUDGET_UNIT: usize = 1024;

/// The server's budget of body bytes held at once: `max_body_memory`, but never less than room for
/// one body at the fake's cap (`max_body_bytes`).
pub(super) fn body_budget(max_body_memory: usize, max_body_bytes: usize) -> Semaphore {
    let units = max_body_memory
        .max(max_body_bytes.saturating_add(FIRST_RESERVATION))
        .div_ceil(BUDGET_UNIT);
    Semaphore::new(units.min(Semaphore::MAX_PERMITS))
}

/// Bodies longer than this are answered on the blocking pool (see [`answer`]).
const LARGE_BODY: usize = 256 * 1024;

/// The reason a connection is closed without an answer (a drop fault, or a client that went away).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct NoAnswer(&'static str);

/// Why a body was not read whole.
enum BodyError {
    /// The chunked encoding (or another framing) is broken: answered with a 400.
    Malformed,
    /// The client closed or reset the connection: nobody to answer.
    Gone,
}

/// What one request's answer needs of its server: the limits, its place in the count of requests
/// being answered, and the budget of body bytes held at once.
pub(super) struct Turn {
    pub(super) limits: ServerLimits,
    pub(super) answering: Answering,
    pub(super) body_memory: Arc<Semaphore>,
}

/// Reads the request (at most the fake's body cap plus one byte, within the body deadline), asks the
/// core, and answers.
pub(super) async fn answer(
    fake: FakeGraph,
    turn: Turn,
    request: Request<Incoming>,
) -> Result<Response<AnswerBody>, NoAnswer> {
    let Turn {
        limits,
        answering,
        body_memory,
    } = turn;
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let limit = fake.max_body_bytes();
    let announced = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    let waiting_for_memory = AtomicBool::new(false);
    let reading = read_capped(body, announced, limit, &body_memory, &waiting_for_memory);
    let (body, _held) = match tokio::time::timeout(limits.body_timeout, reading).await {
        Ok(Ok(read)) => read,
        Err(_elapsed) if waiting_for_memory.load(Ordering::Relaxed) => {
            // Graph's temporary service error (code 2, transient): the client is not at fault,
            // and its retry logic knows this answer.
            tracing::warn!("busy: the bodies being read fill --max-body-memory");
            let busy = FakeResponse {
                fault: None,
                ..Fault::ServiceError.answer(FakeResponse::dropped)
            };
            return Ok(closing(into_response(busy)));
        }
        Ok(Err(BodyError::Gone)) => return Err(NoAnswer("the client stopped sending its body")),
        Ok(Err(BodyError::Malformed)) => {
            tracing::info!(path = parts.uri.path(), "malformed body framing");
            return Ok(closing(into_response(answers::invalid_parameter(
                StatusCode::BAD_REQUEST,
                "Malformed request body",
                "The request body's framing (its chunked encoding) is broken.".to_owned(),
            ))));
        }
        Err(_elapsed) => {
            tracing::info!(path = parts.uri.path(), "body not received in time");
            return Ok(closing(into_response(answers::invalid_parameter(
                StatusCode::REQUEST_TIMEOUT,
                "Request body too slow",
                format!(
                    "The request body did not arrive within {} seconds.",
                    limits.body_timeout.as_secs_f64()
                ),
            ))));
        }
    };
    let request = FakeRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    if let Some(listing) =
        Route::parse(&request.path).and_then(|route| control_api::listing(&fake, &request, &route))
    {
        // Streamed as the client reads: under the write timeout, one chunk at a time.
        let response = match listing {
            Ok(listing) => {
                let mut response = Response::new(AnswerBody::Listing(listing, Some(answering)));
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static(crate::fake::request::JSON_CONTENT_TYPE),
                );
                response
            }
            Err(refused) => into_response(refused),
        };
        tracing::info!(
            method = %request.method,
            path = %request.path,
            status = response.status().as_u16(),
            micros = started.elapsed().as_micros(),
            "request"
        );
        return Ok(response);
    }
    let _answering = answering;
    let (answer, request) =
        if request.path.starts_with(crate::control::PREFIX) || request.body.len() > LARGE_BODY {
            // A large batch takes milliseconds to check and store, and a reset may free a gigabyte:
            // off the workers, so that other clients' small requests do not wait behind them.
            let handler = fake.clone();
            tokio::task::spawn_blocking(move || (handler.handle(&request), request))
                .await
                .map_err(|_| NoAnswer("the request's task failed"))?
        } else {
            (fake.handle(&request), request)
        };
    // The query may hold the access token, and bodies hold customer data: log neither.
    let warnings = (!answer.warnings.is_empty()).then(|| warning_ids(&answer.warnings));
    tracing::info!(
        method = %request.method,
        path = %request.path,
        status = answer.status.as_u16(),
        rule = answer.rule.map(|rule| rule.as_str()),
        warnings = warnings.as_deref(),
        body_bytes = request.body.len(),
        fault = answer.fault.map(Fault::name),
        hint = answer.hint.map(Hint::text),
        micros = started.elapsed().as_micros(),
        "request"
    );
    if let Some(delay) = answer.delay {
        // A slow answer is still in flight while it waits.
        let _in_flight = fake.in_flight();
        tokio::time::sleep(delay).await;
    }
    if answer.drop_connection {
        // hyper closes the connection without writing a response when the service fails.
        return Err(NoAnswer("fault: connection dropped"));
    }
    let response = into_response(answer);
    if request.body.len() > limit {
        // The rest of the body was never read: this connection cannot carry another request.
        return Ok(closing(response));
    }
    Ok(response)
}

/// The HTTP response for the core's answer.
fn into_response(answer: FakeResponse) -> Response<AnswerBody> {
    let mut response = Response::new(AnswerBody::whole(answer.body));
    *response.status_mut() = answer.status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
    if let Some(value) = answer
        .www_authenticate
        .as_deref()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}

/// `response`, marked as the connection's last.
fn closing(mut response: Response<AnswerBody>) -> Response<AnswerBody> {
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The ids of the warn-level rules an accepted request broke, comma-separated, for the log line.
fn warning_ids(rules: &[RuleId]) -> String {
    let ids: Vec<&str> = rules.iter().map(|rule| rule.as_str()).collect();
    ids.join(",")
}

/// The body, or its first `limit + 1` bytes when it is longer (enough for the core to refuse it),
/// and its share of the server's body budget, held until the answer is built.
///
/// The buffer starts small whatever `Content-Length` announces, and takes the rest of the
/// announced length (never past the cap) once the client has sent [`FIRST_RESERVATION`] bytes, so a
/// large batch is not copied again and again as the buffer grows. Every byte of capacity is taken
/// from `budget` first (in [`BUDGET_UNIT`]s), waiting while other bodies fill it (`waiting` says so meanwhile).
async fn read_capped(
    mut body: Incoming,
    announced: Option<usize>,
    limit: usize,
    budget: &Arc<Semaphore>,
    waiting: &AtomicBool,
) -> Result<(Bytes, Option<OwnedSemaphorePermit>), BodyError> {
    let cap = limit.saturating_add(1);
    let announced = announced.unwrap_or(0).min(cap);
    let mut held: Option<OwnedSemaphorePermit> = None;
    let mut buffer = BytesMut::new();
    grow(
        &mut buffer,
        announced.min(FIRST_RESERVATION),
        budget,
        &mut held,
        waiting,
    )
    .await?;
    let mut reserved_all = announced <= FIRST_RESERVATION;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| body_error(&error))?;
        if let Ok(data) = frame.into_data() {
            let wanted = buffer.len() + data.len().min(cap - buffer.len());
            if !reserved_all && wanted > FIRST_RESERVATION {
                reserved_all = true;
                grow(
                    &mut buffer,
                    announced.max(wanted),
                    budget,
                    &mut held,
                    waiting,
                )
                .await?;
            } else if wanted > buffer.capacity() {
                // No (or a wrong) length announced: grow as BytesMut would, budget first.
                let doubled = (buffer.capacity() * 2).max(wanted).min(cap);
                grow(&mut buffer, doubled, budget, &mut held, waiting).await?;
            }
            buffer.extend_from_slice(&data[..wanted - buffer.len()]);
            if buffer.len() > limit {
                break;
            }
        }
    }
    Ok((buffer.freeze(), held))
}

/// Makes `buffer`'s capacity at least `capacity`, taking the growth from `budget` into `held`.
async fn grow(
    buffer: &mut BytesMut,
    capacity: usize,
    budget: &Arc<Semaphore>,
    held: &mut Option<OwnedSemaphorePermit>,
    waiting: &AtomicBool,
) -> Result<(), BodyError> {
    let have = held.as_ref().map_or(0, |permit| permit.num_permits());
    let want = capacity.div_ceil(BUDGET_UNIT);
    if want > have {
        let more = u32::try_from(want - have).unwrap_or(u32::MAX);
        waiting.store(true, Ordering::Relaxed);
        let permit = Arc::clone(budget)
            .acquire_many_owned(more)
            .await
            .map_err(|_| BodyError::Gone)?;
        waiting.store(false, Ordering::Relaxed);
        match held {
            Some(held) => held.merge(permit),
            None => *held = Some(permit),
        }
    }
    buffer.reserve(capacity.saturating_sub(buffer.len()));
    Ok(())
}

/// Broken framing (hyper's decoder reports it as invalid input) or a client gone.
fn body_error(error: &hyper::Error) -> BodyError {
    let malformed = error
        .source()
        .and_then(|source| source.downcast_ref::<io::Error>())
        .is_some_and(|io| io.kind() == io::ErrorKind::InvalidInput);
    if malformed {
        BodyError::Malformed
    } else {
        BodyError::Gone
    }
}
