//! The fake behind a real HTTP/1.1 server on a TCP socket (what `capi serve` runs), with faults that
//! need a real connection (delayed answers, connections closed without an answer) and the limits
//! that keep one client from holding the server's memory or its other clients.

mod accounting;
mod body;
mod exchange;
mod limits;
mod refusals;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tokio_io_timeout::TimeoutStream;

use super::graph::FakeGraph;
use accounting::Answered;

pub use limits::{
    DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_BODY_MEMORY, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_SHUTDOWN_GRACE, DEFAULT_WRITE_TIMEOUT, ServerLimits,
};

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
    task: JoinHandle<Stopped>,
}

/// How a server's shutdown went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stopped {
    /// Requests still being answered when the shutdown grace ran out: their connections were
    /// closed without an answer.
    pub requests_cut: usize,
}

impl FakeServer {
    /// Binds `addr` (port 0 picks a free port) and serves `fake` until [`FakeServer::shutdown`],
    /// with the default [`ServerLimits`].
    pub async fn start(fake: FakeGraph, addr: SocketAddr) -> io::Result<FakeServer> {
        FakeServer::start_with(fake, addr, ServerLimits::default()).await
    }

    /// [`FakeServer::start`] with other limits.
    pub async fn start_with(
        fake: FakeGraph,
        addr: SocketAddr,
        limits: ServerLimits,
    ) -> io::Result<FakeServer> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, fake, limits, async {
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

    /// Stops accepting connections, lets requests in flight finish (within the limits' shutdown
    /// grace), and says how many it had to cut.
    pub async fn shutdown(mut self) -> Stopped {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap_or_default()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // Without an explicit shutdown, stop at once rather than serve forever in the background.
        self.task.abort();
    }
}

/// Serves `fake` on `listener` within `limits` until `shutdown` completes, then closes idle
/// connections and waits up to the shutdown grace for requests in flight. Errors on single
/// connections are logged, never fatal.
pub async fn serve(
    listener: TcpListener,
    fake: FakeGraph,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> Stopped {
    let graceful = GracefulShutdown::new();
    let answered = Answered::default();
    // Every connection's task, so that those still running after the grace can be ended.
    let mut tasks = JoinSet::new();
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let body_memory = Arc::new(exchange::body_budget(
        limits.max_body_memory,
        fake.max_body_bytes(),
    ));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        // A client that opens a connection and sends nothing must not hold it forever.
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        // Past the cap, wait for a connection to close before accepting: the next clients wait in
        // the kernel's queue.
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
            () = &mut shutdown => break,
        };
        // Reap the tasks of connections that closed.
        while tasks.try_join_next().is_some() {}
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    // A client that stops reading its answer holds the answer's memory only this
                    // long.
                    let mut stream = TimeoutStream::new(stream);
                    stream.set_write_timeout(Some(limits.write_timeout));
                    let (fake, answered) = (fake.clone(), answered.clone());
                    let body_memory = Arc::clone(&body_memory);
                    let service = service_fn(move |request| {
                        let turn = exchange::Turn {
                            limits,
                            answering: answered.enter(),
                            body_memory: Arc::clone(&body_memory),
                        };
                        exchange::answer(fake.clone(), turn, request)
                    });
                    // hyper's own refusals (headers it cannot parse…) leave as Graph's envelope.
                    let stream = refusals::RefusalsAsGraph::new(Box::pin(stream));
                    let connection = http.serve_connection(TokioIo::new(stream), service);
                    let connection = graceful.watch(connection);
                    tasks.spawn(async move {
                        if let Err(error) = connection.await {
                            tracing::debug!(%peer, %error, "connection ended with an error");
                        }
                        drop(permit);
                    });
                }
                Err(error) => {
                    // Typically too many open files: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let grace = limits.shutdown_grace;
    tokio::select! {
        () = graceful.shutdown() => {
            tracing::info!("all connections closed");
            Stopped::default()
        }
        () = tokio::time::sleep(grace) => {
            let requests_cut = answered.now();
            if requests_cut > 0 {
                tracing::warn!(requests_cut, "requests still in flight after {grace:?}; closing their connections");
            }
            tasks.shutdown().await;
            Stopped { requests_cut }
        }
    }
}
