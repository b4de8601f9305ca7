//! A listing's answer, `{"pixel_id": "…", "events": […], "next": "…"}`, written a chunk of events at
//! a time: the server streams the chunks (a client that reads slowly holds one chunk in the
//! server's memory, not the listing), the in-process fake joins them.

use bytes::{Bytes, BytesMut};

use super::store::Page;

/// About this many bytes of events per chunk.
const CHUNK_BYTES: usize = 64 * 1024;

/// The chunks of one listing's answer, in order.
#[derive(Debug)]
pub(crate) struct ListingAnswer {
    /// The opening, `{"pixel_id":"…","events":[`, until the first chunk takes it.
    head: Option<Vec<u8>>,
    page: Page,
    /// The next event to write, and how many were written (for the commas).
    index: usize,
    written: usize,
    done: bool,
}

impl ListingAnswer {
    /// The answer listing `page` under `key` (`pixel_id` or `test_event_code`) = `value`.
    pub(crate) fn new(key: &str, value: &str, page: Page) -> Self {
        let mut head = Vec::with_capacity(32 + value.len());
        head.push(b'{');
        // Strings always serialize.
        let _ = serde_json::to_writer(&mut head, key);
        head.push(b':');
        let _ = serde_json::to_writer(&mut head, value);
        head.extend_from_slice(b",\"events\":[");
        ListingAnswer {
            head: Some(head),
            page,
            index: 0,
            written: 0,
            done: false,
        }
    }

    /// The whole answer at once.
    pub(crate) fn into_bytes(self) -> Bytes {
        let mut whole = BytesMut::new();
        for chunk in self {
            whole.extend_from_slice(&chunk);
        }
        whole.freeze()
    }
}

impl Iterator for ListingAnswer {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.done {
            return None;
        }
        let mut out = self.head.take().unwrap_or_default();
        let count = self.page.events.len();
        while out.len() < CHUNK_BYTES && self.index < count {
            let mark = out.len();
            if self.written > 0 {
                out.push(b',');
            }
            if self.page.events.write_listed(self.index, &mut out) {
                self.written += 1;
            } else {
                out.truncate(mark);
            }
            self.index += 1;
        }
        if self.index == count {
            out.push(b']');
            if let Some(next) = self.page.next {
                out.extend_from_slice(format!(",\"next\":\"{next}\"").as_bytes());
            }
            out.push(b'}');
            self.done = true;
        }
        Some(Bytes::from(out))
    }
}
