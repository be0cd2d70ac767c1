//! XML Schema dates and durations as `System.Xml.XmlConvert` reads them: what LINQ to XML's
//! `(DateTimeOffset)element` and `(TimeSpan)element` do with an element's text.
//!
//! The grammar and its corner cases follow .NET's `XsdDateTime.Parser` and `XsdDuration`
//! (checked against Mono, which ships the same code): exactly four-digit years, `T` and `Z`
//! (or `z`), zones only as `±hh:mm`, any number of fraction digits rounded half to even at
//! the seventh, whitespace around the text allowed. (`(DateTime)element` is not this: it is
//! `DateTime.Parse` with `DateTimeStyles.RoundtripKind`.)

use super::time::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND, days_in_month,
    ticks_from_parts,
};

/// Which XML Schema type the text had; some take parts of the current date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XsdForm {
    /// `2024-01-02T03:04:05`
    DateTime,
    /// `2024-01-02`
    Date,
    /// `03:04:05`: today at that time.
    Time,
    /// `2024-01`
    GYearMonth,
    /// `2024`
    GYear,
    /// `--01-02`: in 1904, a leap year, so that `--02-29` is a date.
    GMonthDay,
    /// `--01` or `--01--`: the first of that month this year.
    GMonth,
    /// `---02`: that day of January this year.
    GDay,
}

/// The zone written after the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XsdZone {
    None,
    /// `Z`
    Utc,
    /// `+hh:mm` or `-hh:mm`; up to `99:99` reads, and is refused later as an offset.
    Offset {
        east: bool,
        hours: u8,
        minutes: u8,
    },
}

impl XsdZone {
    /// The offset from UTC in minutes (`None` for no zone).
    pub fn minutes(self) -> Option<i64> {
        match self {
            XsdZone::None => None,
            XsdZone::Utc => Some(0),
            XsdZone::Offset {
                east,
                hours,
                minutes,
            } => {
                let total = i64::from(hours) * 60 + i64::from(minutes);
                Some(if east { total } else { -total })
            }
        }
    }
}

/// An XML Schema date or time as read, before the current date fills in what it lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XsdDateTime {
    pub form: XsdForm,
    /// The clock time written, as ticks (for `Time`, on 1904-01-01).
    pub ticks: i64,
    pub month: i64,
    pub day: i64,
    pub zone: XsdZone,
}

/// 1904-01-01, where .NET puts a time of day and a month-day without a year.
const LEAP_YEAR: i64 = 1904;

/// Reads `text` as any of the XML Schema date and time types (`XsdDateTimeFlags.AllXsd`).
pub fn parse_date_time(text: &str) -> Option<XsdDateTime> {
    let trimmed = text.trim_start();
    let chars: Vec<char> = trimmed.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let digits = |from: usize, count: usize| digits_at(&chars, from, count);
    let is = |i: usize, c: char| at(i) == Some(c);
    let date = |year: i64, month: i64, day: i64, form: XsdForm, zone_at: usize| {
        let zone = zone_and_whitespace(&chars, zone_at)?;
        Some(XsdDateTime {
            form,
            ticks: ticks_from_parts(year, month, day, 0, 0, 0, 0)?,
            month,
            day,
            zone,
        })
    };

    // yyyy-MM-dd, then `T` and a time, or a zone.
    let year = digits(0, 4).filter(|&year| year >= 1);
    let month = || digits(5, 2).filter(|m| (1..=12).contains(m));
    if let (Some(year), Some(month)) = (year, month())
        && is(4, '-')
        && is(7, '-')
        && let Some(day) = digits(8, 2).filter(|&d| d >= 1 && d <= days_in_month(year, month))
    {
        if is(10, 'T')
            && let Some((time, end)) = time_of_day(&chars, 11)
            && let Some(zone) = zone_and_whitespace(&chars, end)
        {
            return Some(XsdDateTime {
                form: XsdForm::DateTime,
                ticks: ticks_from_parts(year, month, day, 0, 0, 0, 0)? + time,
                month,
                day,
                zone,
            });
        }
        if let Some(parsed) = date(year, month, day, XsdForm::Date, 10) {
            return Some(parsed);
        }
    }
    if let Some((time, end)) = time_of_day(&chars, 0)
        && let Some(zone) = zone_and_whitespace(&chars, end)
    {
        return Some(XsdDateTime {
            form: XsdForm::Time,
            ticks: ticks_from_parts(LEAP_YEAR, 1, 1, 0, 0, 0, 0)? + time,
            month: 1,
            day: 1,
            zone,
        });
    }
    if let Some(year) = year {
        if is(4, '-')
            && let Some(month) = month()
            && let Some(parsed) = date(year, month, 1, XsdForm::GYearMonth, 7)
        {
            return Some(parsed);
        }
        if let Some(parsed) = date(year, 1, 1, XsdForm::GYear, 4) {
            return Some(parsed);
        }
    }
    if is(0, '-')
        && is(1, '-')
        && let Some(month) = digits(2, 2).filter(|m| (1..=12).contains(m))
    {
        if is(4, '-')
            && let Some(day) =
                digits(5, 2).filter(|&d| d >= 1 && d <= days_in_month(LEAP_YEAR, month))
            && let Some(parsed) = date(LEAP_YEAR, month, day, XsdForm::GMonthDay, 7)
        {
            return Some(parsed);
        }
        if let Some(parsed) = date(LEAP_YEAR, month, 1, XsdForm::GMonth, 4) {
            return Some(parsed);
        }
        if is(4, '-')
            && is(5, '-')
            && let Some(parsed) = date(LEAP_YEAR, month, 1, XsdForm::GMonth, 6)
        {
            return Some(parsed);
        }
    }
    if is(0, '-')
        && is(1, '-')
        && is(2, '-')
        && let Some(day) = digits(3, 2).filter(|&d| (1..=31).contains(&d))
    {
        return date(LEAP_YEAR, 1, day, XsdForm::GDay, 5);
    }
    None
}

/// The number written by exactly `count` decimal digits at `from`.
fn digits_at(chars: &[char], from: usize, count: usize) -> Option<i64> {
    (from..from + count).try_fold(0, |value, i| {
        chars
            .get(i)?
            .to_digit(10)
            .map(|d| value * 10 + i64::from(d))
    })
}

/// `HH:mm:ss[.f…]` at `start`: the time as ticks, and where it ends.
fn time_of_day(chars: &[char], start: usize) -> Option<(i64, usize)> {
    let two = |i: usize| digits_at(chars, i, 2);
    let hour = two(start).filter(|&h| h < 24)?;
    (chars.get(start + 2) == Some(&':')).then_some(())?;
    let minute = two(start + 3).filter(|&m| m < 60)?;
    (chars.get(start + 5) == Some(&':')).then_some(())?;
    let second = two(start + 6).filter(|&s| s < 60)?;
    let mut end = start + 8;
    let mut fraction = 0;
    if chars.get(end) == Some(&'.') {
        let digits: Vec<i64> = chars
            .get(end + 1..)
            .unwrap_or_default()
            .iter()
            .map_while(|c| c.to_digit(10).map(i64::from))
            .collect();
        if digits.is_empty() {
            return None;
        }
        end += 1 + digits.len();
        fraction = digits
            .iter()
            .take(7)
            .fold(0, |value, digit| value * 10 + digit);
        for _ in digits.len()..7 {
            fraction *= 10;
        }
        fraction += round_half_to_even(fraction, digits.get(7..).unwrap_or_default());
    }
    Some((
        hour * TICKS_PER_HOUR + minute * TICKS_PER_MINUTE + second * TICKS_PER_SECOND + fraction,
        end,
    ))
}

/// What rounding the fraction digits after the seventh adds to the seventh.
fn round_half_to_even(kept: i64, dropped: &[i64]) -> i64 {
    match dropped.split_first() {
        Some((&first, rest)) if first > 5 || (first == 5 && rest.iter().any(|&d| d != 0)) => 1,
        Some((&5, _)) => kept & 1,
        _ => 0,
    }
}

/// An optional zone at `start`, then only whitespace to the end.
fn zone_and_whitespace(chars: &[char], start: usize) -> Option<XsdZone> {
    let mut at = start;
    let mut zone = XsdZone::None;
    match chars.get(at) {
        Some('Z' | 'z') => {
            zone = XsdZone::Utc;
            at += 1;
        }
        Some(&sign @ ('+' | '-')) => {
            let two = |i: usize| digits_at(chars, i, 2).and_then(|n| u8::try_from(n).ok());
            if let (Some(hours), Some(':'), Some(minutes)) =
                (two(at + 1), chars.get(at + 3), two(at + 4))
            {
                zone = XsdZone::Offset {
                    east: sign == '+',
                    hours,
                    minutes,
                };
                at += 6;
            }
        }
        _ => {}
    }
    chars
        .get(at..)
        .unwrap_or_default()
        .iter()
        .all(|c| c.is_whitespace())
        .then_some(zone)
}

/// Why a duration could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// Not an `xs:duration` (or a part beyond `Int32.MaxValue`): a `FormatException`.
    Format,
    /// A duration longer than `TimeSpan` holds: an `OverflowException`.
    Overflow,
}

/// `XmlConvert.ToTimeSpan`: `-?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n*)?S)?)?` with at least one
/// part, a year counting 365 days and a month 30; ticks.
pub fn parse_duration(text: &str) -> Result<i64, DurationError> {
    use DurationError::Format;
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut rest = rest.strip_prefix('P').ok_or(Format)?;
    let years = designated(&mut rest, 'Y')?;
    let months = designated(&mut rest, 'M')?;
    let days = designated(&mut rest, 'D')?;
    let (mut hours, mut minutes, mut seconds, mut nanoseconds) = (None, None, None, 0);
    if let Some(time) = rest.strip_prefix('T') {
        rest = time;
        hours = designated(&mut rest, 'H')?;
        minutes = designated(&mut rest, 'M')?;
        let whole_length = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (whole, after) = rest.split_at(whole_length);
        if let Some(fraction) = after.strip_prefix('.') {
            // `1.S` and `.5S` are read; the fraction keeps nine digits.
            seconds = Some(if whole.is_empty() {
                0
            } else {
                i64::from(whole.parse::<i32>().map_err(|_| Format)?)
            });
            let digit_count = fraction.bytes().take_while(u8::is_ascii_digit).count();
            let (digits, after) = fraction.split_at(digit_count);
            nanoseconds = digits
                .bytes()
                .chain(std::iter::repeat(b'0'))
                .take(9)
                .fold(0, |value, digit| value * 10 + i64::from(digit - b'0'));
            rest = after.strip_prefix('S').ok_or(Format)?;
        } else {
            seconds = designated(&mut rest, 'S')?;
        }
        // `T` must be followed by a part.
        if hours.is_none() && minutes.is_none() && seconds.is_none() {
            return Err(Format);
        }
    }
    let parts = [years, months, days, hours, minutes, seconds];
    if !rest.is_empty() || parts.iter().all(Option::is_none) {
        return Err(Format);
    }
    let [years, months, days, hours, minutes, seconds] = parts.map(Option::unwrap_or_default);
    let total = i128::from(years * 365 + months * 30 + days) * i128::from(TICKS_PER_DAY)
        + i128::from(hours) * i128::from(TICKS_PER_HOUR)
        + i128::from(minutes) * i128::from(TICKS_PER_MINUTE)
        + i128::from(seconds) * i128::from(TICKS_PER_SECOND)
        + i128::from(nanoseconds / 100);
    let signed = if negative { -total } else { total };
    i64::try_from(signed).map_err(|_| DurationError::Overflow)
}

/// A number and its designator at the start of `rest`, consumed; `None` (nothing consumed)
/// when that designator is not next. A number beyond `Int32.MaxValue` is a format error.
fn designated(rest: &mut &str, designator: char) -> Result<Option<i64>, DurationError> {
    let length = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (number, after) = rest.split_at(length);
    match after.strip_prefix(designator) {
        Some(after) if length > 0 => {
            let value = number.parse::<i32>().map_err(|_| DurationError::Format)?;
            *rest = after;
            Ok(Some(i64::from(value)))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str) -> Option<XsdForm> {
        parse_date_time(text).map(|parsed| parsed.form)
    }

    #[test]
    fn every_xml_schema_form_is_read() {
        assert_eq!(form("2024-01-02T03:04:05Z"), Some(XsdForm::DateTime));
        assert_eq!(form(" 2024-01-02 "), Some(XsdForm::Date));
        assert_eq!(form("10:11:12"), Some(XsdForm::Time));
        assert_eq!(form("2024-01"), Some(XsdForm::GYearMonth));
        assert_eq!(form("2024"), Some(XsdForm::GYear));
        assert_eq!(form("--02-29"), Some(XsdForm::GMonthDay));
        assert_eq!(form("--03"), Some(XsdForm::GMonth));
        assert_eq!(form("--03--"), Some(XsdForm::GMonth));
        assert_eq!(form("---05"), Some(XsdForm::GDay));
    }

    #[test]
    fn what_xml_schema_refuses_is_refused() {
        for text in [
            "2024-01-02T24:00:00",
            "2024-02-30",
            "2024-01-02T03:04",
            "2024-01-02t03:04:05",
            "2024-01-02T03:04:05+0200",
            "2024-01-02T03:04:05.",
            "0000-01-01",
            "abc",
            "",
        ] {
            assert_eq!(parse_date_time(text), None, "{text}");
        }
    }

    #[test]
    fn zones_and_fractions() {
        let parsed = parse_date_time("2024-01-02T03:04:05.12345675-02:30");
        assert_eq!(
            parsed.map(|p| (p.ticks % TICKS_PER_SECOND, p.zone.minutes())),
            Some((1_234_568, Some(-150)))
        );
        let even = parse_date_time("2024-01-02T03:04:05.12345665z");
        assert_eq!(
            even.map(|p| (p.ticks % TICKS_PER_SECOND, p.zone)),
            Some((1_234_566, XsdZone::Utc))
        );
        let wide = parse_date_time("2024-01-02T03:04:05+99:99");
        assert_eq!(wide.and_then(|p| p.zone.minutes()), Some(99 * 60 + 99));
    }

    #[test]
    fn durations() {
        let second = TICKS_PER_SECOND;
        assert_eq!(
            parse_duration("P1Y2M3DT4H5M6.7S"),
            Ok((428 * 86_400 + 4 * 3600 + 5 * 60 + 6) * second + 7_000_000)
        );
        assert_eq!(parse_duration("-P1D"), Ok(-86_400 * second));
        assert_eq!(parse_duration(" PT1H "), Ok(3600 * second));
        assert_eq!(parse_duration("PT1.S"), Ok(second));
        assert_eq!(parse_duration("PT.5S"), Ok(second / 2));
        assert_eq!(parse_duration("PT1.123456789999S"), Ok(second + 1_234_567));
        assert_eq!(parse_duration("PT0S"), Ok(0));
        for text in [
            "P",
            "PT",
            "P1DT",
            "P1W",
            "p1d",
            "P0.5D",
            "PT-1H",
            "P2147483648D",
            "P1H",
        ] {
            assert_eq!(parse_duration(text), Err(DurationError::Format), "{text}");
        }
        assert_eq!(
            parse_duration("P10675199D"),
            Ok(10_675_199 * 86_400 * second)
        );
        assert_eq!(parse_duration("P10675200D"), Err(DurationError::Overflow));
    }
}
