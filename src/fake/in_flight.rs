//! Requests to the events edge being answered right now, and the most answered at once: how a
//! client's concurrency bound is checked from outside.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The counter; [`InFlight::enter`] counts a request until its guard drops.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// One request being answered.
pub(crate) struct InFlightGuard<'a>(&'a InFlight);

impl InFlight {
    /// Counts one more request until the guard drops.
    pub(crate) fn enter(&self) -> InFlightGuard<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        InFlightGuard(self)
    }

    /// Requests being answered now.
    pub(crate) fn now(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The most answered at once since the start or the last [`reset`](Self::reset).
    pub(crate) fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }

    /// Starts the maximum again from the requests in flight now.
    pub(crate) fn reset(&self) {
        self.most.store(self.now(), Ordering::SeqCst);
    }
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_overlapping_requests_and_their_maximum() {
        let counter = InFlight::default();
        let first = counter.enter();
        {
            let _second = counter.enter();
            assert_eq!((counter.now(), counter.most()), (2, 2));
        }
        drop(first);
        assert_eq!((counter.now(), counter.most()), (0, 2));
        counter.reset();
        assert_eq!(counter.most(), 0);
    }
}
