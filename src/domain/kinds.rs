//! The closed vocabularies of the data model, each a string on the wire and in the database.

/// Declares a string enumeration with its wire names, parsing, and OpenAPI schema.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        // The wire spelling is each variant's name in snake_case, as `$text` spells it out
        // (a test checks the two agree).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire and database spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// Parses the wire spelling.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($text => Some(Self::$variant),)+ _ => None }
            }

            /// The allowed spellings, for error messages.
            pub fn expected() -> String {
                format!("one of: {}", [$($text),+].join(", "))
            }
        }

        impl $crate::domain::input::Parse for $name {
            fn parse(
                value: Option<&serde_json::Value>,
                path: &str,
                faults: &mut $crate::domain::input::Faults,
            ) -> Self {
                $crate::domain::input::with_serde(value, path, faults, || Self::ALL[0])
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// Whether a country entry is a country, a region, or a group of countries.
    CountryKind { /** A sovereign country or territory with an ISO code. */ Country => "country", /** A geographic region. */ Region => "region", /** A political or economic grouping. */ Group => "group" }
}

string_enum! {
    /// What kind of organization a company is.
    CompanyKind { /** An AI lab. */ AiLab => "ai_lab", /** A large technology company. */ BigTech => "big_tech", /** A cloud provider. */ Cloud => "cloud", /** A chip or hardware maker. */ Hardware => "hardware", /** A research institute. */ ResearchInstitute => "research_institute" }
}

string_enum! {
    /// How openly a model is released.
    Openness { /** Weights published for anyone to download. */ OpenWeights => "open_weights", /** Reachable only through a paid API. */ ClosedApi => "closed_api", /** Reachable only inside the maker's products. */ ClosedProduct => "closed_product", /** A research release. */ Research => "research" }
}

string_enum! {
    /// What a model takes in or puts out.
    Modality { /** Text. */ Text => "text", /** Images. */ Image => "image", /** Audio. */ Audio => "audio", /** Video. */ Video => "video", /** Source code. */ Code => "code" }
}

string_enum! {
    /// What kind of publication a source is.
    SourceKind { /** A news report. */ News => "news", /** An analysis or opinion piece. */ Analysis => "analysis", /** A survey or poll. */ Survey => "survey", /** A government or company's official text. */ Official => "official", /** A model card. */ ModelCard => "model_card", /** A data set. */ Dataset => "dataset", /** An API or price list. */ Api => "api", /** A social media post. */ SocialPost => "social_post" }
}

string_enum! {
    /// What a statistic or claim is about.
    SubjectType { /** A model. */ Model => "model", /** A company. */ Company => "company", /** A country, region or group. */ Country => "country" }
}

string_enum! {
    /// How a figure was arrived at.
    Method { /** Reported by someone else. */ Reported => "reported", /** Measured directly. */ Measured => "measured", /** Estimated. */ Estimated => "estimated" }
}

string_enum! {
    /// How a figure's source words it: as an exact number, or as an approximation or bound.
    Qualifier { /** The figure as given, with no qualification. */ Exact => "exact", /** About, nearly, around (نحو، قرابة). */ Approximately => "approximately", /** More than (أكثر من). */ MoreThan => "more_than", /** At least (ما لا يقل عن). */ AtLeast => "at_least", /** Less than (أقل من). */ LessThan => "less_than", /** At most (ما لا يزيد على). */ AtMost => "at_most" }
}

impl Qualifier {
    /// Whether the qualifier is a bound, which only a single value can have (a range is
    /// already two bounds).
    pub fn is_bound(self) -> bool {
        !matches!(self, Self::Exact | Self::Approximately)
    }

    /// The words a reader sees before the figure, as the source would put them; empty for
    /// an exact figure.
    pub fn words(self, lang: crate::domain::lang::Lang) -> &'static str {
        use crate::domain::lang::Lang::{Ar, En};
        match (self, lang) {
            (Self::Exact, _) => "",
            (Self::Approximately, En) => "about",
            (Self::Approximately, Ar) => "نحو",
            (Self::MoreThan, En) => "more than",
            (Self::MoreThan, Ar) => "أكثر من",
            (Self::AtLeast, En) => "at least",
            (Self::AtLeast, Ar) => "ما لا يقل عن",
            (Self::LessThan, En) => "less than",
            (Self::LessThan, Ar) => "أقل من",
            (Self::AtMost, En) => "at most",
            (Self::AtMost, Ar) => "ما لا يزيد على",
        }
    }
}

string_enum! {
    /// How finely a source dates a figure's period.
    PeriodPrecision { /** To the day. */ Day => "day", /** To the month: the period runs from the 1st of its first month to the end of its last. */ Month => "month", /** To the year: from 1 January of its first year to 31 December of its last. */ Year => "year" }
}

impl PeriodPrecision {
    /// Why a period from `start` to `end` (`None`: the one day, month or year of `start`)
    /// cannot be dated this finely; `None` when it can.
    pub fn fault(
        self,
        start: chrono::NaiveDate,
        end: Option<chrono::NaiveDate>,
    ) -> Option<(&'static str, &'static str)> {
        use chrono::Datelike;
        let month_end = |day: chrono::NaiveDate| {
            day.succ_opt()
                .is_none_or(|next| next.month() != day.month())
        };
        match self {
            Self::Day => None,
            Self::Month if start.day() != 1 => Some((
                "period_start",
                "a period dated to the month starts on the 1st",
            )),
            Self::Month if end.is_some_and(|end| !month_end(end)) => Some((
                "period_end",
                "a period dated to the month ends on its last month's last day",
            )),
            Self::Year if start.ordinal() != 1 => Some((
                "period_start",
                "a period dated to the year starts on 1 January",
            )),
            Self::Year if end.is_some_and(|end| !(end.month() == 12 && end.day() == 31)) => Some((
                "period_end",
                "a period dated to the year ends on 31 December",
            )),
            Self::Month | Self::Year => None,
        }
    }
}

string_enum! {
    /// The outcome of weighing a claim against the evidence.
    Verdict { /** Not yet weighed. */ Unreviewed => "unreviewed", /** The evidence supports it. */ Supported => "supported", /** Part of it holds. */ PartlySupported => "partly_supported", /** The evidence is contested. */ Disputed => "disputed", /** Nothing supports it. */ Unsupported => "unsupported", /** The evidence contradicts it. */ False => "false", /** A judgement, not a checkable fact. */ Opinion => "opinion" }
}

impl Verdict {
    /// Whether this verdict must carry a summary and at least one piece of evidence (and
    /// so can be published as a ClaimReview).
    pub fn needs_evidence(self) -> bool {
        !matches!(self, Self::Unreviewed | Self::Opinion)
    }

    /// The verdict's label for readers.
    pub fn label(self, lang: crate::domain::lang::Lang) -> &'static str {
        use crate::domain::lang::Lang::{Ar, En};
        match (self, lang) {
            (Self::Unreviewed, En) => "Not yet reviewed",
            (Self::Unreviewed, Ar) => "لم يُراجَع بعد",
            (Self::Supported, En) => "Supported",
            (Self::Supported, Ar) => "صحيح",
            (Self::PartlySupported, En) => "Partly supported",
            (Self::PartlySupported, Ar) => "صحيح جزئيًا",
            (Self::Disputed, En) => "Disputed",
            (Self::Disputed, Ar) => "محل خلاف",
            (Self::Unsupported, En) => "Unsupported",
            (Self::Unsupported, Ar) => "بلا دليل",
            (Self::False, En) => "False",
            (Self::False, Ar) => "خاطئ",
            (Self::Opinion, En) => "Opinion",
            (Self::Opinion, Ar) => "رأي",
        }
    }

    /// The ClaimReview rating, from 1 (false) to 5 (supported); `None` when the verdict
    /// is not a rating of truth.
    pub fn rating(self) -> Option<u8> {
        match self {
            Self::False => Some(1),
            Self::Unsupported => Some(2),
            Self::Disputed => Some(3),
            Self::PartlySupported => Some(4),
            Self::Supported => Some(5),
            Self::Unreviewed | Self::Opinion => None,
        }
    }
}

string_enum! {
    /// How a piece of evidence bears on a claim.
    Relation { /** It supports the claim. */ Supports => "supports", /** It contradicts the claim. */ Contradicts => "contradicts", /** It gives context without settling the claim. */ Context => "context" }
}

string_enum! {
    /// What an API key may do. Reads need no key.
    Role {
        /** Create, change and delete records. */ Editor => "editor",
        /** Everything an editor or a subscriber may, and manage keys and every webhook endpoint. */ Admin => "admin",
        /** Register and manage its own webhook endpoints. */ Subscriber => "subscriber",
    }
}

impl Role {
    /// Whether this role may do what `needed` may.
    pub fn includes(self, needed: Role) -> bool {
        self == Role::Admin || self == needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_and_openapi_spell_every_value_as_the_database_does() {
        fn check<T: serde::Serialize + std::fmt::Display + utoipa::PartialSchema>(values: &[T]) {
            let schema = serde_json::to_value(T::schema()).unwrap();
            for value in values {
                assert_eq!(serde_json::to_value(value).unwrap(), value.to_string());
                assert!(
                    schema["enum"]
                        .as_array()
                        .unwrap()
                        .contains(&value.to_string().into()),
                    "{schema}"
                );
            }
        }
        check(CountryKind::ALL);
        check(CompanyKind::ALL);
        check(Openness::ALL);
        check(Modality::ALL);
        check(SourceKind::ALL);
        check(SubjectType::ALL);
        check(Method::ALL);
        check(Qualifier::ALL);
        check(PeriodPrecision::ALL);
        check(Verdict::ALL);
        check(Relation::ALL);
        check(Role::ALL);
    }

    #[test]
    fn a_period_dated_to_the_month_or_year_runs_whole_months_or_years() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let cases = [
            (
                PeriodPrecision::Day,
                day(2025, 4, 16),
                Some(day(2025, 6, 9)),
                None,
            ),
            (
                PeriodPrecision::Month,
                day(2024, 10, 1),
                Some(day(2024, 11, 30)),
                None,
            ),
            (
                PeriodPrecision::Month,
                day(2024, 2, 1),
                Some(day(2024, 2, 29)),
                None,
            ),
            (PeriodPrecision::Month, day(2025, 4, 1), None, None),
            (
                PeriodPrecision::Month,
                day(2025, 4, 2),
                None,
                Some("period_start"),
            ),
            (
                PeriodPrecision::Month,
                day(2025, 4, 1),
                Some(day(2025, 4, 29)),
                Some("period_end"),
            ),
            (
                PeriodPrecision::Year,
                day(2024, 1, 1),
                Some(day(2025, 12, 31)),
                None,
            ),
            (
                PeriodPrecision::Year,
                day(2024, 1, 1),
                Some(day(2025, 11, 30)),
                Some("period_end"),
            ),
            (
                PeriodPrecision::Year,
                day(2024, 3, 1),
                None,
                Some("period_start"),
            ),
        ];
        for (precision, start, end, fault) in cases {
            assert_eq!(
                precision.fault(start, end).map(|(field, _)| field),
                fault,
                "{precision} from {start} to {end:?}"
            );
        }
    }

    #[test]
    fn every_value_round_trips_through_its_spelling() {
        for verdict in Verdict::ALL {
            assert_eq!(Verdict::parse(verdict.as_str()), Some(*verdict));
        }
        for kind in SourceKind::ALL {
            assert_eq!(SourceKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(Openness::parse("Open_Weights"), None);
        assert!(Openness::expected().contains("open_weights"));
    }
}
