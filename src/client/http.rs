//! The reqwest builder every HTTP client in capi-kit starts from: redirects never followed.

/// A reqwest client builder with capi-kit's transport defaults; add timeouts and build.
///
/// Redirects are never followed: Graph's edge does not redirect, and following one would post a
/// batch of hashed customer information to wherever the answer pointed. A 3xx is an answer like any
/// other unexpected status. TLS is reqwest's default, rustls with aws-lc-rs.
pub fn http_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
}
