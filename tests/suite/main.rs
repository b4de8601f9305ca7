//! The integration tests, one module per capability, linked as one test binary: 23 separate binaries
//! each linked every dependency again, which cost CI minutes and gigabytes of disk.

mod support;

mod catalog;
mod cli_hash;
mod cli_send;
mod cli_serve;
mod cli_validate;
mod client_wire;
mod fake_auth;
mod fake_batches;
mod fake_dedup;
mod fake_faults;
mod fake_inspection;
mod fake_retention;
mod fake_transport_errors;
mod fake_wire_shapes;
mod pii_properties;
mod pii_vectors;
mod rules;
mod rules_properties;
mod rules_schema_agreement;
mod spec;
mod wire_types;
