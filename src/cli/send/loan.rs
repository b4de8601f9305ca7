//! The reading thread's events as the sender's iterator: each event is on loan, and goes back to
//! the reading thread to be freed there, where its memory was allocated (mimalloc frees memory of
//! another thread more slowly, and the sender's thread is the busier one).

use std::borrow::{Borrow, BorrowMut};
use std::cell::RefCell;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use capi_kit::types::ServerEvent;

use super::accounting::Lines;
use super::hashing::Hashing;
use super::reading::Item;

/// Events the sender is done with, boxed as they were handed over (moving a box moves a pointer,
/// not the 2.5 KB event).
#[allow(clippy::vec_box)]
pub(super) type DoneEvents = Vec<Box<ServerEvent>>;

/// The events the reading thread made, as the sender's iterator; problems and warnings are kept
/// in `lines` on the way, and `--hash-pii` hashes each event as it passes.
pub(super) struct Received<'a> {
    chunks: Receiver<Vec<Item>>,
    /// Events the sender is done with, handed back to the reading thread with each new chunk.
    done: Arc<Mutex<DoneEvents>>,
    give_back: Sender<DoneEvents>,
    chunk: std::vec::IntoIter<Item>,
    lines: &'a RefCell<Lines>,
    hashing: Option<Hashing>,
}

impl<'a> Received<'a> {
    /// The events of `chunks`, given back through `give_back`.
    pub(super) fn new(
        chunks: Receiver<Vec<Item>>,
        give_back: Sender<DoneEvents>,
        lines: &'a RefCell<Lines>,
        hashing: Option<Hashing>,
    ) -> Self {
        Received {
            chunks,
            done: Arc::default(),
            give_back,
            chunk: Vec::new().into_iter(),
            lines,
            hashing,
        }
    }
}

/// An event on loan from the reading thread, given back when dropped.
pub(super) struct Loaned {
    event: Option<Box<ServerEvent>>,
    done: Arc<Mutex<DoneEvents>>,
}

impl Borrow<ServerEvent> for Loaned {
    fn borrow(&self) -> &ServerEvent {
        self.event.as_deref().expect("an event until dropped")
    }
}

impl BorrowMut<ServerEvent> for Loaned {
    fn borrow_mut(&mut self) -> &mut ServerEvent {
        self.event.as_deref_mut().expect("an event until dropped")
    }
}

impl Drop for Loaned {
    fn drop(&mut self) {
        if let Some(event) = self.event.take() {
            self.done
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(event);
        }
    }
}

impl Iterator for Received<'_> {
    type Item = Loaned;

    fn next(&mut self) -> Option<Loaned> {
        loop {
            let item = match self.chunk.next() {
                Some(item) => item,
                None => {
                    let done = std::mem::take(
                        &mut *self.done.lock().unwrap_or_else(PoisonError::into_inner),
                    );
                    // The reading thread may have finished: then the events are freed here.
                    let _ = self.give_back.send(done);
                    self.chunk = self.chunks.recv().ok()?.into_iter();
                    continue;
                }
            };
            let mut lines = self.lines.borrow_mut();
            match item {
                Item::Event(line, mut event) => {
                    if let Some(hashing) = &mut self.hashing
                        && !hashing.hash(line, &mut event, &mut lines)
                    {
                        continue;
                    }
                    lines.event_lines.push(line);
                    return Some(Loaned {
                        event: Some(event),
                        done: Arc::clone(&self.done),
                    });
                }
                Item::Problem(problem) => lines.problems.push(problem),
                Item::Warning(warning) => lines.warnings.push(warning),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::accounting::LineProblem;
    use super::*;

    fn event(id: &str) -> Box<ServerEvent> {
        Box::new(
            serde_json::from_value(serde_json::json!({
                "event_name": "Lead", "event_time": 1, "action_source": "email", "event_id": id,
                "user_data": {"external_id": "x"},
            }))
            .expect("an event"),
        )
    }

    #[test]
    fn events_come_out_in_order_with_their_lines_and_go_back_when_dropped() {
        let (out, chunks) = std::sync::mpsc::sync_channel(4);
        let (give_back, given_back) = std::sync::mpsc::channel();
        let problem = LineProblem {
            line: 2,
            event_id: None,
            rule: None,
            message: "not JSON (column 1)".into(),
        };
        out.send(vec![
            Item::Event(1, event("a")),
            Item::Problem(problem.clone()),
            Item::Warning("a warning".into()),
        ])
        .expect("open");
        out.send(vec![Item::Event(3, event("b"))]).expect("open");
        drop(out);
        let lines = RefCell::new(Lines::default());
        let received = Received::new(chunks, give_back, &lines, None);
        let ids: Vec<String> = received
            .map(|loaned| {
                let event: &ServerEvent = loaned.borrow();
                event.event_id.clone().expect("an id")
            })
            .collect();
        assert_eq!(ids, ["a", "b"]);
        let lines = lines.into_inner();
        assert_eq!(lines.event_lines, [1, 3]);
        assert_eq!(lines.problems.first(), [problem]);
        assert_eq!(lines.warnings, ["a warning"]);
        // Every event made its way back to be freed by the reading thread.
        let returned: usize = given_back.try_iter().map(|done| done.len()).sum();
        assert_eq!(returned, 2);
    }
}
