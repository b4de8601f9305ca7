//! An answer's body on the wire: whole, or a listing streamed a chunk at a time as the client reads.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use super::accounting::Answering;
use crate::fake::listing::ListingAnswer;

/// The body of one answer.
#[derive(Debug)]
pub(super) enum AnswerBody {
    /// All of it at once (`None` once written).
    Whole(Option<Bytes>),
    /// A listing, counted as being answered until its last chunk is taken.
    Listing(ListingAnswer, Option<Answering>),
}

impl AnswerBody {
    /// A body of `bytes`.
    pub(super) fn whole(bytes: Bytes) -> Self {
        AnswerBody::Whole(Some(bytes))
    }
}

impl Body for AnswerBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let next = match self.get_mut() {
            AnswerBody::Whole(bytes) => bytes.take(),
            AnswerBody::Listing(listing, answering) => {
                let chunk = listing.next();
                if chunk.is_none() {
                    answering.take();
                }
                chunk
            }
        };
        Poll::Ready(next.map(|bytes| Ok(Frame::data(bytes))))
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, AnswerBody::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            AnswerBody::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            AnswerBody::Listing(..) => SizeHint::default(),
        }
    }
}
