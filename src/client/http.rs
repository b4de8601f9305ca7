//! The reqwest builder every HTTP client in capi-kit starts from: rustls on ring, redirects never followed.

use std::sync::Once;

/// A reqwest client builder with capi-kit's transport defaults; add timeouts and build.
///
/// - TLS is rustls with the ring provider (the crate builds no C TLS library). The first call
///   installs ring as rustls' process-wide default provider unless the program installed one
///   already; reqwest panics when it builds a client with no provider installed, so a program that
///   builds its own reqwest clients beside capi-kit's should start from this builder (or install a
///   provider itself) before it builds them.
/// - Redirects are never followed: Graph's edge does not redirect, and following one would post a
///   batch of hashed customer information to wherever the answer pointed. A 3xx is an answer like
///   any other unexpected status.
pub fn http_builder() -> reqwest::ClientBuilder {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err only when a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
}
