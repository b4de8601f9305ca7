//! Backoff with full jitter, and the gate that slows every worker when Graph throttles one.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::config::RetryPolicy;

/// The wait before retry number `retry` (1 for the first retry): a random duration below
/// `initial_backoff * 2^(retry-1)`, capped at `max_backoff` (AWS's "full jitter").
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let exponent = retry.saturating_sub(1).min(30);
    let ceiling = policy
        .initial_backoff
        .saturating_mul(1 << exponent)
        .min(policy.max_backoff);
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

/// Shared by a sender's workers: after a throttling answer nobody sends until the pause is over.
#[derive(Debug, Default)]
pub(crate) struct ThrottleGate {
    until: Mutex<Option<Instant>>,
}

impl ThrottleGate {
    /// Nobody sends for `pause` from now (a longer pause already set stays).
    pub(crate) fn pause(&self, pause: Duration) {
        let until = Instant::now() + pause;
        let mut slot = self.until.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none_or(|current| current < until) {
            *slot = Some(until);
        }
    }

    /// Waits until no pause is in force.
    pub(crate) async fn wait(&self) {
        loop {
            let until = *self.until.lock().unwrap_or_else(|e| e.into_inner());
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_under_its_ceiling() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(450),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            assert!(backoff(&policy, 1) <= Duration::from_millis(100));
            assert!(backoff(&policy, 2) <= Duration::from_millis(200));
            assert!(backoff(&policy, 10) <= Duration::from_millis(450));
        }
        let waits: Vec<_> = (0..50).map(|_| backoff(&policy, 3)).collect();
        assert!(waits.iter().any(|w| *w != waits[0]), "jitter draws vary");
    }
}
