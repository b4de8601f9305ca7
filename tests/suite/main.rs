//! The integration tests, one module per capability, linked as one test binary: 23 separate binaries
//! each linked every dependency again, which cost CI minutes and gigabytes of disk.
//!
//! A module that needs a cargo feature is compiled only with it (the `cfg` below stands in for
//! `required-features`, which applies to whole test binaries): `cargo test --no-default-features`
//! runs what the client-only build offers.

mod support;

mod architecture;
mod build_json_schema;
mod catalog;
#[cfg(feature = "cli")]
mod cli_conformance;
#[cfg(feature = "cli")]
mod cli_hash;
#[cfg(all(feature = "cli", feature = "wiremock"))]
mod cli_send;
#[cfg(feature = "cli")]
mod cli_serve;
#[cfg(feature = "cli")]
mod cli_validate;
#[cfg(feature = "wiremock")]
mod client_wire;
#[cfg(all(feature = "conformance", feature = "fake"))]
mod conformance;
#[cfg(all(feature = "conformance", feature = "fake"))]
mod conformance_bite;
#[cfg(all(
    feature = "conformance",
    feature = "fake",
    feature = "schemars",
    feature = "report"
))]
mod evidence;
#[cfg(feature = "wiremock")]
mod fake_auth;
#[cfg(feature = "wiremock")]
mod fake_batches;
#[cfg(feature = "wiremock")]
mod fake_dedup;
#[cfg(feature = "wiremock")]
mod fake_faults;
#[cfg(feature = "wiremock")]
mod fake_inspection;
#[cfg(feature = "fake")]
mod fake_relax;
#[cfg(feature = "fake")]
mod fake_retention;
#[cfg(feature = "wiremock")]
mod fake_transport_errors;
#[cfg(feature = "wiremock")]
mod fake_wire_shapes;
#[cfg(all(feature = "cli", feature = "wiremock"))]
mod levels;
mod pii_properties;
mod pii_vectors;
mod rules;
#[cfg(feature = "report")]
mod rules_properties;
#[cfg(feature = "wiremock")]
mod sender;
#[cfg(feature = "wiremock")]
mod sender_hostile;
#[cfg(feature = "fake")]
mod server_limits;
mod spec;
mod wire_types;
