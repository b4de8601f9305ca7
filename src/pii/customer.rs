//! `Customer`: raw customer information in, the hashed `user_data` of the generated types out.

use std::borrow::Cow;
use std::fmt;

use super::country::CountryCode;
use super::error::{PiiError, Reason};
use super::field::Field;
use super::normalize::Normalizer;
use crate::types::UserData;
use crate::values::OneOrMany;

/// Where a raw value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Normalized and hashed into the field's key.
    Hashed(Field),
    /// Sent in `external_id` as given (trimmed), without hashing.
    ExternalIdAsIs,
}

/// Raw customer information for one event, turned into the hashed [`UserData`] by [`build`].
///
/// Every setter may be called more than once: keys that take several values (`em`, `ph`, `fn`,
/// `ln`, `db`, `ge`, `ct`, `st`, `zp`, `country`, `external_id`) collect them (identical hashes
/// once), the single-valued ones (`f5first`, `f5last`, `fi`, `dobd`, `dobm`, `doby`) keep the last.
/// Blank values are skipped, as Meta's SDKs skip empty ones. National phone numbers are read in
/// the country set with [`phone_country`](Customer::phone_country), else the customer's own
/// `country`, else the normalizer's default (see [`build_with`](Customer::build_with)).
///
/// `build` fills only the hashed keys; set the others (`client_ip_address`, `fbc`, …) on the
/// result. `Debug` shows how many values each key has, never the values.
///
/// ```
/// use capi_kit::pii::Customer;
///
/// let user_data = Customer::new()
///     .email(" John_Smith@gmail.com ")
///     .phone("(650) 555-1212")
///     .first_name("Mary")
///     .country("United States")
///     .build()
///     .unwrap();
/// let em = user_data.em.unwrap();
/// assert!(em.iter().next().unwrap().starts_with("62a14e44"));
/// // Read as a US number because the customer's country is the United States: 16505551212.
/// assert!(user_data.ph.unwrap().iter().next().unwrap().starts_with("e323ec62"));
/// ```
///
/// [`build`]: Customer::build
#[derive(Clone, Default)]
pub struct Customer<'a> {
    values: Vec<(Slot, Cow<'a, str>)>,
    phone_country: Option<Cow<'a, str>>,
}

impl<'a> Customer<'a> {
    /// No customer information yet.
    pub fn new() -> Self {
        Customer::default()
    }

    fn with(mut self, slot: Slot, value: impl Into<Cow<'a, str>>) -> Self {
        if self.values.capacity() == 0 {
            // Room for a full customer: the nine usual keys, birth date and gender.
            self.values.reserve(12);
        }
        self.values.push((slot, value.into()));
        self
    }

    /// Adds a raw value for `field`.
    pub fn value(self, field: Field, value: impl Into<Cow<'a, str>>) -> Self {
        self.with(Slot::Hashed(field), value)
    }

    /// Adds an email address (`em`).
    pub fn email(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::Email, value)
    }

    /// Adds a phone number (`ph`).
    pub fn phone(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::Phone, value)
    }

    /// Adds a first name (`fn`).
    pub fn first_name(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::FirstName, value)
    }

    /// Adds a last name (`ln`).
    pub fn last_name(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::LastName, value)
    }

    /// Adds a date of birth (`db`), in any format [`Field::DateOfBirth`] reads.
    pub fn date_of_birth(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::DateOfBirth, value)
    }

    /// Adds a gender (`ge`).
    pub fn gender(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::Gender, value)
    }

    /// Adds a city (`ct`).
    pub fn city(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::City, value)
    }

    /// Adds a state or region (`st`).
    pub fn state(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::State, value)
    }

    /// Adds a postal code (`zp`).
    pub fn zip(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::Zip, value)
    }

    /// Adds a country (`country`), as a code or an English name.
    pub fn country(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::Country, value)
    }

    /// Adds an external id (`external_id`), normalized and hashed as Meta recommends.
    pub fn external_id(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::ExternalId, value)
    }

    /// Adds an external id sent as it is (trimmed), not hashed: Meta allows either, but the same
    /// id must be sent the same way on every channel.
    pub fn external_id_unhashed(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.with(Slot::ExternalIdAsIs, value)
    }

    /// Sets `f5first` from a first name (its first five characters once normalized).
    pub fn f5first(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::F5First, value)
    }

    /// Sets `f5last` from a last name (its first five characters once normalized).
    pub fn f5last(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::F5Last, value)
    }

    /// Sets `fi` from a first name (its first character once normalized).
    pub fn first_initial(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::FirstInitial, value)
    }

    /// Sets `dobd`, the day of birth.
    pub fn dob_day(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::DobDay, value)
    }

    /// Sets `dobm`, the month of birth.
    pub fn dob_month(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::DobMonth, value)
    }

    /// Sets `doby`, the year of birth.
    pub fn dob_year(self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value(Field::DobYear, value)
    }

    /// Reads national phone numbers as numbers of this country (a code or an English name),
    /// whatever the customer's own `country`.
    pub fn phone_country(mut self, country: impl Into<Cow<'a, str>>) -> Self {
        self.phone_country = Some(country.into());
        self
    }

    /// Normalizes and hashes everything, failing on the first invalid value.
    pub fn build(&self) -> Result<UserData, PiiError> {
        self.build_with(&mut Normalizer::new())
    }

    /// Like [`build`](Customer::build), reusing `normalizer`'s buffer (for many customers in a
    /// loop). The normalizer's phone country is the default for customers that name neither a
    /// phone country nor a country of their own; it is left as it was.
    pub fn build_with(&self, normalizer: &mut Normalizer) -> Result<UserData, PiiError> {
        let mut user_data = UserData::default();
        self.fill(normalizer, &mut user_data, &mut Err)?;
        Ok(user_data)
    }

    /// Normalizes and hashes every valid value, leaving out the invalid ones and returning their
    /// errors beside the result.
    pub fn build_lenient(&self) -> (UserData, Vec<PiiError>) {
        let mut user_data = UserData::default();
        let mut errors = Vec::new();
        let mut collect = |error| {
            errors.push(error);
            Ok(())
        };
        // `collect` never fails, so neither does `fill`.
        let _ = self.fill(&mut Normalizer::new(), &mut user_data, &mut collect);
        (user_data, errors)
    }

    fn fill(
        &self,
        normalizer: &mut Normalizer,
        user_data: &mut UserData,
        on_error: &mut dyn FnMut(PiiError) -> Result<(), PiiError>,
    ) -> Result<(), PiiError> {
        let default_country = normalizer.phone_country();
        let country = match self.phone_country.as_deref() {
            Some(raw) => match CountryCode::parse(raw) {
                Ok(code) => Some(code),
                Err(_) => {
                    on_error(PiiError::new(Field::Phone, Reason::UnknownPhoneCountry))?;
                    default_country
                }
            },
            None => self.own_country().or(default_country),
        };
        normalizer.set_phone_country(country);
        let result = self.fill_values(normalizer, user_data, on_error);
        normalizer.set_phone_country(default_country);
        result
    }

    /// The first of the customer's own countries that is a valid country.
    fn own_country(&self) -> Option<CountryCode> {
        self.values.iter().find_map(|(slot, value)| match slot {
            Slot::Hashed(Field::Country) => CountryCode::parse(value).ok(),
            _ => None,
        })
    }

    fn fill_values(
        &self,
        normalizer: &mut Normalizer,
        user_data: &mut UserData,
        on_error: &mut dyn FnMut(PiiError) -> Result<(), PiiError>,
    ) -> Result<(), PiiError> {
        for (slot, value) in &self.values {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let field = match *slot {
                Slot::ExternalIdAsIs => {
                    add(&mut user_data.external_id, value.to_owned());
                    continue;
                }
                Slot::Hashed(field) => field,
            };
            let mut hashed = String::with_capacity(64);
            if let Err(error) = normalizer.hash_into(field, value, &mut hashed) {
                on_error(error)?;
                continue;
            }
            match slot_of(user_data, field) {
                SlotMut::Many(many) => add(many, hashed),
                SlotMut::One(one) => *one = Some(hashed),
            }
        }
        Ok(())
    }
}

/// Where a field's values live in the generated `UserData`.
pub(crate) enum SlotMut<'a> {
    /// A key that takes one value or a list.
    Many(&'a mut Option<OneOrMany>),
    /// A key that takes a single value.
    One(&'a mut Option<String>),
}

/// The `UserData` key of `field`: the one place that maps fields to the generated struct.
pub(crate) fn slot_of(user_data: &mut UserData, field: Field) -> SlotMut<'_> {
    match field {
        Field::Email => SlotMut::Many(&mut user_data.em),
        Field::Phone => SlotMut::Many(&mut user_data.ph),
        Field::FirstName => SlotMut::Many(&mut user_data.fn_),
        Field::LastName => SlotMut::Many(&mut user_data.ln),
        Field::DateOfBirth => SlotMut::Many(&mut user_data.db),
        Field::Gender => SlotMut::Many(&mut user_data.ge),
        Field::City => SlotMut::Many(&mut user_data.ct),
        Field::State => SlotMut::Many(&mut user_data.st),
        Field::Zip => SlotMut::Many(&mut user_data.zp),
        Field::Country => SlotMut::Many(&mut user_data.country),
        Field::ExternalId => SlotMut::Many(&mut user_data.external_id),
        Field::F5First => SlotMut::One(&mut user_data.f5first),
        Field::F5Last => SlotMut::One(&mut user_data.f5last),
        Field::FirstInitial => SlotMut::One(&mut user_data.fi),
        Field::DobDay => SlotMut::One(&mut user_data.dobd),
        Field::DobMonth => SlotMut::One(&mut user_data.dobm),
        Field::DobYear => SlotMut::One(&mut user_data.doby),
    }
}

/// Normalizes and hashes, in place, the raw values of every key of `user_data` that Graph requires
/// hashed; values already hashed stay as they are. A value that cannot be normalized is handed to
/// `on_error` with its field: it may stop the work (`Err`) or have the value left out (`Ok`).
pub fn hash_user_data(
    user_data: &mut UserData,
    normalizer: &mut Normalizer,
    on_error: &mut dyn FnMut(PiiError) -> Result<(), PiiError>,
) -> Result<(), PiiError> {
    for field in Field::ALL.into_iter().filter(|f| f.must_be_hashed()) {
        // Each value is replaced by its hash in its own string; the shape given (one value or a
        // list) is kept, and a key left without values is removed.
        match slot_of(user_data, field) {
            SlotMut::One(slot) => {
                if let Some(raw) = slot
                    && let Err(error) = normalizer.hash_in_place(field, raw)
                {
                    *slot = None;
                    on_error(error)?;
                }
            }
            SlotMut::Many(slot) => match slot {
                None => {}
                Some(OneOrMany::One(raw)) => {
                    if let Err(error) = normalizer.hash_in_place(field, raw) {
                        *slot = None;
                        on_error(error)?;
                    }
                }
                Some(OneOrMany::Many(values)) => {
                    let mut i = 0;
                    while i < values.len() {
                        match normalizer.hash_in_place(field, &mut values[i]) {
                            Ok(()) => i += 1,
                            Err(error) => {
                                values.remove(i);
                                on_error(error)?;
                            }
                        }
                    }
                    if values.is_empty() {
                        *slot = None;
                    }
                }
            },
        }
    }
    Ok(())
}

/// Adds `value` to a multi-valued key unless it is already there: one value stays a string on
/// the wire, several become a list.
fn add(slot: &mut Option<OneOrMany>, value: String) {
    match slot {
        None => *slot = Some(OneOrMany::One(value)),
        Some(OneOrMany::One(existing)) => {
            if *existing != value {
                let first = std::mem::take(existing);
                *slot = Some(OneOrMany::Many(vec![first, value]));
            }
        }
        Some(OneOrMany::Many(values)) => {
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
}

impl fmt::Debug for Customer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for field in Field::ALL {
            let count = self
                .values
                .iter()
                .filter(|(slot, _)| *slot == Slot::Hashed(field))
                .count();
            if count > 0 {
                map.entry(&field.key(), &count);
            }
        }
        let unhashed = self
            .values
            .iter()
            .filter(|(slot, _)| *slot == Slot::ExternalIdAsIs)
            .count();
        if unhashed > 0 {
            map.entry(&"external_id (unhashed)", &unhashed);
        }
        if self.phone_country.is_some() {
            map.entry(&"phone_country", &"<set>");
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::sha256_hex;

    fn one(values: &Option<OneOrMany>) -> &str {
        match values {
            Some(OneOrMany::One(value)) => value,
            other => panic!("expected one value, got {other:?}"),
        }
    }

    #[test]
    fn builds_hashed_user_data() {
        let user_data = Customer::new()
            .email("John_Smith@gmail.com")
            .phone("(650)555-1212")
            .first_name("Mary")
            .last_name("Smith")
            .city("Menlo Park")
            .state("California")
            .zip("94025-1234")
            .country("United States")
            .gender("female")
            .date_of_birth("2/16/1997")
            .external_id("User-42")
            .f5first("Mary")
            .dob_day("16")
            .build()
            .unwrap();
        assert_eq!(
            one(&user_data.em),
            sha256_hex("john_smith@gmail.com").as_str()
        );
        assert_eq!(one(&user_data.ph), sha256_hex("16505551212").as_str());
        assert_eq!(one(&user_data.fn_), sha256_hex("mary").as_str());
        assert_eq!(one(&user_data.ct), sha256_hex("menlopark").as_str());
        assert_eq!(one(&user_data.st), sha256_hex("ca").as_str());
        assert_eq!(one(&user_data.zp), sha256_hex("94025").as_str());
        assert_eq!(one(&user_data.country), sha256_hex("us").as_str());
        assert_eq!(one(&user_data.ge), sha256_hex("f").as_str());
        assert_eq!(one(&user_data.db), sha256_hex("19970216").as_str());
        assert_eq!(one(&user_data.external_id), sha256_hex("user-42").as_str());
        assert_eq!(
            user_data.f5first.as_deref(),
            Some(sha256_hex("mary").as_str())
        );
        assert_eq!(user_data.dobd.as_deref(), Some(sha256_hex("16").as_str()));
        assert_eq!(user_data.client_ip_address, None);
    }

    #[test]
    fn several_values_become_a_list_without_duplicates() {
        let user_data = Customer::new()
            .email("a@example.com")
            .email("A@Example.com ")
            .email("b@example.com")
            .email("  ")
            .external_id_unhashed(" Abc ")
            .build()
            .unwrap();
        let em = user_data.em.unwrap();
        assert_eq!(em.len(), 2);
        assert_eq!(user_data.external_id, Some(OneOrMany::One("Abc".into())));
    }

    #[test]
    fn phone_country_precedence() {
        let mut normalizer = Normalizer::with_phone_country("gb".parse().unwrap());
        let national = "020 7946 0958";
        // The normalizer's default applies when the customer names no country.
        let ud = Customer::new()
            .phone(national)
            .build_with(&mut normalizer)
            .unwrap();
        assert_eq!(one(&ud.ph), sha256_hex("442079460958").as_str());
        // An explicit phone country wins over the customer's own country.
        let ud = Customer::new()
            .phone("(650) 555-1212")
            .country("fr")
            .phone_country("us")
            .build_with(&mut normalizer)
            .unwrap();
        assert_eq!(one(&ud.ph), sha256_hex("16505551212").as_str());
        assert_eq!(normalizer.phone_country(), "gb".parse().ok());
    }

    #[test]
    fn strict_fails_lenient_skips() {
        let customer = Customer::new().email("not an email").first_name("Mary");
        let err = customer.build().unwrap_err();
        assert_eq!(err, PiiError::new(Field::Email, Reason::InvalidEmail));
        let (user_data, errors) = customer.build_lenient();
        assert_eq!(errors, [err]);
        assert!(user_data.em.is_none());
        assert!(user_data.fn_.is_some());
    }

    #[test]
    fn user_data_is_hashed_in_place_keeping_hashes_shapes_and_unhashed_keys() {
        let hash = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";
        let mut user = UserData {
            em: Some(OneOrMany::One(" John_Smith@gmail.com ".into())),
            ct: Some(OneOrMany::Many(vec!["New York".into(), hash.into()])),
            doby: Some("1997".into()),
            external_id: Some(OneOrMany::One("User-42".into())),
            client_user_agent: Some("Mozilla/5.0".into()),
            ..UserData::default()
        };
        hash_user_data(&mut user, &mut Normalizer::new(), &mut Err).unwrap();
        assert_eq!(user.em, Some(OneOrMany::One(hash.into())));
        let cities = user.ct.as_ref().unwrap();
        assert_eq!(cities.len(), 2);
        assert_eq!(cities.as_slice()[1], hash);
        assert_eq!(user.doby.as_deref(), Some(sha256_hex("1997").as_str()));
        // external_id is not required hashed: left as given.
        assert_eq!(user.external_id, Some(OneOrMany::One("User-42".into())));
        assert_eq!(user.client_user_agent.as_deref(), Some("Mozilla/5.0"));

        let mut bad = UserData {
            em: Some(OneOrMany::One("not an email".into())),
            ..UserData::default()
        };
        let error = hash_user_data(&mut bad.clone(), &mut Normalizer::new(), &mut Err).unwrap_err();
        assert_eq!(error.field, Field::Email);
        let mut errors = Vec::new();
        hash_user_data(&mut bad, &mut Normalizer::new(), &mut |e| {
            errors.push(e);
            Ok(())
        })
        .unwrap();
        assert_eq!((bad.em, errors.len()), (None, 1));
    }

    #[test]
    fn debug_shows_counts_not_values() {
        let customer = Customer::new().email("secret@example.com").email("x@y.zz");
        let shown = format!("{customer:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("\"em\": 2"), "{shown}");
    }
}
