//! The conformance suite (feature `conformance`): language-neutral case files and a runner that
//! checks any implementation of the events edge against them.
//!
//! The suite is data: `conformance/cases/<area>.json`, in the format of [`case`] (JSON Schema:
//! `conformance/case.schema.json`), built into capi-kit ([`Suite::built_in`]) or read from a
//! directory ([`Suite::from_dir`]). The runner ([`run`]) sends each case's requests to a
//! [`Target`] — any base URL over HTTP ([`HttpTarget`]), or, with feature `fake` too, the fake's
//! `FakeGraph` in-process — and compares what Graph keeps stable: statuses, `events_received`, error codes,
//! subcodes, types, `is_transient` and blame paths, never localized texts. `capi conformance` is the
//! command-line runner; `conformance/README.md` documents the format, the control protocol and the
//! capabilities for other teams; the control protocol is [`crate::control`].
//!
//! ```
//! # #[cfg(feature = "fake")]
//! # async fn example() {
//! use capi_kit::conformance::{self, RunOptions, Suite};
//! use capi_kit::fake::FakeGraph;
//!
//! let suite = Suite::built_in().expect("the built-in suite reads");
//! let report = conformance::run(&suite, &FakeGraph::new(), &RunOptions::default()).await;
//! assert_eq!(report.failed(), 0, "{}", conformance::output::table(&report));
//! # }
//! ```

pub mod authority;
pub mod case;
pub mod evidence;
mod expect;
#[cfg(feature = "fake")]
mod fake_target;
pub mod output;
pub mod record;
mod run;
pub mod standing;
mod suite;
mod target;
pub mod template;
mod walk;
mod wire;

pub use authority::{Authority, Derivation};
pub use case::{Capability, Case, CaseFile};
pub use run::{CaseResult, Exchange, Outcome, RunOptions, RunReport, run};
pub use suite::{AREAS, Suite, SuiteError};
pub use target::{
    HttpTarget, MAX_ANSWER_BYTES, Target, TargetError, TargetFuture, WireRequest, WireResponse,
};
pub use template::{Scope, TemplateError, relative_time};
pub use walk::{WalkOptions, replay};
