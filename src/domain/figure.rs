//! A statistic's value as a reader reads it, in English or Arabic, worded as its source
//! words it: "about 97 million", «نحو 97 مليونًا», "more than 500", "35–40%".

use super::{kinds::Qualifier, lang::Lang};

/// The parts of a statistic that make up its figure.
#[derive(Clone, Copy, Debug)]
pub struct Figure<'a> {
    /// The value, when it is one number.
    pub value: Option<f64>,
    /// The low end of a range.
    pub low: Option<f64>,
    /// The high end of a range.
    pub high: Option<f64>,
    /// How the source words it.
    pub qualifier: Qualifier,
    /// The statistic's unit (`people`, `percent`, `usd_per_million_tokens`, …).
    pub unit: &'a str,
}

/// Arabic forms of a counted word written after digits: the singular (after 1 and 2, as
/// news copy writes «2 مليون», after hundreds and after decimals), the plural (after 3 to
/// 10) and the accusative (after 11 to 99); what counts is the number's last two digits.
struct Counted {
    singular: &'static str,
    plural: &'static str,
    accusative: &'static str,
}

const MILLION: Counted = Counted {
    singular: "مليون",
    plural: "ملايين",
    accusative: "مليونًا",
};
const BILLION: Counted = Counted {
    singular: "مليار",
    plural: "مليارات",
    accusative: "مليارًا",
};
const DOLLAR: Counted = Counted {
    singular: "دولار",
    plural: "دولارات",
    accusative: "دولارًا",
};

impl Counted {
    /// The form that follows the number `n` written in digits.
    fn after(&self, n: f64) -> &'static str {
        if n.fract() != 0.0 {
            // A decimal takes the singular: «2.5 مليون», «5.1 مليار».
            return self.singular;
        }
        let n = n.abs() as u64;
        match n % 100 {
            3..=10 => self.plural,
            11..=99 => self.accusative,
            _ => self.singular,
        }
    }
}

impl Figure<'_> {
    /// The figure in `lang`, qualified as its source words it. Count units (people,
    /// downloads, models) are left to the metric's name; percentages and prices keep theirs.
    pub fn text(&self, lang: Lang) -> String {
        let number = match (self.value, self.low, self.high) {
            (Some(value), _, _) => number(value, lang),
            (None, Some(low), Some(high)) => {
                format!("{}–{}", number(low, lang), number(high, lang))
            }
            _ => return String::new(),
        };
        let amount = self.value.or(self.high).unwrap_or_default();
        let with_unit = match (self.unit, lang) {
            ("percent", _) => format!("{number}%"),
            ("people" | "downloads" | "models", _) => number,
            ("usd_per_million_tokens", Lang::En) => format!("USD {number} per million tokens"),
            ("usd_per_million_tokens", Lang::Ar) => {
                format!("{number} {} لكل مليون رمز", DOLLAR.after(amount))
            }
            ("usd", Lang::En) => format!("USD {number}"),
            ("usd", Lang::Ar) => format!("{number} {}", DOLLAR.after(amount)),
            (unit, _) => format!("{number} {}", unit.replace('_', " ")),
        };
        match self.qualifier.words(lang) {
            "" => with_unit,
            words => format!("{words} {with_unit}"),
        }
    }
}

/// `n` in digits, with millions and billions in words where that reads exactly
/// (97 million, 2.5 million); otherwise grouped in thousands in English.
fn number(n: f64, lang: Lang) -> String {
    for (scale, en, ar) in [(1e9, "billion", &BILLION), (1e6, "million", &MILLION)] {
        let mantissa = n / scale;
        if mantissa.abs() >= 1.0 && is_short(mantissa) {
            let digits = plain(mantissa);
            return match lang {
                Lang::En => format!("{digits} {en}"),
                Lang::Ar => format!("{digits} {}", ar.after(mantissa)),
            };
        }
    }
    let digits = plain(n);
    match lang {
        Lang::En => group(&digits),
        Lang::Ar => digits,
    }
}

/// Whether `n` has at most three decimals.
fn is_short(n: f64) -> bool {
    let thousandths = n * 1000.0;
    (thousandths - thousandths.round()).abs() < 1e-6
}

/// `n` with no exponent and no trailing zeros: `500`, `2.5`, `-80`.
fn plain(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let text = format!("{n:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Digits grouped in thousands with commas: `2,500,001`.
fn group(digits: &str) -> String {
    let (sign, digits) = digits
        .strip_prefix('-')
        .map_or(("", digits), |rest| ("-", rest));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(value: f64, qualifier: Qualifier, unit: &str) -> Figure<'_> {
        Figure {
            value: Some(value),
            low: None,
            high: None,
            qualifier,
            unit,
        }
    }

    #[test]
    fn figures_read_as_their_sources_word_them() {
        let cases = [
            (
                figure(97e6, Qualifier::Approximately, "people"),
                "about 97 million",
                "نحو 97 مليونًا",
            ),
            (
                figure(500.0, Qualifier::MoreThan, "models"),
                "more than 500",
                "أكثر من 500",
            ),
            (
                figure(2.5e6, Qualifier::MoreThan, "downloads"),
                "more than 2.5 million",
                "أكثر من 2.5 مليون",
            ),
            (
                figure(33e6, Qualifier::Exact, "people"),
                "33 million",
                "33 مليونًا",
            ),
            (
                figure(5e6, Qualifier::AtLeast, "people"),
                "at least 5 million",
                "ما لا يقل عن 5 ملايين",
            ),
            (
                figure(5.1e9, Qualifier::Exact, "parameters"),
                "5.1 billion parameters",
                "5.1 مليار parameters",
            ),
            (figure(77.0, Qualifier::Exact, "percent"), "77%", "77%"),
            (figure(-80.0, Qualifier::Exact, "percent"), "-80%", "-80%"),
            (
                figure(10.0, Qualifier::Exact, "usd_per_million_tokens"),
                "USD 10 per million tokens",
                "10 دولارات لكل مليون رمز",
            ),
            (
                figure(2.0, Qualifier::Exact, "usd_per_million_tokens"),
                "USD 2 per million tokens",
                "2 دولار لكل مليون رمز",
            ),
            (
                figure(40.0, Qualifier::LessThan, "usd_per_million_tokens"),
                "less than USD 40 per million tokens",
                "أقل من 40 دولارًا لكل مليون رمز",
            ),
            (
                figure(1_234_567.0, Qualifier::Exact, "downloads"),
                "1,234,567",
                "1234567",
            ),
            (
                figure(2_500.0, Qualifier::AtMost, "downloads"),
                "at most 2,500",
                "ما لا يزيد على 2500",
            ),
        ];
        for (figure, en, ar) in cases {
            assert_eq!(figure.text(Lang::En), en, "{figure:?} in English");
            assert_eq!(figure.text(Lang::Ar), ar, "{figure:?} in Arabic");
        }
    }

    #[test]
    fn a_range_reads_low_to_high() {
        let range = Figure {
            value: None,
            low: Some(35.0),
            high: Some(40.0),
            qualifier: Qualifier::Approximately,
            unit: "percent",
        };
        assert_eq!(range.text(Lang::En), "about 35–40%");
        assert_eq!(range.text(Lang::Ar), "نحو 35–40%");
    }
}
