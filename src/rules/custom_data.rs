//! `custom_data` rules: numbers, currency, content type and contents items.

use super::catalog::RuleId;
use super::currency::is_iso4217_currency;
use super::messages;
use super::path::BlamePath;
use super::report::Violation;
use crate::generated::types::CustomData;

pub(super) fn check(custom: &CustomData, index: usize, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index).key("custom_data");

    for (key, number) in [
        ("value", custom.value),
        ("net_revenue", custom.net_revenue),
        ("predicted_ltv", custom.predicted_ltv),
    ] {
        if number.is_some_and(|n| !n.is_finite()) {
            // Rule `custom_data.value.number`.
            out.push(messages::custom_data_number(at().key(key)));
        }
    }

    if let Some(currency) = &custom.currency {
        let path = || at().key("currency");
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
            // Rule `custom_data.currency.format`.
            out.push(messages::currency_format(path()));
        } else if !is_iso4217_currency(currency) {
            // Rule `custom_data.currency.iso4217`.
            out.push(messages::currency_iso4217(path(), currency));
        }
    }

    if let Some(content_type) = &custom.content_type
        && content_type != "product"
        && content_type != "product_group"
    {
        // Rule `custom_data.content_type.value`.
        out.push(messages::content_type(at().key("content_type")));
    }

    for (i, item) in custom.contents.iter().flatten().enumerate() {
        if item.id.as_deref().is_none_or(str::is_empty) {
            let path = at().key("contents").index(i).key("id");
            // Rule `custom_data.contents.item`.
            out.push(messages::required(RuleId::ContentsItem, path));
        }
        if item.quantity.is_some_and(|q| q < 1) {
            let path = at().key("contents").index(i).key("quantity");
            // Rule `custom_data.contents.item`.
            out.push(messages::contents_quantity(path));
        }
    }
}
