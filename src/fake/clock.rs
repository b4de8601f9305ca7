//! The fake's clock: the system clock by default, or a time a test sets and advances.

use std::sync::atomic::{AtomicI64, Ordering};

/// Marks "follow the system clock" in [`Clock::fixed`].
const SYSTEM: i64 = i64::MIN;

/// Unix seconds, from the system clock or fixed by a test. Lock-free; shared by every clone of the fake.
#[derive(Debug)]
pub(crate) struct Clock {
    /// The fixed time, or [`SYSTEM`].
    fixed: AtomicI64,
}

impl Clock {
    /// A clock that follows the system clock, or stays at `now` if given.
    pub(crate) fn new(now: Option<i64>) -> Self {
        Clock {
            fixed: AtomicI64::new(now.map_or(SYSTEM, |t| t.max(SYSTEM + 1))),
        }
    }

    /// The current time in Unix seconds.
    pub(crate) fn now(&self) -> i64 {
        match self.fixed.load(Ordering::Acquire) {
            SYSTEM => system_now(),
            fixed => fixed,
        }
    }

    /// Stops the clock at `now` (Unix seconds).
    pub(crate) fn set(&self, now: i64) {
        self.fixed.store(now.max(SYSTEM + 1), Ordering::Release);
    }

    /// Moves the clock `seconds` forward (backward if negative) and keeps it there.
    pub(crate) fn advance(&self, seconds: i64) {
        // The closure always returns Some, so this never fails.
        let _ = self
            .fixed
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |fixed| {
                let base = if fixed == SYSTEM { system_now() } else { fixed };
                Some(base.saturating_add(seconds).max(SYSTEM + 1))
            });
    }

    /// True when the clock stands still (set or advanced), false when it follows the system clock.
    pub(crate) fn is_stopped(&self) -> bool {
        self.fixed.load(Ordering::Acquire) != SYSTEM
    }

    /// Follows the system clock again.
    pub(crate) fn use_system(&self) {
        self.fixed.store(SYSTEM, Ordering::Release);
    }
}

/// The system clock in Unix seconds (0 before 1970, which no real machine reports).
fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_stays_and_advances() {
        let clock = Clock::new(Some(1_000));
        assert_eq!(clock.now(), 1_000);
        clock.advance(60);
        assert_eq!(clock.now(), 1_060);
        clock.set(5);
        assert_eq!(clock.now(), 5);
    }

    #[test]
    fn the_default_clock_is_the_system_clock() {
        let clock = Clock::new(None);
        assert!((clock.now() - system_now()).abs() <= 1);
        clock.advance(3_600);
        assert!((clock.now() - system_now() - 3_600).abs() <= 1);
        clock.use_system();
        assert!((clock.now() - system_now()).abs() <= 1);
    }
}
