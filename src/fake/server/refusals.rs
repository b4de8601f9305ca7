//! hyper's own refusals (a request line or headers it cannot parse, headers or a URI too long)
//! rewritten on their way out as Graph's envelope, so that every refusal a client meets has the
//! shape its error handling reads.
//!
//! hyper answers those requests itself, before any service runs, with a bare head (`HTTP/1.1 431
//! …`, no body) and no hook to change it. Every answer the fake writes has a `content-type`; a head
//! with an error status and none is therefore one of hyper's, and this writer replaces it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::fake::answers;

/// A connection's stream whose writes of hyper's bare refusals become Graph's envelope.
#[derive(Debug)]
pub(super) struct RefusalsAsGraph<S> {
    inner: S,
    /// A replacement being written: its bytes, how many went out, and how many bytes of hyper's
    /// buffer it stands for (reported written once it is all out).
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> RefusalsAsGraph<S> {
    pub(super) fn new(inner: S) -> Self {
        RefusalsAsGraph {
            inner,
            pending: None,
        }
    }
}

/// The whole answer (head and body) that replaces `written`, when it is one of hyper's bare
/// refusals.
fn replacement(written: &[u8]) -> Option<Vec<u8>> {
    let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&written[..head_end]).ok()?;
    let status: u16 = head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    if status < 400 || head.to_ascii_lowercase().contains("\r\ncontent-type:") {
        return None;
    }
    let status = StatusCode::from_u16(status).ok()?;
    let (title, message) = match status {
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "Request headers too large",
            "The request's headers are larger than this server reads.",
        ),
        StatusCode::URI_TOO_LONG => (
            "Request URI too long",
            "The request's URI is longer than this server reads.",
        ),
        _ => (
            "Malformed request",
            "The request line or a header (Content-Length, say) cannot be read as HTTP/1.1.",
        ),
    };
    let answer = answers::invalid_parameter(status, title, message.to_owned());
    let mut bytes = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        answer.content_type,
        answer.body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&answer.body);
    Some(bytes)
}

impl<S: AsyncWrite + Unpin> RefusalsAsGraph<S> {
    /// Writes out the pending replacement; ready with the length of hyper's buffer it stands for.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        while let Some((bytes, sent, stands_for)) = &mut self.pending {
            if *sent == bytes.len() {
                let stands_for = *stands_for;
                self.pending = None;
                return Poll::Ready(Ok(stands_for));
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *sent += n;
        }
        Poll::Ready(Ok(0))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for RefusalsAsGraph<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for RefusalsAsGraph<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            match replacement(buf) {
                Some(bytes) => this.pending = Some((bytes, 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        this.poll_pending(cx)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_error_heads_are_replaced() {
        let bare =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let replaced = String::from_utf8(replacement(bare).unwrap()).unwrap();
        assert!(replaced.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        let body: serde_json::Value =
            serde_json::from_str(replaced.split_once("\r\n\r\n").unwrap().1).unwrap();
        assert_eq!(body["error"]["code"], 100);
        assert_eq!(
            body["error"]["error_user_title"],
            "Request headers too large"
        );
        for kept in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"{\"events\":[",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
        ] {
            assert_eq!(replacement(kept), None, "{}", String::from_utf8_lossy(kept));
        }
    }
}
