//! `attribution_data` rules: the share of credit is a fraction.

use crate::generated::types::AttributionData;

use super::messages;
use super::path::BlamePath;
use super::report::Violation;

pub(super) fn check(attribution: &AttributionData, index: usize, out: &mut Vec<Violation>) {
    if let Some(share) = attribution.attribution_share
        && !(0.0..=1.0).contains(&share)
    {
        let path = BlamePath::event(index)
            .key("attribution_data")
            .key("attribution_share");
        // Rule `attribution_data.attribution_share.range`.
        out.push(messages::attribution_share_range(path));
    }
}
