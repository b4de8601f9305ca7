//! Counts the requests a server is answering, so that a shutdown can say how many it cut.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of requests being answered on one server's connections.
#[derive(Clone, Debug, Default)]
pub(super) struct Answered(Arc<AtomicUsize>);

impl Answered {
    /// Counts one request until the guard drops.
    pub(super) fn enter(&self) -> Answering {
        self.0.fetch_add(1, Ordering::Relaxed);
        Answering(Arc::clone(&self.0))
    }

    /// Requests being answered now.
    pub(super) fn now(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// One request being answered.
#[derive(Debug)]
pub(super) struct Answering(Arc<AtomicUsize>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
