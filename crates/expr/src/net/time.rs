//! `DateTime`, `DateTimeOffset` and `TimeSpan` as .NET defines them: 100-nanosecond ticks
//! since 0001-01-01, the proleptic Gregorian calendar, invariant-culture formatting.
//!
//! Local time is UTC: Azure-hosted gateways run in UTC, and a self-hosted gateway's expressions
//! should not change meaning with the host's time zone. `DateTime.Now` has kind `Local`.

use std::fmt::Write;

pub const TICKS_PER_MILLISECOND: i64 = 10_000;
pub const TICKS_PER_SECOND: i64 = 10_000_000;
pub const TICKS_PER_MINUTE: i64 = 600_000_000;
pub const TICKS_PER_HOUR: i64 = 36_000_000_000;
pub const TICKS_PER_DAY: i64 = 864_000_000_000;
/// Ticks of 9999-12-31T23:59:59.9999999.
pub const MAX_TICKS: i64 = 3_155_378_975_999_999_999;
/// Ticks of 1970-01-01.
pub const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

const DAYS_TO_MONTH_365: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const DAYS_TO_MONTH_366: [i64; 13] = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Unspecified,
    Utc,
    Local,
}

/// A `DateTime`: ticks and kind. Comparisons use ticks only, as .NET's do.
#[derive(Clone, Copy, Debug)]
pub struct DateTime {
    pub ticks: i64,
    pub kind: Kind,
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.ticks == other.ticks
    }
}

impl Eq for DateTime {}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.ticks.cmp(&other.ticks)
    }
}

/// A `DateTimeOffset`: the local clock's ticks and the offset from UTC in minutes.
#[derive(Clone, Copy, Debug)]
pub struct DateTimeOffset {
    pub ticks: i64,
    pub offset_minutes: i16,
}

impl DateTimeOffset {
    pub fn utc_ticks(self) -> i64 {
        self.ticks - i64::from(self.offset_minutes) * TICKS_PER_MINUTE
    }
}

impl PartialEq for DateTimeOffset {
    fn eq(&self, other: &Self) -> bool {
        self.utc_ticks() == other.utc_ticks()
    }
}

impl Eq for DateTimeOffset {}

impl PartialOrd for DateTimeOffset {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.utc_ticks().cmp(&other.utc_ticks()))
    }
}

/// A `TimeSpan` in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeSpan(pub i64);

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i64, month: i64) -> i64 {
    let table = if is_leap(year) {
        &DAYS_TO_MONTH_366
    } else {
        &DAYS_TO_MONTH_365
    };
    let index = usize::try_from(month).unwrap_or(1);
    table.get(index).copied().unwrap_or(0) - table.get(index - 1).copied().unwrap_or(0)
}

pub fn is_leap_year(year: i64) -> bool {
    is_leap(year)
}

/// Days from 0001-01-01 to the start of `year-month-day`, or `None` if that is not a date.
pub fn days_from_date(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let table = if is_leap(year) {
        &DAYS_TO_MONTH_366
    } else {
        &DAYS_TO_MONTH_365
    };
    let y = year - 1;
    let month_days = table.get(usize::try_from(month - 1).ok()?).copied()?;
    Some(y * 365 + y / 4 - y / 100 + y / 400 + month_days + day - 1)
}

/// Ticks of a date and time, or `None` if out of range.
pub fn ticks_from_parts(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    millisecond: i64,
) -> Option<i64> {
    if !(0..24).contains(&hour)
        || !(0..60).contains(&minute)
        || !(0..60).contains(&second)
        || !(0..1000).contains(&millisecond)
    {
        return None;
    }
    let days = days_from_date(year, month, day)?;
    Some(
        days * TICKS_PER_DAY
            + hour * TICKS_PER_HOUR
            + minute * TICKS_PER_MINUTE
            + second * TICKS_PER_SECOND
            + millisecond * TICKS_PER_MILLISECOND,
    )
}

/// The calendar parts of a tick count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// 100-nanosecond units within the second.
    pub fraction: i64,
    pub day_of_week: i64,
    pub day_of_year: i64,
}

pub fn parts(ticks: i64) -> Parts {
    let ticks = ticks.clamp(0, MAX_TICKS);
    let mut n = ticks / TICKS_PER_DAY;
    let day_of_week = (n + 1) % 7;
    let y400 = n / 146_097;
    n -= y400 * 146_097;
    let mut y100 = n / 36_524;
    if y100 == 4 {
        y100 = 3;
    }
    n -= y100 * 36_524;
    let y4 = n / 1_461;
    n -= y4 * 1_461;
    let mut y1 = n / 365;
    if y1 == 4 {
        y1 = 3;
    }
    let year = y400 * 400 + y100 * 100 + y4 * 4 + y1 + 1;
    n -= y1 * 365;
    let day_of_year = n + 1;
    let table = if is_leap(year) {
        &DAYS_TO_MONTH_366
    } else {
        &DAYS_TO_MONTH_365
    };
    let mut month = 1;
    while month < 12 && n >= table.get(month).copied().unwrap_or(366) {
        month += 1;
    }
    let day = n - table.get(month - 1).copied().unwrap_or(0) + 1;
    let time = ticks % TICKS_PER_DAY;
    Parts {
        year,
        month: i64::try_from(month).unwrap_or(1),
        day,
        hour: time / TICKS_PER_HOUR,
        minute: (time / TICKS_PER_MINUTE) % 60,
        second: (time / TICKS_PER_SECOND) % 60,
        fraction: time % TICKS_PER_SECOND,
        day_of_week,
        day_of_year,
    }
}

/// Adds months as .NET does: the day is clamped to the target month's length.
pub fn add_months(ticks: i64, months: i64) -> Option<i64> {
    let p = parts(ticks);
    let total = p.year * 12 + (p.month - 1) + months;
    let year = total.div_euclid(12);
    let month = total.rem_euclid(12) + 1;
    let day = p.day.min(days_in_month(year, month));
    let days = days_from_date(year, month, day)?;
    Some(days * TICKS_PER_DAY + ticks % TICKS_PER_DAY)
}

pub fn in_range(ticks: i64) -> bool {
    (0..=MAX_TICKS).contains(&ticks)
}

// ---------------------------------------------------------------- formatting

/// Expands a standard format letter to its invariant-culture pattern.
fn standard_pattern(format: &str, offset: bool) -> Option<&'static str> {
    Some(match format {
        "d" => "MM/dd/yyyy",
        "D" => "dddd, dd MMMM yyyy",
        "f" => "dddd, dd MMMM yyyy HH:mm",
        "F" | "U" => "dddd, dd MMMM yyyy HH:mm:ss",
        "g" => "MM/dd/yyyy HH:mm",
        "G" if offset => "MM/dd/yyyy HH:mm:ss zzz",
        "G" => "MM/dd/yyyy HH:mm:ss",
        "m" | "M" => "MMMM dd",
        "o" | "O" if offset => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffzzz",
        "o" | "O" => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
        "r" | "R" => "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        "s" => "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
        "t" => "HH:mm",
        "T" => "HH:mm:ss",
        "u" => "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
        "y" | "Y" => "yyyy MMMM",
        _ => return None,
    })
}

/// What a format needs to know about the value besides its local ticks.
#[derive(Clone, Copy, Debug)]
pub struct Zone {
    pub kind: Kind,
    /// For `DateTimeOffset` (and local `DateTime`, whose offset is zero here).
    pub offset_minutes: Option<i16>,
}

/// Formats like `DateTime.ToString(format)`; `None` for an invalid format (`FormatException`).
pub fn format_date(ticks: i64, zone: Zone, format: &str) -> Option<String> {
    let is_offset = zone.offset_minutes.is_some() && zone.kind == Kind::Unspecified;
    let format = if format.is_empty() { "G" } else { format };
    let (pattern, ticks) = if format.chars().count() == 1 {
        let pattern = standard_pattern(format, is_offset)?;
        // `r` and `u` show UTC; `U` converts to UTC.
        let ticks = match (format, zone.offset_minutes) {
            ("r" | "R" | "u", Some(offset)) if is_offset => {
                ticks - i64::from(offset) * TICKS_PER_MINUTE
            }
            _ => ticks,
        };
        (pattern, ticks)
    } else {
        (format, ticks)
    };
    custom(ticks, zone, pattern)
}

fn custom(ticks: i64, zone: Zone, pattern: &str) -> Option<String> {
    let p = parts(ticks);
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = chars
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&x| x == c)
            .count();
        match c {
            'y' => {
                match run {
                    1 => write!(out, "{}", p.year % 100).ok()?,
                    2 => write!(out, "{:02}", p.year % 100).ok()?,
                    n => write!(out, "{:0width$}", p.year, width = n).ok()?,
                }
                i += run;
            }
            'M' => {
                let month = usize::try_from(p.month - 1).ok()?;
                match run {
                    1 => write!(out, "{}", p.month).ok()?,
                    2 => write!(out, "{:02}", p.month).ok()?,
                    3 => out.push_str(MONTH_NAMES.get(month)?.get(..3)?),
                    _ => out.push_str(MONTH_NAMES.get(month)?),
                }
                i += run;
            }
            'd' => {
                let day = usize::try_from(p.day_of_week).ok()?;
                match run {
                    1 => write!(out, "{}", p.day).ok()?,
                    2 => write!(out, "{:02}", p.day).ok()?,
                    3 => out.push_str(DAY_NAMES.get(day)?.get(..3)?),
                    _ => out.push_str(DAY_NAMES.get(day)?),
                }
                i += run;
            }
            'h' => {
                let hour12 = match p.hour % 12 {
                    0 => 12,
                    h => h,
                };
                if run == 1 {
                    write!(out, "{hour12}").ok()?;
                } else {
                    write!(out, "{hour12:02}").ok()?;
                }
                i += run;
            }
            'H' => {
                if run == 1 {
                    write!(out, "{}", p.hour).ok()?;
                } else {
                    write!(out, "{:02}", p.hour).ok()?;
                }
                i += run;
            }
            'm' => {
                if run == 1 {
                    write!(out, "{}", p.minute).ok()?;
                } else {
                    write!(out, "{:02}", p.minute).ok()?;
                }
                i += run;
            }
            's' => {
                if run == 1 {
                    write!(out, "{}", p.second).ok()?;
                } else {
                    write!(out, "{:02}", p.second).ok()?;
                }
                i += run;
            }
            'f' | 'F' => {
                if run > 7 {
                    return None;
                }
                let digits = format!("{:07}", p.fraction);
                let mut part = digits.get(..run)?.to_owned();
                if c == 'F' {
                    while part.ends_with('0') {
                        part.pop();
                    }
                    if part.is_empty() && out.ends_with('.') {
                        out.pop();
                    }
                }
                out.push_str(&part);
                i += run;
            }
            't' => {
                let designator = if p.hour < 12 { "AM" } else { "PM" };
                if run == 1 {
                    out.push_str(designator.get(..1)?);
                } else {
                    out.push_str(designator);
                }
                i += run;
            }
            'z' => {
                let offset = i64::from(zone.offset_minutes.unwrap_or(0));
                let sign = if offset < 0 { '-' } else { '+' };
                let (hours, minutes) = (offset.abs() / 60, offset.abs() % 60);
                match run {
                    1 => write!(out, "{sign}{hours}").ok()?,
                    2 => write!(out, "{sign}{hours:02}").ok()?,
                    _ => write!(out, "{sign}{hours:02}:{minutes:02}").ok()?,
                }
                i += run;
            }
            'K' => {
                match (zone.kind, zone.offset_minutes) {
                    (Kind::Utc, _) => out.push('Z'),
                    (Kind::Local, _) => out.push_str("+00:00"),
                    (Kind::Unspecified, Some(offset)) => {
                        let offset = i64::from(offset);
                        let sign = if offset < 0 { '-' } else { '+' };
                        write!(
                            out,
                            "{sign}{:02}:{:02}",
                            offset.abs() / 60,
                            offset.abs() % 60
                        )
                        .ok()?;
                    }
                    (Kind::Unspecified, None) => {}
                }
                i += 1;
            }
            'g' => {
                out.push_str("A.D.");
                i += run;
            }
            ':' | '/' => {
                out.push(c);
                i += 1;
            }
            '\'' | '"' => {
                let close = chars.get(i + 1..)?.iter().position(|&x| x == c)?;
                out.extend(chars.get(i + 1..i + 1 + close)?);
                i += close + 2;
            }
            '%' => {
                i += 1;
            }
            '\\' => {
                out.push(*chars.get(i + 1)?);
                i += 2;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    Some(out)
}

/// `TimeSpan.ToString()` (the constant "c" format): `[-][d.]hh:mm:ss[.fffffff]`.
pub fn format_timespan(span: TimeSpan) -> String {
    let ticks = span.0;
    let mut out = String::new();
    if ticks < 0 {
        out.push('-');
    }
    let abs = ticks.unsigned_abs();
    let day = TICKS_PER_DAY.unsigned_abs();
    let days = abs / day;
    let rest = abs % day;
    if days > 0 {
        let _ = write!(out, "{days}.");
    }
    let hours = rest / TICKS_PER_HOUR.unsigned_abs();
    let minutes = (rest / TICKS_PER_MINUTE.unsigned_abs()) % 60;
    let seconds = (rest / TICKS_PER_SECOND.unsigned_abs()) % 60;
    let fraction = rest % TICKS_PER_SECOND.unsigned_abs();
    let _ = write!(out, "{hours:02}:{minutes:02}:{seconds:02}");
    if fraction > 0 {
        let _ = write!(out, ".{fraction:07}");
    }
    out
}

// ---------------------------------------------------------------- parsing

/// A parsed date: local ticks, and the offset if the text gave one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedDate {
    pub ticks: i64,
    pub offset_minutes: Option<i16>,
}

/// Parses the forms `DateTime.Parse` accepts in the invariant culture that policies use:
/// ISO 8601 (`2020-01-02`, `2020-01-02T10:00:00.123Z`, with an offset), `MM/dd/yyyy[ HH:mm[:ss]]`
/// with an optional AM/PM, and RFC 1123 (`Thu, 02 Jan 2020 10:00:00 GMT`).
pub fn parse_date(text: &str) -> Option<ParsedDate> {
    let text = text.trim();
    parse_iso(text)
        .or_else(|| parse_invariant(text))
        .or_else(|| parse_rfc1123(text))
}

fn number(text: &str, digits: std::ops::RangeInclusive<usize>) -> Option<(i64, &str)> {
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    if !digits.contains(&len) {
        return None;
    }
    let value = text.get(..len)?.parse().ok()?;
    Some((value, text.get(len..)?))
}

fn parse_iso(text: &str) -> Option<ParsedDate> {
    let (year, rest) = number(text, 4..=4)?;
    let rest = rest.strip_prefix('-')?;
    let (month, rest) = number(rest, 2..=2)?;
    let rest = rest.strip_prefix('-')?;
    let (day, rest) = number(rest, 2..=2)?;
    let (mut hour, mut minute, mut second, mut fraction) = (0, 0, 0, 0);
    let mut rest = rest;
    if let Some(time) = rest.strip_prefix(['T', 't', ' ']) {
        let (h, r) = number(time, 2..=2)?;
        let r = r.strip_prefix(':')?;
        let (m, r) = number(r, 2..=2)?;
        hour = h;
        minute = m;
        rest = r;
        if let Some(r) = rest.strip_prefix(':') {
            let (s, r) = number(r, 2..=2)?;
            second = s;
            rest = r;
            if let Some(r) = rest.strip_prefix('.') {
                let len = r.bytes().take_while(u8::is_ascii_digit).count();
                if len == 0 {
                    return None;
                }
                let digits = r.get(..len.min(7))?;
                fraction = format!("{digits:0<7}").parse().ok()?;
                rest = r.get(len..)?;
            }
        }
    }
    let offset = parse_offset(rest)?;
    let ticks = ticks_from_parts(year, month, day, hour, minute, second, 0)? + fraction;
    Some(ParsedDate {
        ticks,
        offset_minutes: offset,
    })
}

/// Whether a zone is written as UTC's name (`Z`, `z`, `GMT`, `UTC`) rather than an offset:
/// with `DateTimeStyles.RoundtripKind` only these give kind `Utc`.
fn names_utc(zone: &str) -> bool {
    UTC_NAMES.contains(&zone)
}

const UTC_NAMES: [&str; 4] = ["Z", "z", "GMT", "UTC"];

/// `DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)`, which
/// is also LINQ to XML's `(DateTime)element`: a zone named UTC keeps the clock time with kind
/// `Utc`; an offset gives the instant as local time (UTC here) with kind `Local`; no zone gives
/// kind `Unspecified`.
pub fn parse_date_roundtrip(text: &str) -> Option<DateTime> {
    let parsed = parse_date(text)?;
    let trimmed = text.trim_end();
    let named_utc = UTC_NAMES.iter().any(|name| trimmed.ends_with(name));
    Some(match parsed.offset_minutes {
        None => DateTime {
            ticks: parsed.ticks,
            kind: Kind::Unspecified,
        },
        Some(_) if named_utc => DateTime {
            ticks: parsed.ticks,
            kind: Kind::Utc,
        },
        Some(offset) => DateTime {
            ticks: parsed.ticks - i64::from(offset) * TICKS_PER_MINUTE,
            kind: Kind::Local,
        },
    })
}

/// `""` → no offset; `Z` → 0; `+hh:mm`, `-hhmm`, `+hh` → that many minutes.
fn parse_offset(text: &str) -> Option<Option<i16>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    if names_utc(text) {
        return Some(Some(0));
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = text.get(1..)?;
    // `hhmm` is four digits together; otherwise the hours stand alone.
    let together = body.bytes().take_while(u8::is_ascii_digit).count() == 4;
    let (hours, rest) = if together {
        let (hours, _) = number(body.get(..2)?, 2..=2)?;
        (hours, body.get(2..)?)
    } else {
        number(body, 1..=2)?
    };
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let minutes = if rest.is_empty() {
        0
    } else {
        number(rest, 2..=2).filter(|(_, r)| r.is_empty())?.0
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    i16::try_from(sign * (hours * 60 + minutes)).ok().map(Some)
}

fn parse_invariant(text: &str) -> Option<ParsedDate> {
    let (month, rest) = number(text, 1..=2)?;
    let rest = rest.strip_prefix('/')?;
    let (day, rest) = number(rest, 1..=2)?;
    let rest = rest.strip_prefix('/')?;
    let (year, rest) = number(rest, 4..=4)?;
    let rest = rest.trim_start();
    let (mut hour, mut minute, mut second) = (0, 0, 0);
    let mut rest = rest;
    if !rest.is_empty() {
        let (h, r) = number(rest, 1..=2)?;
        let r = r.strip_prefix(':')?;
        let (m, r) = number(r, 2..=2)?;
        hour = h;
        minute = m;
        rest = r;
        if let Some(r) = rest.strip_prefix(':') {
            let (s, r) = number(r, 2..=2)?;
            second = s;
            rest = r;
        }
        let trimmed = rest.trim_start();
        if let Some(r) = trimmed.strip_prefix("AM") {
            if hour == 12 {
                hour = 0;
            }
            rest = r;
        } else if let Some(r) = trimmed.strip_prefix("PM") {
            if hour < 12 {
                hour += 12;
            }
            rest = r;
        }
    }
    let offset = parse_offset(rest)?;
    Some(ParsedDate {
        ticks: ticks_from_parts(year, month, day, hour, minute, second, 0)?,
        offset_minutes: offset,
    })
}

fn parse_rfc1123(text: &str) -> Option<ParsedDate> {
    let rest = match text.split_once(", ") {
        Some((day, rest)) if DAY_NAMES.iter().any(|d| d.get(..3) == Some(day)) => rest,
        _ => text,
    };
    let mut fields = rest.split_whitespace();
    let (day, _) = number(fields.next()?, 1..=2)?;
    let month_name = fields.next()?;
    let month = MONTH_NAMES
        .iter()
        .position(|m| m.get(..3) == Some(month_name))?;
    let (year, _) = number(fields.next()?, 4..=4)?;
    let time = fields.next()?;
    let mut pieces = time.split(':');
    let hour = pieces.next()?.parse().ok()?;
    let minute = pieces.next()?.parse().ok()?;
    let second = pieces.next().map_or(Some(0), |s| s.parse().ok())?;
    let zone = fields.next().unwrap_or("");
    let offset = parse_offset(zone)?;
    Some(ParsedDate {
        ticks: ticks_from_parts(
            year,
            i64::try_from(month).ok()? + 1,
            day,
            hour,
            minute,
            second,
            0,
        )?,
        offset_minutes: offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticks(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
        ticks_from_parts(y, mo, d, h, mi, s, 0).unwrap()
    }

    #[test]
    fn unix_epoch_and_round_trip_of_parts() {
        assert_eq!(ticks(1970, 1, 1, 0, 0, 0), UNIX_EPOCH_TICKS);
        let t = ticks(2024, 2, 29, 23, 59, 58) + 1_234_567;
        let p = parts(t);
        assert_eq!(
            (
                p.year, p.month, p.day, p.hour, p.minute, p.second, p.fraction
            ),
            (2024, 2, 29, 23, 59, 58, 1_234_567)
        );
        assert_eq!(p.day_of_week, 4); // Thursday
        assert_eq!(parts(MAX_TICKS).year, 9999);
    }

    #[test]
    fn standard_formats() {
        let t = ticks(2020, 1, 2, 15, 4, 5) + 1_000_000;
        let utc = Zone {
            kind: Kind::Utc,
            offset_minutes: None,
        };
        assert_eq!(format_date(t, utc, "").unwrap(), "01/02/2020 15:04:05");
        assert_eq!(
            format_date(t, utc, "o").unwrap(),
            "2020-01-02T15:04:05.1000000Z"
        );
        assert_eq!(
            format_date(t, utc, "r").unwrap(),
            "Thu, 02 Jan 2020 15:04:05 GMT"
        );
        assert_eq!(format_date(t, utc, "u").unwrap(), "2020-01-02 15:04:05Z");
        assert_eq!(format_date(t, utc, "s").unwrap(), "2020-01-02T15:04:05");
        assert_eq!(
            format_date(t, utc, "yyyy-MM-ddTHH:mm:ss.fffZ").unwrap(),
            "2020-01-02T15:04:05.100Z"
        );
        assert_eq!(format_date(t, utc, "h:mm tt").unwrap(), "3:04 PM");
        assert_eq!(format_date(t, utc, "q"), None);
    }

    #[test]
    fn month_arithmetic_clamps_the_day() {
        let jan31 = ticks(2021, 1, 31, 0, 0, 0);
        assert_eq!(parts(add_months(jan31, 1).unwrap()).day, 28);
    }

    #[test]
    fn timespans() {
        assert_eq!(format_timespan(TimeSpan(90 * TICKS_PER_MINUTE)), "01:30:00");
        assert_eq!(
            format_timespan(TimeSpan(-(TICKS_PER_DAY + 5))),
            "-1.00:00:00.0000005"
        );
    }

    #[test]
    fn parsing() {
        assert_eq!(
            parse_date("2020-01-02T10:00:00Z"),
            Some(ParsedDate {
                ticks: ticks(2020, 1, 2, 10, 0, 0),
                offset_minutes: Some(0)
            })
        );
        assert_eq!(
            parse_date("2020-01-02").map(|p| p.offset_minutes),
            Some(None)
        );
        assert_eq!(
            parse_date("01/02/2020 10:00:00 PM").map(|p| parts(p.ticks).hour),
            Some(22)
        );
        assert_eq!(
            parse_date("Thu, 02 Jan 2020 10:00:00 GMT").map(|p| p.ticks),
            Some(ticks(2020, 1, 2, 10, 0, 0))
        );
        assert_eq!(
            parse_date("2020-01-02T10:00:00.5+02:00").map(|p| p.offset_minutes),
            Some(Some(120))
        );
        for (zone, minutes) in [("-0230", -150), ("+02", 120), ("+2", 120), ("z", 0)] {
            assert_eq!(
                parse_date(&format!("2020-01-02t10:00:00{zone}")).map(|p| p.offset_minutes),
                Some(Some(minutes)),
                "{zone}"
            );
        }
        assert_eq!(parse_date("2020-01-02T10:00:00+020"), None);
        assert_eq!(parse_date("2020-13-02"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn roundtrip_kind() {
        let utc = parse_date_roundtrip("2020-01-02T10:00:00z");
        assert_eq!(
            utc.map(|d| (d.ticks, d.kind)),
            Some((ticks(2020, 1, 2, 10, 0, 0), Kind::Utc))
        );
        let local = parse_date_roundtrip("2020-01-02T10:00:00+0200");
        assert_eq!(
            local.map(|d| (d.ticks, d.kind)),
            Some((ticks(2020, 1, 2, 8, 0, 0), Kind::Local))
        );
        let plain = parse_date_roundtrip("2020-01-02");
        assert_eq!(plain.map(|d| d.kind), Some(Kind::Unspecified));
    }
}
