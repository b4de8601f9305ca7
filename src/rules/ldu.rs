//! Limited Data Use: the option's values and the country and state it requires.

use crate::generated::types::ServerEvent;

use super::messages;
use super::path::BlamePath;
use super::report::Violation;

pub(super) fn check(event: &ServerEvent, index: usize, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index);

    // The generated enum admits only "LDU"; what is left to check is that it appears at most once.
    let ldu = match &event.data_processing_options {
        Some(options) if options.len() > 1 => {
            // Rule `ldu.option`.
            out.push(messages::ldu_option(at().key("data_processing_options")));
            true
        }
        Some(options) => !options.is_empty(),
        None => false,
    };

    match event.data_processing_options_country {
        None if ldu => {
            // Rule `ldu.country.required`.
            out.push(messages::ldu_country_required(
                at().key("data_processing_options_country"),
            ));
        }
        Some(country) if country != 0 && country != 1 => {
            // Rule `ldu.country.value`.
            out.push(messages::ldu_country_value(
                at().key("data_processing_options_country"),
            ));
        }
        _ => {}
    }

    let has_ip = event
        .user_data
        .client_ip_address
        .as_deref()
        .is_some_and(|ip| !ip.is_empty());
    match event.data_processing_options_state {
        None if ldu && !has_ip => {
            // Rule `ldu.state.required`.
            out.push(messages::ldu_state_required(
                at().key("data_processing_options_state"),
            ));
        }
        Some(state) if state != 0 && !(1000..=1013).contains(&state) => {
            // Rule `ldu.state.value`.
            out.push(messages::ldu_state_value(
                at().key("data_processing_options_state"),
            ));
        }
        _ => {}
    }
}
