//! Normalize + hash the eight common customer fields (email, phone, first and last name, city,
//! state, zip, country) of one customer, the way a service preparing events does.
//!
//! Run with `cargo bench --bench pii`; each benchmark's throughput is in customers per second.
//! Target (issue 3): at least 1,000,000 customers/s on one core with a reused `Normalizer`.
//!
//! On a shared machine criterion's wall-clock figures include time spent waiting for a core; set
//! `CAPI_BENCH_CPU_TIME=1` to also print each function's throughput per second of on-CPU time of the
//! benchmarking thread (Linux, from `/proc/thread-self/schedstat`).

// The batch builders in `support` are for the rules benchmark; this one uses the CPU-time helper.
#[allow(dead_code)]
mod support;

use std::hint::black_box;

use capi_kit::pii::{Customer, Field, Normalizer, sha256_hex};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Eight raw values as a web form delivers them.
struct Raw {
    email: &'static str,
    phone: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    city: &'static str,
    state: &'static str,
    zip: &'static str,
    country: &'static str,
}

const INTERNATIONAL_PHONE: Raw = Raw {
    email: " John_Smith@Gmail.com",
    phone: "+1 (650) 555-1212",
    first_name: "John",
    last_name: "Smith",
    city: "Menlo Park",
    state: "CA",
    zip: "94025",
    country: "US",
};

/// The same customer with a national phone number, which libphonenumber reads as a US number.
const NATIONAL_PHONE: Raw = Raw {
    phone: "(650) 555-1212",
    ..INTERNATIONAL_PHONE
};

fn fields(raw: &Raw) -> [(Field, &'static str); 8] {
    [
        (Field::Email, raw.email),
        (Field::Phone, raw.phone),
        (Field::FirstName, raw.first_name),
        (Field::LastName, raw.last_name),
        (Field::City, raw.city),
        (Field::State, raw.state),
        (Field::Zip, raw.zip),
        (Field::Country, raw.country),
    ]
}

fn customer(raw: &Raw) -> Customer<'static> {
    Customer::new()
        .email(raw.email)
        .phone(raw.phone)
        .first_name(raw.first_name)
        .last_name(raw.last_name)
        .city(raw.city)
        .state(raw.state)
        .zip(raw.zip)
        .country(raw.country)
}

/// The eight values of `INTERNATIONAL_PHONE`, already normalized.
const NORMALIZED: [&str; 8] = [
    "john_smith@gmail.com",
    "16505551212",
    "john",
    "smith",
    "menlopark",
    "ca",
    "94025",
    "us",
];

/// Floor: SHA-256 + hex of the eight already-normalized values.
fn sha256_only() {
    for value in NORMALIZED {
        black_box(sha256_hex(black_box(value)));
    }
}

/// Normalize + hash into one reused output buffer: no allocation per field.
fn normalizer_reused_buffer(normalizer: &mut Normalizer, out: &mut String) {
    out.clear();
    for (field, value) in fields(&INTERNATIONAL_PHONE) {
        normalizer
            .hash_into(field, black_box(value), out)
            .expect("the benchmark customer is valid");
    }
    black_box(&out);
}

/// The whole builder: raw values in, the generated `UserData` (owned strings) out.
fn customer_build(raw: &Raw, normalizer: &mut Normalizer) -> capi_kit::types::UserData {
    customer(black_box(raw))
        .build_with(normalizer)
        .expect("the benchmark customer is valid")
}

fn bench(c: &mut Criterion) {
    let mut normalizer = Normalizer::new();
    let mut out = String::with_capacity(8 * 64);

    if support::cpu_time_requested() {
        support::cpu_time("sha256_only", "customer", 1, sha256_only);
        support::cpu_time("normalizer_reused_buffer", "customer", 1, || {
            normalizer_reused_buffer(&mut normalizer, &mut out)
        });
        support::cpu_time("customer_build/international_phone", "customer", 1, || {
            customer_build(&INTERNATIONAL_PHONE, &mut normalizer)
        });
        support::cpu_time(
            "customer_build/national_phone_libphonenumber",
            "customer",
            1,
            || customer_build(&NATIONAL_PHONE, &mut normalizer),
        );
    }

    let mut group = c.benchmark_group("customer_8_fields");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sha256_only", |b| b.iter(sha256_only));
    group.bench_function("normalizer_reused_buffer", |b| {
        b.iter(|| normalizer_reused_buffer(&mut normalizer, &mut out))
    });
    group.bench_function("customer_build/international_phone", |b| {
        b.iter(|| customer_build(&INTERNATIONAL_PHONE, &mut normalizer))
    });
    group.bench_function("customer_build/national_phone_libphonenumber", |b| {
        b.iter(|| customer_build(&NATIONAL_PHONE, &mut normalizer))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
