//! Limited Data Use: the option's values and the country and state it requires.

use crate::generated::types::ServerEvent;

use super::catalog::RuleId;
use super::path::BlamePath;
use super::report::Violation;

pub(super) fn check(event: &ServerEvent, index: usize, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index);

    // The generated enum admits only "LDU"; what is left to check is that it appears at most once.
    let ldu = match &event.data_processing_options {
        Some(options) if options.len() > 1 => {
            let path = at().key("data_processing_options");
            out.push(Violation::new(
                RuleId::LduOption,
                path.clone(),
                format!("The parameter {path} must be [] or [\"LDU\"]."),
            ));
            true
        }
        Some(options) => !options.is_empty(),
        None => false,
    };

    match event.data_processing_options_country {
        None if ldu => {
            let path = at().key("data_processing_options_country");
            out.push(Violation::new(
                RuleId::LduCountryRequired,
                path.clone(),
                format!("The parameter {path} is required when data_processing_options contains LDU (1 for the US, 0 to geolocate)."),
            ));
        }
        Some(country) if country != 0 && country != 1 => {
            let path = at().key("data_processing_options_country");
            out.push(Violation::new(
                RuleId::LduCountryValue,
                path.clone(),
                format!("The parameter {path} must be 1 (United States) or 0 (geolocate)."),
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
            let path = at().key("data_processing_options_state");
            out.push(Violation::new(
                RuleId::LduStateRequired,
                path.clone(),
                format!("The parameter {path} is required when data_processing_options contains LDU and user_data has no client_ip_address (1000 for California, 0 to geolocate)."),
            ));
        }
        Some(state) if state != 0 && state != 1000 => {
            let path = at().key("data_processing_options_state");
            out.push(Violation::new(
                RuleId::LduStateValue,
                path.clone(),
                format!("The parameter {path} must be 1000 (California) or 0 (geolocate)."),
            ));
        }
        _ => {}
    }
}
