//! The client and wire types generated from `openapi/conversions-api.yaml` at build time (do not edit).
#![allow(
    missing_docs,
    unreachable_patterns,
    unused_imports,
    clippy::all,
    clippy::pedantic
)]

include!(concat!(env!("OUT_DIR"), "/capi_codegen.rs"));
