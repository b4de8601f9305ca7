//! How capi-kit is built: the floors and their arrows, features, decisions, the fake's store
//! forms, adding a rule, and every file's job (`ARCHITECTURE.md`, included here).
#![doc = include_str!("../ARCHITECTURE.md")]
