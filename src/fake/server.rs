//! The fake behind a real HTTP/1.1 server on a TCP socket (what `capi serve` runs), with faults that
//! need a real connection: delayed answers and connections closed without an answer.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::fault_kinds::Fault;
use super::graph::FakeGraph;
use super::request::{FakeRequest, Hint};
use crate::rules::RuleId;

/// How long a shutdown waits for requests in flight before closing their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A [`FakeGraph`] served over HTTP/1.1 on a TCP socket, on the current tokio runtime. Unlike the
/// wiremock adapter it can close a connection without answering ([`super::Fault::Drop`]).
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use capi_kit::fake::{FakeGraph, FakeServer};
///
/// let server = FakeServer::start(FakeGraph::new(), "127.0.0.1:0".parse().unwrap()).await?;
/// println!("point your client at {}", server.uri());
/// server.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct FakeServer {
    local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl FakeServer {
    /// Binds `addr` (port 0 picks a free port) and serves `fake` until [`FakeServer::shutdown`].
    pub async fn start(fake: FakeGraph, addr: SocketAddr) -> io::Result<FakeServer> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, fake, async {
            // A dropped sender stops the server too.
            let _ = stopped.await;
        }));
        Ok(FakeServer {
            local_addr,
            stop: Some(stop),
            task,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://{address}`, the base URL for a client.
    pub fn uri(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Stops accepting connections, lets requests in flight finish (up to 5 seconds), and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // Without an explicit shutdown, stop at once rather than serve forever in the background.
        self.task.abort();
    }
}

/// Serves `fake` on `listener` until `shutdown` completes, then closes idle connections and waits up
/// to 5 seconds for requests in flight. Errors on single connections are logged, never fatal.
pub async fn serve(listener: TcpListener, fake: FakeGraph, shutdown: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        // A client that opens a connection and sends nothing must not hold it forever.
        .header_read_timeout(Duration::from_secs(30));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let fake = fake.clone();
                    let service = service_fn(move |request| answer(fake.clone(), request));
                    let connection = http.serve_connection(TokioIo::new(stream), service);
                    let connection = graceful.watch(connection);
                    tokio::spawn(async move {
                        if let Err(error) = connection.await {
                            tracing::debug!(%peer, %error, "connection ended with an error");
                        }
                    });
                }
                Err(error) => {
                    // Typically too many open files: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still in flight after {SHUTDOWN_GRACE:?}; closing anyway");
        }
    }
}

/// The reason a connection is closed without an answer (a drop fault, or a client that went away).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct NoAnswer(&'static str);

/// Reads the request (at most the fake's body cap plus one byte), asks the core, and answers.
async fn answer(
    fake: FakeGraph,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, NoAnswer> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let limit = fake.max_body_bytes();
    let announced = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    let body = read_capped(body, announced, limit).await?;
    let request = FakeRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let (answer, request) = if request.path.starts_with(crate::control::PREFIX) {
        // A listing may write 100,000 events (half a second or more): off the workers that serve
        // the events edge.
        let handler = fake.clone();
        tokio::task::spawn_blocking(move || (handler.handle(&request), request))
            .await
            .map_err(|_| NoAnswer("the inspection request's task failed"))?
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
    let mut response = Response::new(Full::new(answer.body));
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
    if request.body.len() > limit {
        // The rest of the body was never read: this connection cannot carry another request.
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// The ids of the warn-level rules an accepted request broke, comma-separated, for the log line.
fn warning_ids(rules: &[RuleId]) -> String {
    let ids: Vec<&str> = rules.iter().map(|rule| rule.as_str()).collect();
    ids.join(",")
}

/// The body, or its first `limit + 1` bytes when it is longer (enough for the core to refuse it).
/// The buffer is sized from `Content-Length` up front (never past the cap), so a large batch is not
/// copied again and again as the buffer grows.
async fn read_capped(
    mut body: Incoming,
    announced: Option<usize>,
    limit: usize,
) -> Result<Bytes, NoAnswer> {
    let mut buffer = BytesMut::with_capacity(announced.unwrap_or(0).min(limit + 1));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| NoAnswer("the client stopped sending its body"))?;
        if let Ok(data) = frame.into_data() {
            buffer.extend_from_slice(&data);
            if buffer.len() > limit {
                buffer.truncate(limit + 1);
                break;
            }
        }
    }
    Ok(buffer.freeze())
}
