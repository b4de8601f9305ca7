//! Normalize + hash the eight common customer fields (email, phone, first and last name, city,
//! state, zip, country) of one customer, the way a service preparing events does.
//!
//! Run with `cargo bench --bench pii`; each benchmark's throughput is in customers per second.

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

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("customer_8_fields");
    group.throughput(Throughput::Elements(1));

    // Floor: SHA-256 + hex of the eight already-normalized values.
    let normalized = [
        "john_smith@gmail.com",
        "16505551212",
        "john",
        "smith",
        "menlopark",
        "ca",
        "94025",
        "us",
    ];
    group.bench_function("sha256_only", |b| {
        b.iter(|| {
            for value in normalized {
                black_box(sha256_hex(black_box(value)));
            }
        })
    });

    // Normalize + hash into one reused output buffer: no allocation per field.
    let mut normalizer = Normalizer::new();
    let mut out = String::with_capacity(8 * 64);
    let values = fields(&INTERNATIONAL_PHONE);
    group.bench_function("normalizer_reused_buffer", |b| {
        b.iter(|| {
            out.clear();
            for (field, value) in values {
                normalizer
                    .hash_into(field, black_box(value), &mut out)
                    .unwrap();
            }
            black_box(&out);
        })
    });

    // The whole builder: raw values in, the generated `UserData` (owned strings) out.
    let mut normalizer = Normalizer::new();
    group.bench_function("customer_build/international_phone", |b| {
        b.iter(|| {
            let user_data = customer(black_box(&INTERNATIONAL_PHONE))
                .build_with(&mut normalizer)
                .unwrap();
            black_box(user_data)
        })
    });
    group.bench_function("customer_build/national_phone_libphonenumber", |b| {
        b.iter(|| {
            let user_data = customer(black_box(&NATIONAL_PHONE))
                .build_with(&mut normalizer)
                .unwrap();
            black_box(user_data)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
