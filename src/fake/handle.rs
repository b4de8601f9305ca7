//! The core's front door: each request routed to the events edge (under any fault due) or to the
//! control protocol.

use super::answers;
use super::control_api;
use super::graph::FakeGraph;
use super::request::{FakeRequest, FakeResponse};
use super::route::{self, Route};

impl FakeGraph {
    /// Answers one request, as Graph would (see the module docs for the order of checks).
    pub fn handle(&self, request: &FakeRequest) -> FakeResponse {
        match route::route(&request.path) {
            Route::Control(path) => control_api::handle(self, request, path),
            Route::Events { version, pixel_id } => {
                let _in_flight = self.in_flight();
                if let Some(expired) = version.and_then(|v| self.expired_version(v)) {
                    return expired;
                }
                match self.next_fault() {
                    Some(fault) => fault.answer(|| self.events_edge(request, pixel_id)),
                    None => self.events_edge(request, pixel_id),
                }
            }
            Route::Unknown(path) => answers::unknown_path(path),
        }
    }
}
