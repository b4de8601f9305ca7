//! `custom_data` rules: numbers, currency, content type and contents items.

use crate::generated::types::CustomData;
use crate::pii::is_iso4217_currency;

use super::catalog::RuleId;
use super::path::BlamePath;
use super::report::Violation;

pub(super) fn check(custom: &CustomData, index: usize, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index).key("custom_data");

    for (key, number) in [
        ("value", custom.value),
        ("net_revenue", custom.net_revenue),
        ("predicted_ltv", custom.predicted_ltv),
    ] {
        if number.is_some_and(|n| !n.is_finite()) {
            let path = at().key(key);
            out.push(Violation::new(
                RuleId::CustomDataNumber,
                path.clone(),
                format!("The parameter {path} must be a finite number."),
            ));
        }
    }

    if let Some(currency) = &custom.currency {
        let path = || at().key("currency");
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
            let path = path();
            out.push(Violation::new(
                RuleId::CurrencyFormat,
                path.clone(),
                format!("The parameter {path} must be a three-letter ISO 4217 currency code such as USD."),
            ));
        } else if !is_iso4217_currency(currency) {
            let path = path();
            out.push(Violation::new(
                RuleId::CurrencyIso4217,
                path.clone(),
                format!("The parameter {path} is not an ISO 4217 currency code (\"{currency}\")."),
            ));
        }
    }

    if let Some(content_type) = &custom.content_type
        && content_type != "product"
        && content_type != "product_group"
    {
        let path = at().key("content_type");
        out.push(Violation::new(
            RuleId::ContentType,
            path.clone(),
            format!("The parameter {path} must be product or product_group."),
        ));
    }

    for (i, item) in custom.contents.iter().flatten().enumerate() {
        if item.id.as_deref().is_none_or(str::is_empty) {
            let path = at().key("contents").index(i).key("id");
            out.push(Violation::new(
                RuleId::ContentsItem,
                path.clone(),
                format!("The parameter {path} is required."),
            ));
        }
        if item.quantity.is_some_and(|q| q < 1) {
            let path = at().key("contents").index(i).key("quantity");
            out.push(Violation::new(
                RuleId::ContentsItem,
                path.clone(),
                format!("The parameter {path} must be at least 1."),
            ));
        }
    }
}
