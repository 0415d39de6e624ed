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
    Role { /** Create, change and delete records. */ Editor => "editor", /** Everything an editor may, and manage keys. */ Admin => "admin" }
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
        check(Verdict::ALL);
        check(Relation::ALL);
        check(Role::ALL);
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
