//! The events edge, `POST /{version}/{pixel}/events`: method, size, decoding, auth, pixel, then the
//! rules at the fake's clock, and the accepted events stored.

use http::Method;

use super::{ExpiredVersions, FakeGraph, lock};
use crate::fake::answers;
use crate::fake::decode::{self, Malformed};
use crate::fake::fault_kinds::Fault;
use crate::fake::held_batch::HeldBatch;
use crate::fake::request::{FakeRequest, FakeResponse, Hint};
use crate::generated::types::EventRequest;
use crate::rules::{self, Context, RuleId, Verdict};

impl FakeGraph {
    /// The answer to a request for `version` when Graph no longer serves it.
    pub(crate) fn expired_version(&self, version: &str) -> Option<FakeResponse> {
        use crate::versions::{Availability, NEWEST, availability};
        if self.inner.expired_versions == ExpiredVersions::Serve {
            return None;
        }
        match availability(version, self.now()) {
            Availability::Expired | Availability::OlderThanListed => {
                Some(answers::deprecated_version(NEWEST))
            }
            Availability::Available | Availability::Unknown => None,
        }
    }

    /// The fault this events-edge request gets, if any (decided before any other check).
    pub(crate) fn next_fault(&self) -> Option<Fault> {
        lock(&self.inner.faults).next()
    }

    /// `POST /{version}/{pixel}/events`.
    pub(crate) fn events_edge(&self, request: &FakeRequest, pixel_id: &str) -> FakeResponse {
        if request.method != Method::POST {
            return answers::unsupported_method(request.method.as_str());
        }
        if let Some(too_large) = self.body_too_large(request) {
            return too_large;
        }
        let decoded = match decode::decode(request) {
            Ok(decoded) => decoded,
            Err(Malformed(message)) => return answers::malformed_body(&message),
        };
        if let Err(answer) = self.inner.auth.check(&decoded.auth) {
            return answer;
        }
        if !self.knows_pixel(pixel_id) {
            return answers::unknown_object(request.method.as_str(), pixel_id);
        }
        let events_request = match decoded.request {
            Ok(events_request) => events_request,
            // Rule `request.data.required`: Graph's own answer, with a hint for the log when the
            // body was JSON sent as a form.
            Err(violation)
                if violation.rule == RuleId::DataRequired && decode::json_read_as_form(request) =>
            {
                return FakeResponse {
                    hint: Some(Hint::JsonReadAsForm),
                    ..answers::rejected(&violation)
                };
            }
            Err(violation) => return answers::rejected(&violation),
        };
        let now = self.now();
        match self.verdict(&events_request, &Context::at(now).strict(self.inner.strict)) {
            Verdict::Rejected(violation) => answers::rejected(&violation),
            Verdict::Accepted {
                events_received,
                warnings,
            } => {
                let test_event_code = events_request
                    .test_event_code
                    .as_deref()
                    .filter(|code| !code.is_empty());
                // Written down before the store's lock is taken; the parsed events go after it.
                let batch = HeldBatch::write(&events_request.data, request.body.len())
                    .with_warnings(&warnings);
                let released = self
                    .store()
                    .insert_server(pixel_id, test_event_code, batch, now);
                // Outside the lock (the guard went with the statement above).
                drop(released);
                FakeResponse {
                    warnings: warnings.iter().filter_map(|w| w.rule).collect(),
                    ..answers::accepted(events_received)
                }
            }
        }
    }

    /// The rules' verdict, with the relaxed rules left out.
    fn verdict(&self, request: &EventRequest, ctx: &Context) -> Verdict {
        if self.inner.relaxed.is_empty() {
            return rules::check_request(request, ctx);
        }
        let report = rules::report_request(request, ctx);
        match report
            .violations
            .into_iter()
            .find(|v| !self.inner.relaxed.contains(&v.rule))
        {
            Some(violation) => Verdict::Rejected(violation),
            None => Verdict::Accepted {
                events_received: report.events,
                warnings: report.warnings,
            },
        }
    }

    /// The answer for a body over the cap, if it is.
    pub(crate) fn body_too_large(&self, request: &FakeRequest) -> Option<FakeResponse> {
        let limit = self.inner.max_body_bytes;
        (request.body.len() > limit).then(|| answers::body_too_large(request.body.len(), limit))
    }

    fn knows_pixel(&self, pixel_id: &str) -> bool {
        if self.inner.pixels.is_empty() {
            !pixel_id.is_empty() && pixel_id.bytes().all(|b| b.is_ascii_digit())
        } else {
            self.inner.pixels.contains(pixel_id)
        }
    }
}
