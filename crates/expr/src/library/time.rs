//! `DateTime`, `DateTimeOffset`, `TimeSpan`.
//!
//! Local time is UTC (see [`crate::net::time`]). Adding fractional days, hours, seconds keeps
//! full tick precision, as .NET 7 and later do.

use std::fmt::Write;

use super::{Call, Owner, Registry};
use crate::eval::Fault;
use crate::net::time::{
    self, DateTime, DateTimeOffset, Kind, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MILLISECOND,
    TICKS_PER_MINUTE, TICKS_PER_SECOND, TimeSpan, UNIX_EPOCH_TICKS,
};
use crate::types::{Class, EnumKind};
use crate::value::{Value, new_str};

type R = Result<Value, Fault>;

pub(super) fn now_ticks() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    UNIX_EPOCH_TICKS + i64::try_from(since.as_nanos() / 100).unwrap_or(0)
}

fn kind_of(value: i64) -> Kind {
    match value {
        1 => Kind::Utc,
        2 => Kind::Local,
        _ => Kind::Unspecified,
    }
}

fn kind_value(kind: Kind) -> i64 {
    match kind {
        Kind::Unspecified => 0,
        Kind::Utc => 1,
        Kind::Local => 2,
    }
}

fn date_of(call: &Call<'_>) -> Result<DateTime, Fault> {
    match &call.this {
        Value::DateTime(d) => Ok(*d),
        _ => Err(call.internal("not a DateTime")),
    }
}

fn offset_of(call: &Call<'_>) -> Result<DateTimeOffset, Fault> {
    match &call.this {
        Value::DateTimeOffset(d) => Ok(*d),
        _ => Err(call.internal("not a DateTimeOffset")),
    }
}

fn span_of(value: &Value) -> i64 {
    match value {
        Value::TimeSpan(TimeSpan(t)) => *t,
        _ => 0,
    }
}

fn this_span(call: &Call<'_>) -> i64 {
    span_of(&call.this)
}

fn out_of_range_date(call: &Call<'_>) -> Fault {
    call.throw(
        Class::ArgumentOutOfRangeException,
        "The added or subtracted value results in an un-representable DateTime.",
    )
}

/// Ticks for `value` units of `ticks_per_unit`, with full precision (.NET 7+).
fn units_to_ticks(call: &Call<'_>, value: f64, ticks_per_unit: i64) -> Result<i64, Fault> {
    if !value.is_finite() {
        return Err(call.throw(Class::ArgumentOutOfRangeException, "Value must be finite."));
    }
    let integral = value.trunc();
    let fraction = value - integral;
    let whole = integral * ticks_per_unit as f64;
    if whole.abs() > 9.2e18 {
        return Err(out_of_range_date(call));
    }
    Ok((whole as i64).saturating_add((fraction * ticks_per_unit as f64) as i64))
}

fn add_ticks(call: &Call<'_>, date: DateTime, ticks: i64) -> R {
    let result = date
        .ticks
        .checked_add(ticks)
        .filter(|t| time::in_range(*t))
        .ok_or_else(|| out_of_range_date(call))?;
    Ok(Value::DateTime(DateTime {
        ticks: result,
        kind: date.kind,
    }))
}

fn add_offset_ticks(call: &Call<'_>, date: DateTimeOffset, ticks: i64) -> R {
    let result = date
        .ticks
        .checked_add(ticks)
        .filter(|t| time::in_range(*t))
        .ok_or_else(|| out_of_range_date(call))?;
    Ok(Value::DateTimeOffset(DateTimeOffset {
        ticks: result,
        offset_minutes: date.offset_minutes,
    }))
}

fn ticks_per_unit(name: &str) -> i64 {
    match name {
        "AddDays" | "FromDays" | "TotalDays" => TICKS_PER_DAY,
        "AddHours" | "FromHours" | "TotalHours" => TICKS_PER_HOUR,
        "AddMinutes" | "FromMinutes" | "TotalMinutes" => TICKS_PER_MINUTE,
        "AddSeconds" | "FromSeconds" | "TotalSeconds" => TICKS_PER_SECOND,
        _ => TICKS_PER_MILLISECOND,
    }
}

fn date_parts(call: &Call<'_>) -> Result<(i64, Kind), Fault> {
    match &call.this {
        Value::DateTime(d) => Ok((d.ticks, d.kind)),
        Value::DateTimeOffset(d) => Ok((d.ticks, Kind::Unspecified)),
        _ => Err(call.internal("not a date")),
    }
}

fn component(call: &Call<'_>) -> R {
    let (ticks, kind) = date_parts(call)?;
    let p = time::parts(ticks);
    Ok(match call.name {
        "Year" => Value::Int32(p.year as i32),
        "Month" => Value::Int32(p.month as i32),
        "Day" => Value::Int32(p.day as i32),
        "Hour" => Value::Int32(p.hour as i32),
        "Minute" => Value::Int32(p.minute as i32),
        "Second" => Value::Int32(p.second as i32),
        "Millisecond" => Value::Int32((p.fraction / TICKS_PER_MILLISECOND) as i32),
        "DayOfWeek" => Value::Enum(EnumKind::DayOfWeek, p.day_of_week),
        "DayOfYear" => Value::Int32(p.day_of_year as i32),
        "Ticks" => Value::Int64(ticks),
        "TimeOfDay" => Value::TimeSpan(TimeSpan(ticks % TICKS_PER_DAY)),
        "Date" => match &call.this {
            Value::DateTimeOffset(_) => Value::DateTime(DateTime {
                ticks: ticks - ticks % TICKS_PER_DAY,
                kind: Kind::Unspecified,
            }),
            _ => Value::DateTime(DateTime {
                ticks: ticks - ticks % TICKS_PER_DAY,
                kind,
            }),
        },
        _ => return Err(call.internal("unknown date component")),
    })
}

/// `DateTime.Parse`: a date with an offset becomes local time (UTC here) of kind `Local`.
pub(crate) fn parse_date_value(text: &str, call: &Call<'_>) -> R {
    let parsed = time::parse_date(text).ok_or_else(|| {
        call.format_error(format!(
            "String '{text}' was not recognized as a valid DateTime."
        ))
    })?;
    Ok(Value::DateTime(match parsed.offset_minutes {
        Some(offset) => DateTime {
            ticks: parsed.ticks - i64::from(offset) * TICKS_PER_MINUTE,
            kind: Kind::Local,
        },
        None => DateTime {
            ticks: parsed.ticks,
            kind: Kind::Unspecified,
        },
    }))
}

fn parse_offset_value(text: &str, call: &Call<'_>) -> R {
    let parsed = time::parse_date(text).ok_or_else(|| {
        call.format_error(format!(
            "String '{text}' was not recognized as a valid DateTime."
        ))
    })?;
    Ok(Value::DateTimeOffset(DateTimeOffset {
        ticks: parsed.ticks,
        offset_minutes: parsed.offset_minutes.unwrap_or(0),
    }))
}

fn make_date(call: &Call<'_>, kind_index: Option<usize>, with_time: bool, with_ms: bool) -> R {
    let number = |i: usize| call.int(i).map(i64::from);
    let (year, month, day) = (number(0)?, number(1)?, number(2)?);
    let (hour, minute, second) = if with_time {
        (number(3)?, number(4)?, number(5)?)
    } else {
        (0, 0, 0)
    };
    let ms = if with_ms { number(6)? } else { 0 };
    let valid = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= time::days_in_month(year, month)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second)
        && (0..1000).contains(&ms);
    if !valid {
        return Err(call.throw(
            Class::ArgumentOutOfRangeException,
            "Year, Month, and Day parameters describe an un-representable DateTime.",
        ));
    }
    let ticks = time::ticks_from_parts(year, month, day, hour, minute, second, ms)
        .ok_or_else(|| call.out_of_range("year"))?;
    let kind = kind_index.map_or(Kind::Unspecified, |i| kind_of(call.enumeration(i)));
    Ok(Value::DateTime(DateTime { ticks, kind }))
}

fn offset_minutes_of(call: &Call<'_>, value: &Value) -> Result<i16, Fault> {
    let ticks = span_of(value);
    if ticks % TICKS_PER_MINUTE != 0 {
        return Err(call.argument_error("Offset must be specified in whole minutes."));
    }
    let minutes = ticks / TICKS_PER_MINUTE;
    if minutes.abs() > 14 * 60 {
        return Err(call.out_of_range("offset"));
    }
    i16::try_from(minutes).map_err(|_| call.out_of_range("offset"))
}

fn make_offset(call: &Call<'_>, ticks: i64, offset: i16) -> R {
    let utc = ticks - i64::from(offset) * TICKS_PER_MINUTE;
    if !time::in_range(ticks) || !time::in_range(utc) {
        return Err(call.out_of_range("ticks"));
    }
    Ok(Value::DateTimeOffset(DateTimeOffset {
        ticks,
        offset_minutes: offset,
    }))
}

/// `TimeSpan.ToString(format)`: `c`, `g`, `G` and custom patterns (`hh\:mm`, `%d`, `ff`).
pub(crate) fn format_timespan_with(span: TimeSpan, format: &str) -> Option<String> {
    let ticks = span.0;
    let negative = ticks < 0;
    let abs = ticks.unsigned_abs();
    let day = TICKS_PER_DAY.unsigned_abs();
    let days = abs / day;
    let hours = (abs / TICKS_PER_HOUR.unsigned_abs()) % 24;
    let minutes = (abs / TICKS_PER_MINUTE.unsigned_abs()) % 60;
    let seconds = (abs / TICKS_PER_SECOND.unsigned_abs()) % 60;
    let fraction = abs % TICKS_PER_SECOND.unsigned_abs();
    let sign = if negative { "-" } else { "" };
    match format {
        "" | "c" | "t" | "T" => return Some(time::format_timespan(span)),
        "g" => {
            let mut out = sign.to_owned();
            if days > 0 {
                let _ = write!(out, "{days}:");
            }
            let _ = write!(out, "{hours}:{minutes:02}:{seconds:02}");
            if fraction > 0 {
                let digits = format!("{fraction:07}");
                let _ = write!(out, ".{}", digits.trim_end_matches('0'));
            }
            return Some(out);
        }
        "G" => {
            return Some(format!(
                "{sign}{days}:{hours:02}:{minutes:02}:{seconds:02}.{fraction:07}"
            ));
        }
        _ => {}
    }
    // Custom: no sign is printed (as .NET), literals must be quoted or escaped.
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = chars
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&x| x == c)
            .count();
        match c {
            'd' => {
                if run > 8 {
                    return None;
                }
                let _ = write!(out, "{days:0run$}");
                i += run;
            }
            'h' | 'm' | 's' => {
                if run > 2 {
                    return None;
                }
                let value = match c {
                    'h' => hours,
                    'm' => minutes,
                    _ => seconds,
                };
                let _ = write!(out, "{value:0run$}");
                i += run;
            }
            'f' | 'F' => {
                if run > 7 {
                    return None;
                }
                let digits = format!("{fraction:07}");
                let mut part = digits.get(..run)?.to_owned();
                if c == 'F' {
                    while part.ends_with('0') {
                        part.pop();
                    }
                }
                out.push_str(&part);
                i += run;
            }
            '\\' => {
                out.push(*chars.get(i + 1)?);
                i += 2;
            }
            '\'' | '"' => {
                let close = chars.get(i + 1..)?.iter().position(|&x| x == c)?;
                out.extend(chars.get(i + 1..i + 1 + close)?);
                i += close + 2;
            }
            '%' => i += 1,
            _ => return None,
        }
    }
    Some(out)
}

/// `TimeSpan.Parse`: `[-][d.]hh:mm[:ss[.fffffff]]` or a number of days. `Err(true)` is an
/// out-of-range component (`OverflowException`), `Err(false)` a malformed text.
fn parse_timespan(text: &str) -> Result<i64, bool> {
    parse_timespan_parts(text)
        .ok_or(false)
        .and_then(|(ticks, in_range)| if in_range { Ok(ticks) } else { Err(true) })
}

fn parse_timespan_parts(text: &str) -> Option<(i64, bool)> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (days, time_part) = match body.split_once('.') {
        Some((d, rest)) if !d.contains(':') && rest.contains(':') => (d.parse::<i64>().ok()?, rest),
        _ => (0, body),
    };
    let ticks = if time_part.contains(':') {
        let (clock, fraction) = match time_part.split_once('.') {
            Some((clock, fraction)) => (clock, Some(fraction)),
            None => (time_part, None),
        };
        let pieces: Vec<i64> = clock
            .split(':')
            .map(|p| p.parse::<i64>().ok())
            .collect::<Option<_>>()?;
        let (h, m, s) = match pieces.as_slice() {
            [h, m] => (*h, *m, 0),
            [h, m, s] => (*h, *m, *s),
            [d, h, m, s] if days == 0 => {
                let ticks = d * TICKS_PER_DAY
                    + h * TICKS_PER_HOUR
                    + m * TICKS_PER_MINUTE
                    + s * TICKS_PER_SECOND;
                return Some((sign_of(negative) * ticks, *h < 24 && *m < 60 && *s < 60));
            }
            _ => return None,
        };
        if h > 23 || m > 59 || s > 59 {
            return Some((0, false));
        }
        let fraction_ticks = match fraction {
            Some(f) if !f.is_empty() && f.len() <= 7 && f.bytes().all(|b| b.is_ascii_digit()) => {
                format!("{f:0<7}").parse::<i64>().ok()?
            }
            Some(_) => return None,
            None => 0,
        };
        days * TICKS_PER_DAY
            + h * TICKS_PER_HOUR
            + m * TICKS_PER_MINUTE
            + s * TICKS_PER_SECOND
            + fraction_ticks
    } else {
        time_part.parse::<i64>().ok()?.checked_mul(TICKS_PER_DAY)?
    };
    Some((sign_of(negative) * ticks, true))
}

fn sign_of(negative: bool) -> i64 {
    if negative { -1 } else { 1 }
}

pub(super) fn register(r: &mut Registry) {
    let dt = Owner::Class(Class::DateTime);
    r.constructor(dt, "(long ticks)", |_, c| {
        let ticks = c.long(0)?;
        if !time::in_range(ticks) {
            return Err(c.out_of_range("ticks"));
        }
        Ok(Value::DateTime(DateTime {
            ticks,
            kind: Kind::Unspecified,
        }))
    });
    r.constructor(dt, "(long ticks, DateTimeKind kind)", |_, c| {
        let ticks = c.long(0)?;
        if !time::in_range(ticks) {
            return Err(c.out_of_range("ticks"));
        }
        Ok(Value::DateTime(DateTime {
            ticks,
            kind: kind_of(c.enumeration(1)),
        }))
    });
    r.constructor(dt, "(int year, int month, int day)", |_, c| {
        make_date(c, None, false, false)
    });
    r.constructor(
        dt,
        "(int year, int month, int day, int hour, int minute, int second)",
        |_, c| make_date(c, None, true, false),
    );
    r.constructor(
        dt,
        "(int year, int month, int day, int hour, int minute, int second, DateTimeKind kind)",
        |_, c| make_date(c, Some(6), true, false),
    );
    r.constructor(
        dt,
        "(int year, int month, int day, int hour, int minute, int second, int millisecond)",
        |_, c| make_date(c, None, true, true),
    );
    r.constructor(dt, "(int year, int month, int day, int hour, int minute, int second, int millisecond, DateTimeKind kind)", |_, c| {
        make_date(c, Some(7), true, true)
    });
    r.static_property(dt, "UtcNow", "DateTime", |_, _| {
        Ok(Value::DateTime(DateTime {
            ticks: now_ticks(),
            kind: Kind::Utc,
        }))
    });
    r.static_property(dt, "Now", "DateTime", |_, _| {
        Ok(Value::DateTime(DateTime {
            ticks: now_ticks(),
            kind: Kind::Local,
        }))
    });
    r.static_property(dt, "Today", "DateTime", |_, _| {
        let ticks = now_ticks();
        Ok(Value::DateTime(DateTime {
            ticks: ticks - ticks % TICKS_PER_DAY,
            kind: Kind::Local,
        }))
    });
    r.static_property(dt, "MinValue", "DateTime", |_, _| {
        Ok(Value::DateTime(DateTime {
            ticks: 0,
            kind: Kind::Unspecified,
        }))
    });
    r.static_property(dt, "MaxValue", "DateTime", |_, _| {
        Ok(Value::DateTime(DateTime {
            ticks: time::MAX_TICKS,
            kind: Kind::Unspecified,
        }))
    });
    r.static_property(dt, "UnixEpoch", "DateTime", |_, _| {
        Ok(Value::DateTime(DateTime {
            ticks: UNIX_EPOCH_TICKS,
            kind: Kind::Utc,
        }))
    });
    r.static_method(dt, "Parse", "(string s) -> DateTime", |_, c| {
        parse_date_value(&c.string(0)?, c)
    });
    r.static_method(
        dt,
        "TryParse",
        "(string s, out DateTime result) -> bool",
        |_, c| {
            let parsed = c.opt_string(0).and_then(|s| parse_date_value(&s, c).ok());
            let ok = parsed.is_some();
            c.set_out(
                1,
                parsed.unwrap_or(Value::DateTime(DateTime {
                    ticks: 0,
                    kind: Kind::Unspecified,
                })),
            );
            Ok(Value::Bool(ok))
        },
    );
    r.static_method(dt, "IsLeapYear", "(int year) -> bool", |_, c| {
        let year = c.int(0)?;
        if !(1..=9999).contains(&year) {
            return Err(c.out_of_range("year"));
        }
        Ok(Value::Bool(time::is_leap_year(i64::from(year))))
    });
    r.static_method(dt, "DaysInMonth", "(int year, int month) -> int", |_, c| {
        let (year, month) = (c.int(0)?, c.int(1)?);
        if !(1..=12).contains(&month) || !(1..=9999).contains(&year) {
            return Err(c.out_of_range("month"));
        }
        Ok(Value::Int32(
            time::days_in_month(i64::from(year), i64::from(month)) as i32,
        ))
    });
    r.static_method(
        dt,
        "SpecifyKind",
        "(DateTime value, DateTimeKind kind) -> DateTime",
        |_, c| match c.arg(0) {
            Value::DateTime(d) => Ok(Value::DateTime(DateTime {
                ticks: d.ticks,
                kind: kind_of(c.enumeration(1)),
            })),
            _ => Err(c.internal("not a DateTime")),
        },
    );
    r.static_method(
        dt,
        "Compare",
        "(DateTime t1, DateTime t2) -> int",
        |_, c| {
            Ok(Value::Int32(
                super::compare_values(c.arg(0), c.arg(1)) as i32
            ))
        },
    );
    for name in [
        "Year",
        "Month",
        "Day",
        "Hour",
        "Minute",
        "Second",
        "Millisecond",
        "DayOfYear",
    ] {
        r.property(dt, name, "int", |_, c| component(c));
        r.property(Owner::Class(Class::DateTimeOffset), name, "int", |_, c| {
            component(c)
        });
    }
    for owner in [dt, Owner::Class(Class::DateTimeOffset)] {
        r.property(owner, "DayOfWeek", "DayOfWeek", |_, c| component(c));
        r.property(owner, "Ticks", "long", |_, c| component(c));
        r.property(owner, "TimeOfDay", "TimeSpan", |_, c| component(c));
        r.property(owner, "Date", "DateTime", |_, c| component(c));
    }
    r.property(dt, "Kind", "DateTimeKind", |_, c| {
        Ok(Value::Enum(
            EnumKind::DateTimeKind,
            kind_value(date_of(c)?.kind),
        ))
    });
    r.method(dt, "Add", "(TimeSpan value) -> DateTime", |_, c| {
        add_ticks(c, date_of(c)?, span_of(c.arg(0)))
    });
    r.method(dt, "AddTicks", "(long value) -> DateTime", |_, c| {
        add_ticks(c, date_of(c)?, c.long(0)?)
    });
    for name in [
        "AddDays",
        "AddHours",
        "AddMinutes",
        "AddSeconds",
        "AddMilliseconds",
    ] {
        r.method(dt, name, "(double value) -> DateTime", |_, c| {
            let ticks = units_to_ticks(c, c.double(0)?, ticks_per_unit(c.name))?;
            add_ticks(c, date_of(c)?, ticks)
        });
        r.method(
            Owner::Class(Class::DateTimeOffset),
            name,
            "(double value) -> DateTimeOffset",
            |_, c| {
                let ticks = units_to_ticks(c, c.double(0)?, ticks_per_unit(c.name))?;
                add_offset_ticks(c, offset_of(c)?, ticks)
            },
        );
    }
    r.method(dt, "AddMonths", "(int months) -> DateTime", |_, c| {
        let date = date_of(c)?;
        let months = c.int(0)?;
        if !(-120_000..=120_000).contains(&months) {
            return Err(c.out_of_range("months"));
        }
        let ticks = time::add_months(date.ticks, i64::from(months))
            .filter(|t| time::in_range(*t))
            .ok_or_else(|| out_of_range_date(c))?;
        Ok(Value::DateTime(DateTime {
            ticks,
            kind: date.kind,
        }))
    });
    r.method(dt, "AddYears", "(int value) -> DateTime", |_, c| {
        let date = date_of(c)?;
        let years = c.int(0)?;
        if !(-10_000..=10_000).contains(&years) {
            return Err(c.out_of_range("years"));
        }
        let ticks = time::add_months(date.ticks, i64::from(years) * 12)
            .filter(|t| time::in_range(*t))
            .ok_or_else(|| out_of_range_date(c))?;
        Ok(Value::DateTime(DateTime {
            ticks,
            kind: date.kind,
        }))
    });
    r.method(
        dt,
        "Subtract",
        "(DateTime value) -> TimeSpan",
        |_, c| match c.arg(0) {
            Value::DateTime(other) => {
                Ok(Value::TimeSpan(TimeSpan(date_of(c)?.ticks - other.ticks)))
            }
            _ => Err(c.internal("not a DateTime")),
        },
    );
    r.method(dt, "Subtract", "(TimeSpan value) -> DateTime", |_, c| {
        add_ticks(
            c,
            date_of(c)?,
            span_of(c.arg(0)).checked_neg().unwrap_or(i64::MAX),
        )
    });
    r.method(dt, "ToString", "(string format) -> string", |_, c| {
        let format = c.opt_string(0);
        Ok(new_str(super::format_value(
            &c.this,
            Some(format.as_deref().unwrap_or("G")),
            c.span,
        )?))
    });
    r.method(dt, "ToShortDateString", "() -> string", |_, c| {
        Ok(new_str(super::format_value(&c.this, Some("d"), c.span)?))
    });
    r.method(dt, "ToLongDateString", "() -> string", |_, c| {
        Ok(new_str(super::format_value(&c.this, Some("D"), c.span)?))
    });
    r.method(dt, "ToShortTimeString", "() -> string", |_, c| {
        Ok(new_str(super::format_value(&c.this, Some("t"), c.span)?))
    });
    r.method(dt, "ToLongTimeString", "() -> string", |_, c| {
        Ok(new_str(super::format_value(&c.this, Some("T"), c.span)?))
    });
    r.method(dt, "ToUniversalTime", "() -> DateTime", |_, c| {
        let date = date_of(c)?;
        Ok(Value::DateTime(DateTime {
            ticks: date.ticks,
            kind: Kind::Utc,
        }))
    });
    r.method(dt, "ToLocalTime", "() -> DateTime", |_, c| {
        let date = date_of(c)?;
        Ok(Value::DateTime(DateTime {
            ticks: date.ticks,
            kind: Kind::Local,
        }))
    });
    r.method(dt, "IsDaylightSavingTime", "() -> bool", |_, _| {
        Ok(Value::Bool(false))
    });
    r.method(dt, "CompareTo", "(DateTime value) -> int", |_, c| {
        Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32))
    });
    r.method(dt, "Equals", "(DateTime value) -> bool", |_, c| {
        Ok(Value::Bool(super::value_equals(&c.this, c.arg(0))))
    });

    // ----- DateTimeOffset
    let dto = Owner::Class(Class::DateTimeOffset);
    r.constructor(dto, "(DateTime dateTime)", |_, c| match c.arg(0) {
        Value::DateTime(d) => make_offset(c, d.ticks, 0),
        _ => Err(c.internal("not a DateTime")),
    });
    r.constructor(dto, "(DateTime dateTime, TimeSpan offset)", |_, c| {
        let offset = offset_minutes_of(c, c.arg(1))?;
        match c.arg(0) {
            Value::DateTime(d) => {
                if d.kind != Kind::Unspecified && offset != 0 {
                    return Err(
                        c.argument_error("The UTC Offset for Utc DateTime instances must be 0.")
                    );
                }
                make_offset(c, d.ticks, offset)
            }
            _ => Err(c.internal("not a DateTime")),
        }
    });
    r.constructor(dto, "(long ticks, TimeSpan offset)", |_, c| {
        let offset = offset_minutes_of(c, c.arg(1))?;
        make_offset(c, c.long(0)?, offset)
    });
    r.constructor(
        dto,
        "(int year, int month, int day, int hour, int minute, int second, TimeSpan offset)",
        |_, c| {
            let date = make_date(c, None, true, false)?;
            let offset = offset_minutes_of(c, c.arg(6))?;
            match date {
                Value::DateTime(d) => make_offset(c, d.ticks, offset),
                _ => Err(c.internal("date")),
            }
        },
    );
    r.constructor(dto, "(int year, int month, int day, int hour, int minute, int second, int millisecond, TimeSpan offset)", |_, c| {
        let date = make_date(c, None, true, true)?;
        let offset = offset_minutes_of(c, c.arg(7))?;
        match date {
            Value::DateTime(d) => make_offset(c, d.ticks, offset),
            _ => Err(c.internal("date")),
        }
    });
    r.static_property(dto, "UtcNow", "DateTimeOffset", |_, _| {
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks: now_ticks(),
            offset_minutes: 0,
        }))
    });
    r.static_property(dto, "Now", "DateTimeOffset", |_, _| {
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks: now_ticks(),
            offset_minutes: 0,
        }))
    });
    r.static_property(dto, "MinValue", "DateTimeOffset", |_, _| {
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks: 0,
            offset_minutes: 0,
        }))
    });
    r.static_property(dto, "MaxValue", "DateTimeOffset", |_, _| {
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks: time::MAX_TICKS,
            offset_minutes: 0,
        }))
    });
    r.static_property(dto, "UnixEpoch", "DateTimeOffset", |_, _| {
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks: UNIX_EPOCH_TICKS,
            offset_minutes: 0,
        }))
    });
    r.static_method(
        dto,
        "FromUnixTimeSeconds",
        "(long seconds) -> DateTimeOffset",
        |_, c| {
            let seconds = c.long(0)?;
            let ticks = seconds
                .checked_mul(TICKS_PER_SECOND)
                .and_then(|t| t.checked_add(UNIX_EPOCH_TICKS))
                .filter(|t| time::in_range(*t));
            ticks
                .map(|ticks| {
                    Value::DateTimeOffset(DateTimeOffset {
                        ticks,
                        offset_minutes: 0,
                    })
                })
                .ok_or_else(|| c.out_of_range("seconds"))
        },
    );
    r.static_method(
        dto,
        "FromUnixTimeMilliseconds",
        "(long milliseconds) -> DateTimeOffset",
        |_, c| {
            let ms = c.long(0)?;
            let ticks = ms
                .checked_mul(TICKS_PER_MILLISECOND)
                .and_then(|t| t.checked_add(UNIX_EPOCH_TICKS))
                .filter(|t| time::in_range(*t));
            ticks
                .map(|ticks| {
                    Value::DateTimeOffset(DateTimeOffset {
                        ticks,
                        offset_minutes: 0,
                    })
                })
                .ok_or_else(|| c.out_of_range("milliseconds"))
        },
    );
    r.static_method(dto, "Parse", "(string input) -> DateTimeOffset", |_, c| {
        parse_offset_value(&c.string(0)?, c)
    });
    r.static_method(
        dto,
        "TryParse",
        "(string input, out DateTimeOffset result) -> bool",
        |_, c| {
            let parsed = c.opt_string(0).and_then(|s| parse_offset_value(&s, c).ok());
            let ok = parsed.is_some();
            c.set_out(
                1,
                parsed.unwrap_or(Value::DateTimeOffset(DateTimeOffset {
                    ticks: 0,
                    offset_minutes: 0,
                })),
            );
            Ok(Value::Bool(ok))
        },
    );
    r.method(dto, "ToUnixTimeSeconds", "() -> long", |_, c| {
        let utc = offset_of(c)?.utc_ticks();
        Ok(Value::Int64(
            utc.div_euclid(TICKS_PER_SECOND) - UNIX_EPOCH_TICKS / TICKS_PER_SECOND,
        ))
    });
    r.method(dto, "ToUnixTimeMilliseconds", "() -> long", |_, c| {
        let utc = offset_of(c)?.utc_ticks();
        Ok(Value::Int64(
            utc.div_euclid(TICKS_PER_MILLISECOND) - UNIX_EPOCH_TICKS / TICKS_PER_MILLISECOND,
        ))
    });
    r.property(dto, "UtcDateTime", "DateTime", |_, c| {
        Ok(Value::DateTime(DateTime {
            ticks: offset_of(c)?.utc_ticks(),
            kind: Kind::Utc,
        }))
    });
    r.property(dto, "LocalDateTime", "DateTime", |_, c| {
        Ok(Value::DateTime(DateTime {
            ticks: offset_of(c)?.utc_ticks(),
            kind: Kind::Local,
        }))
    });
    r.property(dto, "DateTime", "DateTime", |_, c| {
        Ok(Value::DateTime(DateTime {
            ticks: offset_of(c)?.ticks,
            kind: Kind::Unspecified,
        }))
    });
    r.property(dto, "UtcTicks", "long", |_, c| {
        Ok(Value::Int64(offset_of(c)?.utc_ticks()))
    });
    r.property(dto, "Offset", "TimeSpan", |_, c| {
        Ok(Value::TimeSpan(TimeSpan(
            i64::from(offset_of(c)?.offset_minutes) * TICKS_PER_MINUTE,
        )))
    });
    r.method(
        dto,
        "Add",
        "(TimeSpan timeSpan) -> DateTimeOffset",
        |_, c| add_offset_ticks(c, offset_of(c)?, span_of(c.arg(0))),
    );
    r.method(dto, "AddTicks", "(long ticks) -> DateTimeOffset", |_, c| {
        add_offset_ticks(c, offset_of(c)?, c.long(0)?)
    });
    r.method(
        dto,
        "AddMonths",
        "(int months) -> DateTimeOffset",
        |_, c| {
            let date = offset_of(c)?;
            let ticks = time::add_months(date.ticks, i64::from(c.int(0)?))
                .filter(|t| time::in_range(*t))
                .ok_or_else(|| out_of_range_date(c))?;
            Ok(Value::DateTimeOffset(DateTimeOffset {
                ticks,
                offset_minutes: date.offset_minutes,
            }))
        },
    );
    r.method(dto, "AddYears", "(int years) -> DateTimeOffset", |_, c| {
        let date = offset_of(c)?;
        let ticks = time::add_months(date.ticks, i64::from(c.int(0)?) * 12)
            .filter(|t| time::in_range(*t))
            .ok_or_else(|| out_of_range_date(c))?;
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks,
            offset_minutes: date.offset_minutes,
        }))
    });
    r.method(
        dto,
        "Subtract",
        "(DateTimeOffset value) -> TimeSpan",
        |_, c| match c.arg(0) {
            Value::DateTimeOffset(other) => Ok(Value::TimeSpan(TimeSpan(
                offset_of(c)?.utc_ticks() - other.utc_ticks(),
            ))),
            _ => Err(c.internal("not a DateTimeOffset")),
        },
    );
    r.method(
        dto,
        "Subtract",
        "(TimeSpan value) -> DateTimeOffset",
        |_, c| {
            add_offset_ticks(
                c,
                offset_of(c)?,
                span_of(c.arg(0)).checked_neg().unwrap_or(i64::MAX),
            )
        },
    );
    r.method(dto, "ToUniversalTime", "() -> DateTimeOffset", |_, c| {
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks: offset_of(c)?.utc_ticks(),
            offset_minutes: 0,
        }))
    });
    r.method(dto, "ToLocalTime", "() -> DateTimeOffset", |_, c| {
        Ok(Value::DateTimeOffset(DateTimeOffset {
            ticks: offset_of(c)?.utc_ticks(),
            offset_minutes: 0,
        }))
    });
    r.method(
        dto,
        "ToOffset",
        "(TimeSpan offset) -> DateTimeOffset",
        |_, c| {
            let offset = offset_minutes_of(c, c.arg(0))?;
            let utc = offset_of(c)?.utc_ticks();
            make_offset(c, utc + i64::from(offset) * TICKS_PER_MINUTE, offset)
        },
    );
    r.method(dto, "ToString", "(string format) -> string", |_, c| {
        let format = c.opt_string(0);
        Ok(new_str(super::format_value(
            &c.this,
            Some(format.as_deref().unwrap_or("G")),
            c.span,
        )?))
    });
    r.method(dto, "CompareTo", "(DateTimeOffset other) -> int", |_, c| {
        Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32))
    });
    r.method(dto, "Equals", "(DateTimeOffset other) -> bool", |_, c| {
        Ok(Value::Bool(super::value_equals(&c.this, c.arg(0))))
    });

    // ----- TimeSpan
    let ts = Owner::Class(Class::TimeSpan);
    r.constructor(ts, "(long ticks)", |_, c| {
        Ok(Value::TimeSpan(TimeSpan(c.long(0)?)))
    });
    r.constructor(ts, "(int hours, int minutes, int seconds)", |_, c| {
        let ticks = i64::from(c.int(0)?) * TICKS_PER_HOUR
            + i64::from(c.int(1)?) * TICKS_PER_MINUTE
            + i64::from(c.int(2)?) * TICKS_PER_SECOND;
        Ok(Value::TimeSpan(TimeSpan(ticks)))
    });
    r.constructor(
        ts,
        "(int days, int hours, int minutes, int seconds)",
        |_, c| {
            let ticks = i64::from(c.int(0)?) * TICKS_PER_DAY
                + i64::from(c.int(1)?) * TICKS_PER_HOUR
                + i64::from(c.int(2)?) * TICKS_PER_MINUTE
                + i64::from(c.int(3)?) * TICKS_PER_SECOND;
            Ok(Value::TimeSpan(TimeSpan(ticks)))
        },
    );
    r.constructor(
        ts,
        "(int days, int hours, int minutes, int seconds, int milliseconds)",
        |_, c| {
            let ticks = i64::from(c.int(0)?) * TICKS_PER_DAY
                + i64::from(c.int(1)?) * TICKS_PER_HOUR
                + i64::from(c.int(2)?) * TICKS_PER_MINUTE
                + i64::from(c.int(3)?) * TICKS_PER_SECOND
                + i64::from(c.int(4)?) * TICKS_PER_MILLISECOND;
            Ok(Value::TimeSpan(TimeSpan(ticks)))
        },
    );
    r.static_property(ts, "Zero", "TimeSpan", |_, _| {
        Ok(Value::TimeSpan(TimeSpan(0)))
    });
    r.static_property(ts, "MaxValue", "TimeSpan", |_, _| {
        Ok(Value::TimeSpan(TimeSpan(i64::MAX)))
    });
    r.static_property(ts, "MinValue", "TimeSpan", |_, _| {
        Ok(Value::TimeSpan(TimeSpan(i64::MIN)))
    });
    for name in [
        "TicksPerDay",
        "TicksPerHour",
        "TicksPerMinute",
        "TicksPerSecond",
        "TicksPerMillisecond",
    ] {
        r.static_property(ts, name, "long", |_, c| {
            Ok(Value::Int64(match c.name {
                "TicksPerDay" => TICKS_PER_DAY,
                "TicksPerHour" => TICKS_PER_HOUR,
                "TicksPerMinute" => TICKS_PER_MINUTE,
                "TicksPerSecond" => TICKS_PER_SECOND,
                _ => TICKS_PER_MILLISECOND,
            }))
        });
    }
    for name in [
        "FromDays",
        "FromHours",
        "FromMinutes",
        "FromSeconds",
        "FromMilliseconds",
    ] {
        r.static_method(ts, name, "(double value) -> TimeSpan", |_, c| {
            let value = c.double(0)?;
            if value.is_nan() {
                return Err(c.argument_error(
                    "TimeSpan does not accept floating point Not-a-Number values.",
                ));
            }
            let ticks = value * ticks_per_unit(c.name) as f64;
            if ticks.abs() > 9.223_372_036_854_775e18 {
                return Err(c.throw(
                    Class::OverflowException,
                    "TimeSpan overflowed because the duration is too long.",
                ));
            }
            Ok(Value::TimeSpan(TimeSpan(ticks as i64)))
        });
    }
    r.static_method(ts, "FromTicks", "(long value) -> TimeSpan", |_, c| {
        Ok(Value::TimeSpan(TimeSpan(c.long(0)?)))
    });
    r.static_method(ts, "Parse", "(string s) -> TimeSpan", |_, c| {
        let text = c.string(0)?;
        match parse_timespan(&text) {
            Ok(ticks) => Ok(Value::TimeSpan(TimeSpan(ticks))),
            Err(true) => Err(c.throw(Class::OverflowException, "The TimeSpan string could not be parsed because at least one of the numeric components is out of range or contains too many digits.")),
            Err(false) => Err(c.format_error("String was not recognized as a valid TimeSpan.")),
        }
    });
    r.static_method(
        ts,
        "TryParse",
        "(string s, out TimeSpan result) -> bool",
        |_, c| {
            let parsed = c.opt_string(0).and_then(|s| parse_timespan(&s).ok());
            c.set_out(1, Value::TimeSpan(TimeSpan(parsed.unwrap_or(0))));
            Ok(Value::Bool(parsed.is_some()))
        },
    );
    for name in ["Days", "Hours", "Minutes", "Seconds", "Milliseconds"] {
        r.property(ts, name, "int", |_, c| {
            let ticks = this_span(c);
            Ok(Value::Int32(match c.name {
                "Days" => ticks / TICKS_PER_DAY,
                "Hours" => (ticks / TICKS_PER_HOUR) % 24,
                "Minutes" => (ticks / TICKS_PER_MINUTE) % 60,
                "Seconds" => (ticks / TICKS_PER_SECOND) % 60,
                _ => (ticks / TICKS_PER_MILLISECOND) % 1000,
            } as i32))
        });
    }
    r.property(ts, "Ticks", "long", |_, c| Ok(Value::Int64(this_span(c))));
    for name in [
        "TotalDays",
        "TotalHours",
        "TotalMinutes",
        "TotalSeconds",
        "TotalMilliseconds",
    ] {
        r.property(ts, name, "double", |_, c| {
            Ok(Value::Double(
                this_span(c) as f64 / ticks_per_unit(c.name) as f64,
            ))
        });
    }
    r.method(ts, "Add", "(TimeSpan ts) -> TimeSpan", |_, c| {
        this_span(c)
            .checked_add(span_of(c.arg(0)))
            .map(|t| Value::TimeSpan(TimeSpan(t)))
            .ok_or_else(|| {
                c.throw(
                    Class::OverflowException,
                    "TimeSpan overflowed because the duration is too long.",
                )
            })
    });
    r.method(ts, "Subtract", "(TimeSpan ts) -> TimeSpan", |_, c| {
        this_span(c)
            .checked_sub(span_of(c.arg(0)))
            .map(|t| Value::TimeSpan(TimeSpan(t)))
            .ok_or_else(|| {
                c.throw(
                    Class::OverflowException,
                    "TimeSpan overflowed because the duration is too long.",
                )
            })
    });
    r.method(ts, "Negate", "() -> TimeSpan", |_, c| {
        this_span(c)
            .checked_neg()
            .map(|t| Value::TimeSpan(TimeSpan(t)))
            .ok_or_else(|| {
                c.throw(
                    Class::OverflowException,
                    "Negating the minimum value of a twos complement number is invalid.",
                )
            })
    });
    r.method(ts, "Duration", "() -> TimeSpan", |_, c| {
        this_span(c)
            .checked_abs()
            .map(|t| Value::TimeSpan(TimeSpan(t)))
            .ok_or_else(|| c.throw(Class::OverflowException, "The duration cannot be returned for TimeSpan.MinValue because the absolute value of TimeSpan.MinValue exceeds the value of TimeSpan.MaxValue."))
    });
    r.method(ts, "ToString", "(string format) -> string", |_, c| {
        let format = c.opt_string(0).unwrap_or_default();
        format_timespan_with(TimeSpan(this_span(c)), &format)
            .map(new_str)
            .ok_or_else(|| c.format_error("Input string was not in a correct format."))
    });
    r.method(ts, "CompareTo", "(TimeSpan value) -> int", |_, c| {
        Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32))
    });
    r.method(ts, "Equals", "(TimeSpan obj) -> bool", |_, c| {
        Ok(Value::Bool(super::value_equals(&c.this, c.arg(0))))
    });
}
