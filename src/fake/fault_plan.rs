//! When faults happen: a seeded plan (rates per kind) or a queue (the next N requests) picks the
//! [fault kind](super::fault_kinds) each request to the events edge gets, and counts them.
//!
//! A client's retry logic is tested against exactly these. For a given seed and the same sequence of
//! requests the plan picks the same faults: each request to the events edge draws one number from a
//! generator seeded once, whatever the outcome. Queued faults come first and draw nothing.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde::Serialize;

#[cfg(test)]
use super::fault_kinds::DEFAULT_SLOW_DELAY;
use super::fault_kinds::{Fault, FaultSpecError};

/// A seeded fault plan: each request to the events edge gets fault `k` with probability `rate_k`
/// (the rates add up to at most 1), decided by a generator seeded with `seed`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultPlan {
    seed: u64,
    rates: Vec<(Fault, f64)>,
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan::new(0)
    }
}

impl FaultPlan {
    /// A plan with no faults yet, seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        FaultPlan {
            seed,
            rates: Vec::new(),
        }
    }

    /// Adds `fault` with probability `rate` per request (a kind given twice keeps its last rate).
    pub fn with(mut self, fault: Fault, rate: f64) -> Result<Self, FaultSpecError> {
        if !(0.0..=1.0).contains(&rate) {
            return Err(FaultSpecError::BadRate {
                kind: fault.name().to_owned(),
                rate: rate.to_string(),
            });
        }
        self.rates.retain(|(known, _)| known.name() != fault.name());
        self.rates.push((fault, rate));
        let total: f64 = self.rates.iter().map(|(_, rate)| rate).sum();
        if total > 1.0 + 1e-9 {
            return Err(FaultSpecError::RatesAboveOne(total));
        }
        Ok(self)
    }

    /// Reads `KIND=RATE[,KIND=RATE…]`, e.g. `service-error=0.05,user-throttle=0.02,drop=0.01`
    /// (an empty string is no faults); `slow` answers wait `slow_delay`.
    pub fn parse(spec: &str, seed: u64, slow_delay: Duration) -> Result<Self, FaultSpecError> {
        let mut plan = FaultPlan::new(seed);
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (kind, rate) = entry
                .split_once('=')
                .ok_or_else(|| FaultSpecError::NotKindEqualsRate(entry.to_owned()))?;
            let fault = Fault::from_name(kind.trim(), slow_delay)?;
            let rate = rate
                .trim()
                .parse::<f64>()
                .map_err(|_| FaultSpecError::BadRate {
                    kind: kind.trim().to_owned(),
                    rate: rate.trim().to_owned(),
                })?;
            plan = plan.with(fault, rate)?;
        }
        Ok(plan)
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Whether the plan injects nothing.
    pub fn is_empty(&self) -> bool {
        self.rates.iter().all(|(_, rate)| *rate == 0.0)
    }

    /// The fault for a draw `x` in `[0, 1)`: walks the cumulative rates.
    fn pick(&self, x: f64) -> Option<Fault> {
        let mut bound = 0.0;
        for (fault, rate) in &self.rates {
            bound += rate;
            if x < bound {
                return Some(*fault);
            }
        }
        None
    }
}

/// What the fake's fault injection has done so far, as `GET /_fake/faults` shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FaultReport {
    /// The seeded plan.
    pub plan: FaultPlan,
    /// Faults queued for the next requests, first first.
    pub queued: Vec<Fault>,
    /// Requests to the events edge seen so far.
    pub requests: u64,
    /// Faults injected so far, by kind name.
    pub injected: BTreeMap<&'static str, u64>,
}

/// The fault state of one fake: plan, generator, queue and counts.
pub(crate) struct FaultState {
    rng: fastrand::Rng,
    report: FaultReport,
    queue: VecDeque<Fault>,
}

impl FaultState {
    pub(crate) fn new(plan: FaultPlan) -> Self {
        FaultState {
            rng: fastrand::Rng::with_seed(plan.seed),
            report: FaultReport {
                plan,
                ..FaultReport::default()
            },
            queue: VecDeque::new(),
        }
    }

    /// The fault for the next events-edge request, if any: a queued one first, else the plan's draw.
    pub(crate) fn next(&mut self) -> Option<Fault> {
        self.report.requests += 1;
        let fault = match self.queue.pop_front() {
            Some(fault) => Some(fault),
            None if self.report.plan.is_empty() => None,
            None => {
                let x = self.rng.f64();
                self.report.plan.pick(x)
            }
        }?;
        *self.report.injected.entry(fault.name()).or_default() += 1;
        Some(fault)
    }

    /// Queues `faults` for the next requests, after any already queued.
    pub(crate) fn enqueue(&mut self, faults: impl IntoIterator<Item = Fault>) {
        self.queue.extend(faults);
    }

    /// Replaces the queued faults with `faults`.
    pub(crate) fn replace_queue(&mut self, faults: Vec<Fault>) {
        self.queue = faults.into();
    }

    /// Replaces the plan; its generator starts again from the new seed.
    pub(crate) fn set_plan(&mut self, plan: FaultPlan) {
        self.rng = fastrand::Rng::with_seed(plan.seed);
        self.report.plan = plan;
    }

    /// Forgets queued faults and counts; the plan goes on where it was.
    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.report.requests = 0;
        self.report.injected.clear();
    }

    pub(crate) fn report(&self) -> FaultReport {
        FaultReport {
            queued: self.queue.iter().copied().collect(),
            ..self.report.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_reads_into_a_plan() {
        let plan = FaultPlan::parse(
            "service-error=0.25, slow=0.5,drop=0",
            7,
            Duration::from_millis(10),
        )
        .unwrap();
        assert_eq!(plan.pick(0.1), Some(Fault::ServiceError));
        assert_eq!(plan.pick(0.3), Some(Fault::Slow(Duration::from_millis(10))));
        assert_eq!(plan.pick(0.8), None);
        assert!(
            FaultPlan::parse("", 1, DEFAULT_SLOW_DELAY)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let parse = |spec| FaultPlan::parse(spec, 0, DEFAULT_SLOW_DELAY).unwrap_err();
        assert_eq!(
            parse("boom=0.1"),
            FaultSpecError::UnknownKind("boom".into())
        );
        assert_eq!(
            parse("drop"),
            FaultSpecError::NotKindEqualsRate("drop".into())
        );
        assert!(matches!(parse("drop=2"), FaultSpecError::BadRate { .. }));
        assert!(matches!(parse("drop=x"), FaultSpecError::BadRate { .. }));
        assert!(matches!(parse("drop=NaN"), FaultSpecError::BadRate { .. }));
        assert!(matches!(
            parse("drop=0.6,html-502=0.6"),
            FaultSpecError::RatesAboveOne(_)
        ));
    }

    #[test]
    fn every_name_reads_back_as_its_fault() {
        for fault in Fault::ALL {
            assert_eq!(
                Fault::from_name(fault.name(), DEFAULT_SLOW_DELAY),
                Ok(fault)
            );
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_faults_and_the_queue_comes_first() {
        let plan = FaultPlan::new(42)
            .with(Fault::ServiceError, 0.3)
            .unwrap()
            .with(Fault::Drop, 0.2)
            .unwrap();
        let run = |plan: &FaultPlan| {
            let mut state = FaultState::new(plan.clone());
            state.enqueue([Fault::UserThrottle]);
            (0..200).map(|_| state.next()).collect::<Vec<_>>()
        };
        let first = run(&plan);
        assert_eq!(first, run(&plan));
        assert_eq!(first[0], Some(Fault::UserThrottle));
        let faults = first.iter().flatten().count();
        assert!((80..=120).contains(&faults), "{faults} faults of 200");
        let other_seed = run(&FaultPlan { seed: 43, ..plan });
        assert_ne!(first, other_seed);
    }
}
