//! What one `capi serve` listener allows a client: connections, time to send a request and to read
//! an answer, the grace given to requests in flight at shutdown.

use std::time::Duration;

/// Most connections served at once by default; further clients wait in the kernel's queue.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Most bytes of request bodies held at once by default (256 MiB): 25 bodies at the default 10 MiB
/// cap, thousands of ordinary batches.
pub const DEFAULT_MAX_BODY_MEMORY: usize = 256 * 1024 * 1024;
/// Default time a client has to send a request's headers.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time a client has to send a request's whole body, from its headers on.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time a write of the answer may wait for a client that does not read.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time requests in flight at shutdown get to finish.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The limits a [`FakeServer`](super::FakeServer) (and `capi serve`) puts on its clients, so that
/// one careless or hostile client neither holds memory nor delays the others. With the fake's body
/// cap and store caps they bound the server's memory (see the README's reliability section).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Most connections open at once; the next client waits until one closes.
    pub max_connections: usize,
    /// Most bytes of request bodies held at once, from their first byte to their answer: a body
    /// that would go past it waits, unread, and gets Graph's transient error (code 2) if no room
    /// comes within its body timeout. Never less than the fake's body cap plus 64 KiB.
    pub max_body_memory: usize,
    /// Time to send a request's headers, from the connection's start or the previous answer.
    pub header_timeout: Duration,
    /// Time to send a request's body, from its headers on: a stalled or trickling upload gets
    /// Graph's envelope with HTTP 408 and its connection is closed.
    pub body_timeout: Duration,
    /// Time one write of an answer may wait for the client to read: past it the connection is
    /// closed and the answer's memory freed.
    pub write_timeout: Duration,
    /// Time requests in flight at shutdown get to finish before their connections are closed.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_body_memory: DEFAULT_MAX_BODY_MEMORY,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
        }
    }
}
