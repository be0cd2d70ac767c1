//! Number formatting and parsing as .NET does it in the invariant culture.
//!
//! Doubles follow .NET Core 3.0 and later (which the self-hosted APIM gateway runs on): the
//! default `ToString()` is the shortest text that round-trips, and fixed formats round the
//! exact binary value. .NET Framework and Mono differ (`(0.1 + 0.2).ToString()` is `0.3`
//! there); the conformance cases that show it are listed as divergences.

use rust_decimal::Decimal;

/// Why a parse failed: .NET's `FormatException` or `OverflowException`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    Format,
    Overflow,
}

// ---------------------------------------------------------------- integers

/// `int.Parse` and friends (`NumberStyles.Integer`): optional whitespace around an optional
/// sign and decimal digits. The value is checked against `min..=max`.
pub fn parse_integer(text: &str, min: i128, max: i128) -> Result<i128, ParseError> {
    let trimmed = trim_white(text);
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, trimmed.get(1..).unwrap_or_default()),
        Some(b'+') => (false, trimmed.get(1..).unwrap_or_default()),
        _ => (false, trimmed),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::Format);
    }
    let mut value: i128 = 0;
    for digit in digits.bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(digit - b'0')))
            .ok_or(ParseError::Overflow)?;
    }
    if negative {
        value = -value;
    }
    if value < min || value > max {
        return Err(ParseError::Overflow);
    }
    Ok(value)
}

/// `Convert.ToInt32(text, base)` for base 2, 8, 16: no sign, two's complement for the type's
/// width (`ffffffff` is -1 as an `int`).
pub fn parse_radix(text: &str, radix: u32, bits: u32) -> Result<i128, ParseError> {
    let text = text.trim();
    let text = if radix == 16 {
        text.strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text)
    } else {
        text
    };
    if text.is_empty() {
        return Err(ParseError::Format);
    }
    let value = u128::from_str_radix(text, radix).map_err(|_| ParseError::Format)?;
    if bits < 128 && value >> bits != 0 {
        return Err(ParseError::Overflow);
    }
    let signed = if bits < 128 && value >> (bits - 1) != 0 {
        i128::try_from(value).unwrap_or(0) - (1i128 << bits)
    } else {
        i128::try_from(value).unwrap_or(0)
    };
    Ok(signed)
}

fn trim_white(text: &str) -> &str {
    text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{000B}' | '\u{000C}'))
}

/// Formats an integer with a .NET format string (`D5`, `X8`, `x`, `N0`, `F2`, `0000`, …);
/// `None` for a format .NET rejects. `bits` is the width, for `X` of negative values.
pub fn format_integer(value: i128, bits: u32, format: &str) -> Option<String> {
    let (letter, precision) = standard(format)?;
    match letter {
        None => custom_number(&value.to_string(), value < 0, format),
        Some('D') => {
            let digits = value.unsigned_abs().to_string();
            let padded = format!("{digits:0>width$}", width = precision.unwrap_or(0));
            Some(if value < 0 {
                format!("-{padded}")
            } else {
                padded
            })
        }
        Some(c @ ('X' | 'x')) => {
            let unsigned = if value < 0 {
                let modulus = if bits >= 128 {
                    u128::MAX
                } else {
                    (1u128 << bits) - 1
                };
                (value as u128) & modulus
            } else {
                value.unsigned_abs()
            };
            let text = if c == 'X' {
                format!("{unsigned:X}")
            } else {
                format!("{unsigned:x}")
            };
            Some(format!("{text:0>width$}", width = precision.unwrap_or(0)))
        }
        Some('G') => Some(value.to_string()),
        Some(letter) => format_fixed_family(&value.to_string(), value < 0, letter, precision),
    }
}

/// Splits `N2` into its letter and precision; `Ok(None)` letter for a custom pattern.
fn standard(format: &str) -> Option<(Option<char>, Option<usize>)> {
    let mut chars = format.chars();
    let Some(first) = chars.next() else {
        return Some((Some('G'), None));
    };
    let rest = chars.as_str();
    if first.is_ascii_alphabetic() && rest.bytes().all(|b| b.is_ascii_digit()) && rest.len() <= 9 {
        let letter = first.to_ascii_uppercase();
        let letter = if matches!(first, 'x') { 'x' } else { letter };
        if !matches!(
            letter,
            'C' | 'D' | 'E' | 'F' | 'G' | 'N' | 'P' | 'R' | 'X' | 'x'
        ) {
            return None;
        }
        let precision = if rest.is_empty() {
            None
        } else {
            rest.parse().ok()
        };
        return Some((Some(letter), precision));
    }
    Some((None, None))
}

/// `F`, `N`, `P`, `C`, `E` for a number given as exact decimal text.
fn format_fixed_family(
    decimal_text: &str,
    negative: bool,
    letter: char,
    precision: Option<usize>,
) -> Option<String> {
    let digits = decimal_text.trim_start_matches('-');
    match letter {
        'F' => Some(signed(
            negative,
            &round_decimal_text(digits, precision.unwrap_or(2)),
        )),
        'N' => Some(signed(
            negative,
            &group_thousands(&round_decimal_text(digits, precision.unwrap_or(2))),
        )),
        'P' => {
            let scaled = shift_decimal(digits, 2);
            Some(signed(
                negative,
                &format!(
                    "{} %",
                    group_thousands(&round_decimal_text(&scaled, precision.unwrap_or(2)))
                ),
            ))
        }
        'C' => Some(format!(
            "{}¤{}",
            if negative { "-" } else { "" },
            group_thousands(&round_decimal_text(digits, precision.unwrap_or(2)))
        )),
        'E' => Some(signed(
            negative,
            &exponential(digits, precision.unwrap_or(6), 3, 'E'),
        )),
        _ => None,
    }
}

fn signed(negative: bool, text: &str) -> String {
    let is_zero = text
        .bytes()
        .all(|b| matches!(b, b'0' | b'.' | b',' | b' ' | b'%'));
    if negative && !is_zero {
        format!("-{text}")
    } else {
        text.to_owned()
    }
}

/// Multiplies decimal text by 10^places.
fn shift_decimal(digits: &str, places: usize) -> String {
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let mut frac: String = frac_part.to_owned();
    while frac.len() < places {
        frac.push('0');
    }
    let moved = frac.get(..places).unwrap_or_default();
    let rest = frac.get(places..).unwrap_or_default();
    let int = format!("{int_part}{moved}");
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if rest.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{rest}")
    }
}

/// Rounds exact decimal text to `places` fraction digits, half away from zero (how .NET rounds
/// decimal text when formatting).
pub fn round_decimal_text(digits: &str, places: usize) -> String {
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let mut all: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes())
        .map(|b| b - b'0')
        .collect();
    let int_len = int_part.len();
    let keep = int_len + places;
    let round_up = all.get(keep).is_some_and(|&d| d >= 5);
    all.resize(keep, 0);
    if round_up {
        let mut i = keep;
        loop {
            if i == 0 {
                all.insert(0, 1);
                break;
            }
            i -= 1;
            if let Some(d) = all.get_mut(i) {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    break;
                }
            }
        }
    }
    let grew = all.len() - keep;
    let int_digits: String = all
        .get(..int_len + grew)
        .unwrap_or_default()
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let int_digits = int_digits.trim_start_matches('0');
    let int_digits = if int_digits.is_empty() {
        "0"
    } else {
        int_digits
    };
    if places == 0 {
        return int_digits.to_owned();
    }
    let frac: String = all
        .get(int_len + grew..)
        .unwrap_or_default()
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    format!("{int_digits}.{frac}")
}

fn group_thousands(text: &str) -> String {
    let (int_part, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let mut grouped = String::new();
    for (index, c) in int_part.chars().enumerate() {
        if index > 0 && (int_part.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

/// `d.ddddE+xxx` from exact decimal text.
fn exponential(digits: &str, precision: usize, exponent_digits: usize, e: char) -> String {
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let all: String = format!("{int_part}{frac_part}");
    let first_nonzero = all.bytes().position(|b| b != b'0');
    let Some(first) = first_nonzero else {
        return format!(
            "{}{e}+{}",
            round_decimal_text("0", precision),
            "0".repeat(exponent_digits)
        );
    };
    let exponent =
        i64::try_from(int_part.len()).unwrap_or(0) - i64::try_from(first).unwrap_or(0) - 1;
    let significant = all.get(first..).unwrap_or_default();
    let mantissa = format!(
        "{}.{}",
        significant.get(..1).unwrap_or("0"),
        significant.get(1..).unwrap_or_default()
    );
    let rounded = round_decimal_text(&mantissa, precision);
    let (rounded, exponent) = if rounded.starts_with("10") {
        (
            round_decimal_text(
                &shift_decimal(&rounded, 0).replacen("10", "1.0", 1),
                precision,
            ),
            exponent + 1,
        )
    } else {
        (rounded, exponent)
    };
    let sign = if exponent < 0 { '-' } else { '+' };
    format!(
        "{rounded}{e}{sign}{:0width$}",
        exponent.abs(),
        width = exponent_digits
    )
}

// ---------------------------------------------------------------- custom patterns

/// A custom numeric pattern such as `0.00`, `#,##0.##`, `000`, `0%` for exact decimal text.
fn custom_number(decimal_text: &str, negative: bool, pattern: &str) -> Option<String> {
    // Sections: positive;negative;zero. Only the first is used beyond the sign.
    let section = pattern.split(';').next().unwrap_or(pattern);
    let mut digits_text = decimal_text.trim_start_matches('-').to_owned();
    if section.contains('%') {
        digits_text = shift_decimal(&digits_text, 2);
    }
    let (int_pattern, frac_pattern) = match section.find('.') {
        Some(dot) => (section.get(..dot)?, section.get(dot + 1..)?),
        None => (section, ""),
    };
    let frac_places = frac_pattern
        .chars()
        .filter(|c| matches!(c, '0' | '#'))
        .count();
    let min_frac = frac_pattern.chars().filter(|&c| c == '0').count();
    let rounded = round_decimal_text(&digits_text, frac_places);
    let (int_digits, frac_digits) = rounded.split_once('.').unwrap_or((&rounded, ""));
    let mut frac = frac_digits.to_owned();
    while frac.len() > min_frac && frac.ends_with('0') {
        frac.pop();
    }
    let min_int = int_pattern.chars().filter(|&c| c == '0').count();
    let mut int = int_digits.trim_start_matches('0').to_owned();
    while int.len() < min_int {
        int.insert(0, '0');
    }
    if int_pattern.contains(',') {
        int = group_thousands(&int);
    }
    let prefix: String = int_pattern
        .chars()
        .take_while(|c| !matches!(c, '0' | '#' | ','))
        .collect();
    let suffix: String = frac_pattern
        .chars()
        .rev()
        .take_while(|c| !matches!(c, '0' | '#'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let int_suffix: String = if frac_pattern.is_empty() {
        int_pattern
            .chars()
            .rev()
            .take_while(|c| !matches!(c, '0' | '#' | ','))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    } else {
        String::new()
    };
    let mut out = String::new();
    out.push_str(&prefix.replace(['\'', '"'], ""));
    out.push_str(&int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out.push_str(&int_suffix.replace(['\'', '"'], ""));
    out.push_str(&suffix.replace(['\'', '"'], ""));
    let all_zero = !out.bytes().any(|b| matches!(b, b'1'..=b'9'));
    Some(if negative && !all_zero {
        format!("-{out}")
    } else {
        out
    })
}

// ---------------------------------------------------------------- doubles

/// The shortest decimal digits that round-trip, and the decimal exponent of the first digit.
fn shortest(value: f64) -> (String, i32) {
    let text = format!("{:e}", value.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

fn shortest_single(value: f32) -> (String, i32) {
    let text = format!("{:e}", value.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// Renders significant digits with a decimal exponent the way .NET's `G`/`R` does: plain
/// notation while the exponent is in `-5..15`, else `d.dddE+xx`.
fn general(negative: bool, digits: &str, exponent: i32, scientific_at: i32) -> String {
    let sign = if negative { "-" } else { "" };
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if digits == "0" {
        return format!("{sign}0");
    }
    if exponent >= scientific_at || exponent < -4 {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            first.to_owned()
        } else {
            format!("{first}.{rest}")
        };
        let esign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{mantissa}E{esign}{:02}", exponent.abs());
    }
    let len = i32::try_from(digits.len()).unwrap_or(0);
    if exponent < 0 {
        let zeros = "0".repeat(usize::try_from(-exponent - 1).unwrap_or(0));
        format!("{sign}0.{zeros}{digits}")
    } else if exponent + 1 >= len {
        let zeros = "0".repeat(usize::try_from(exponent + 1 - len).unwrap_or(0));
        format!("{sign}{digits}{zeros}")
    } else {
        let split = usize::try_from(exponent + 1).unwrap_or(0);
        format!(
            "{sign}{}.{}",
            digits.get(..split).unwrap_or_default(),
            digits.get(split..).unwrap_or_default()
        )
    }
}

fn special(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value == f64::INFINITY {
        Some("Infinity")
    } else if value == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// Exact decimal text of a finite double (every digit of its binary value).
fn exact_text(value: f64) -> String {
    let text = format!("{:.1074}", value.abs());
    let trimmed = text.trim_end_matches('0');
    trimmed.strip_suffix('.').unwrap_or(trimmed).to_owned()
}

/// `double.ToString(format)`; `None` for a format .NET rejects.
pub fn format_double(value: f64, format: &str) -> Option<String> {
    if let Some(name) = special(value) {
        return Some(name.to_owned());
    }
    let (letter, precision) = standard(format)?;
    let negative = value.is_sign_negative() && value != 0.0;
    match letter {
        Some('G' | 'R') if precision.is_none() || letter == Some('R') => {
            // Where .NET uses plain notation, Rust's `Display` already prints the same shortest
            // round-trip digits (and `-0` for negative zero), without the digit shuffling below.
            if value == 0.0 || (1e-4..1e15).contains(&value.abs()) {
                return Some(value.to_string());
            }
            let (digits, exponent) = shortest(value);
            Some(general(value.is_sign_negative(), &digits, exponent, 15))
        }
        Some('G') => {
            let precision = precision.unwrap_or(15).max(1);
            let text = format!("{:.*e}", precision - 1, value.abs());
            let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            let scientific_at = i32::try_from(precision).unwrap_or(15);
            Some(general(
                negative,
                &digits,
                exponent.parse().unwrap_or(0),
                scientific_at,
            ))
        }
        Some('E') => {
            let precision = precision.unwrap_or(6);
            let text = format!("{:.*e}", precision, value.abs());
            let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
            let exponent: i32 = exponent.parse().unwrap_or(0);
            let esign = if exponent < 0 { '-' } else { '+' };
            Some(format!(
                "{}{mantissa}E{esign}{:03}",
                if negative { "-" } else { "" },
                exponent.abs()
            ))
        }
        Some('F' | 'N' | 'P') => {
            let places = precision.unwrap_or(2);
            let scaled = if letter == Some('P') {
                value * 100.0
            } else {
                value
            };
            let fixed = format!("{:.*}", places, scaled.abs());
            let body = if letter == Some('F') {
                fixed
            } else {
                group_thousands(&fixed)
            };
            let body = if letter == Some('P') {
                format!("{body} %")
            } else {
                body
            };
            Some(signed(negative, &body))
        }
        Some('C') => format_fixed_family(&exact_text(value), negative, 'C', precision),
        Some(_) => None,
        None => custom_number(&exact_text(value), negative, format),
    }
}

/// `float.ToString(format)`.
pub fn format_single(value: f32, format: &str) -> Option<String> {
    if let Some(name) = special(f64::from(value)) {
        return Some(name.to_owned());
    }
    let (letter, precision) = standard(format)?;
    match letter {
        Some('G' | 'R') if precision.is_none() || letter == Some('R') => {
            let negative = value.is_sign_negative() && value != 0.0;
            let (digits, exponent) = shortest_single(value);
            Some(general(negative, &digits, exponent, 15))
        }
        _ => format_double(f64::from(value), format),
    }
}

/// `double.Parse` (`NumberStyles.Float | AllowThousands`).
pub fn parse_double(text: &str) -> Result<f64, ParseError> {
    let trimmed = trim_white(text);
    match trimmed {
        "NaN" => return Ok(f64::NAN),
        "Infinity" | "+Infinity" | "∞" => return Ok(f64::INFINITY),
        "-Infinity" | "-∞" => return Ok(f64::NEG_INFINITY),
        _ => {}
    }
    let cleaned: String = trimmed.chars().filter(|&c| c != ',').collect();
    let valid = !cleaned.is_empty()
        && cleaned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && cleaned.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return Err(ParseError::Format);
    }
    let value: f64 = cleaned.parse().map_err(|_| ParseError::Format)?;
    // .NET Core returns ±Infinity for values too large to represent.
    Ok(value)
}

/// `decimal.Parse` (`NumberStyles.Number`): sign, digits, thousands separators, a point.
pub fn parse_decimal(text: &str) -> Result<Decimal, ParseError> {
    let trimmed = trim_white(text);
    let cleaned: String = trimmed.chars().filter(|&c| c != ',').collect();
    if cleaned.is_empty() || !cleaned.bytes().any(|b| b.is_ascii_digit()) {
        return Err(ParseError::Format);
    }
    if cleaned.bytes().any(|b| matches!(b, b'e' | b'E')) {
        return Err(ParseError::Format);
    }
    cleaned.parse::<Decimal>().map_err(|error| {
        if error.to_string().contains("overflow") || cleaned.len() > 40 {
            ParseError::Overflow
        } else {
            ParseError::Format
        }
    })
}

/// `decimal.ToString(format)`.
pub fn format_decimal(value: Decimal, format: &str) -> Option<String> {
    let (letter, precision) = standard(format)?;
    let text = value.to_string();
    let negative = value.is_sign_negative() && !value.is_zero();
    match letter {
        Some('G') if precision.is_none() => Some(text),
        Some('G') => {
            let digits = text.trim_start_matches('-');
            let rounded = exponential(digits, precision.unwrap_or(1).saturating_sub(1), 2, 'E');
            Some(signed(negative, &rounded))
        }
        Some(letter @ ('F' | 'N' | 'P' | 'C' | 'E')) => {
            format_fixed_family(&text, negative, letter, precision)
        }
        Some(_) => None,
        None => custom_number(&text, negative, format),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_notation_shortcut_agrees_with_the_digit_path() {
        let mut values = vec![
            1e-4,
            1e15,
            37.25,
            1.0 / 3.0,
            2.0f64.powi(49),
            999999999999999.9,
        ];
        values.extend((0..2000).map(|i| f64::from(i).mul_add(1.37e-3, 1e-4) * 1.01f64.powi(i)));
        values.push(f64::from_bits(1e-4f64.to_bits() - 1));
        values.push(f64::from_bits(1e15f64.to_bits() - 1));
        for value in values.into_iter().flat_map(|v| [v, -v]) {
            let (digits, exponent) = shortest(value);
            let slow = general(value.is_sign_negative(), &digits, exponent, 15);
            assert_eq!(format_double(value, "R"), Some(slow), "{value:e}");
        }
    }

    #[test]
    fn default_double_formatting_is_shortest_round_trip() {
        let cases = [
            (0.1 + 0.2, "0.30000000000000004"),
            (1.5, "1.5"),
            (1e20, "1E+20"),
            (1e15, "1E+15"),
            (123456789012345.0, "123456789012345"),
            (0.0001, "0.0001"),
            (0.00001, "1E-05"),
            (-2.5e-10, "-2.5E-10"),
            (100.0, "100"),
            (0.0, "0"),
            (-0.0, "-0"),
            (f64::NAN, "NaN"),
        ];
        for (value, expected) in cases {
            assert_eq!(
                format_double(value, ""),
                Some(expected.to_owned()),
                "{value}"
            );
        }
    }

    #[test]
    fn fixed_and_grouped_formats() {
        assert_eq!(format_double(1234.5678, "F2").unwrap(), "1234.57");
        assert_eq!(format_double(1234.5678, "N2").unwrap(), "1,234.57");
        assert_eq!(format_double(0.25, "P0").unwrap(), "25 %");
        assert_eq!(format_double(1234.5, "0.00").unwrap(), "1234.50");
        assert_eq!(format_double(1234.5, "#,##0.#").unwrap(), "1,234.5");
        assert_eq!(format_double(12345.678, "E2").unwrap(), "1.23E+004");
    }

    #[test]
    fn integer_formats() {
        assert_eq!(format_integer(255, 32, "X").unwrap(), "FF");
        assert_eq!(format_integer(255, 32, "x4").unwrap(), "00ff");
        assert_eq!(format_integer(-1, 32, "X").unwrap(), "FFFFFFFF");
        assert_eq!(format_integer(42, 32, "D5").unwrap(), "00042");
        assert_eq!(format_integer(-42, 32, "D5").unwrap(), "-00042");
        assert_eq!(format_integer(1234567, 32, "N0").unwrap(), "1,234,567");
        assert_eq!(format_integer(5, 32, "000").unwrap(), "005");
        assert_eq!(format_integer(5, 32, "Z"), None);
    }

    #[test]
    fn decimals_keep_their_scale() {
        let value: Decimal = "1.50".parse().unwrap();
        assert_eq!(format_decimal(value, "").unwrap(), "1.50");
        assert_eq!(format_decimal(value, "F1").unwrap(), "1.5");
        assert_eq!(
            format_decimal("2.345".parse().unwrap(), "F2").unwrap(),
            "2.35"
        );
    }

    #[test]
    fn parsing_integers() {
        assert_eq!(
            parse_integer(" -42 ", i128::from(i32::MIN), i128::from(i32::MAX)),
            Ok(-42)
        );
        assert_eq!(
            parse_integer("2147483648", i128::from(i32::MIN), i128::from(i32::MAX)),
            Err(ParseError::Overflow)
        );
        assert_eq!(parse_integer("4x", 0, 100), Err(ParseError::Format));
        assert_eq!(parse_integer("", 0, 100), Err(ParseError::Format));
        assert_eq!(parse_integer("1,000", 0, 10_000), Err(ParseError::Format));
        assert_eq!(parse_radix("ffffffff", 16, 32), Ok(-1));
        assert_eq!(parse_radix("101", 2, 32), Ok(5));
    }

    #[test]
    fn parsing_reals() {
        assert_eq!(parse_double("1,000.5"), Ok(1000.5));
        assert_eq!(parse_double(" 1e3 "), Ok(1000.0));
        assert_eq!(parse_double("abc"), Err(ParseError::Format));
        assert_eq!(
            parse_decimal("1.50").map(|d| d.to_string()),
            Ok("1.50".to_owned())
        );
        assert_eq!(parse_decimal("1e3"), Err(ParseError::Format));
    }
}
